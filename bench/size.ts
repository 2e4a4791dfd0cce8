/**
 * @module bench/size
 * Section 4: the gzip size of the deployable Worker, as `wrangler deploy
 * --dry-run` builds it, against the Workers free-plan limit (3 MiB after
 * compression), with the largest contributors taken from esbuild's metafile.
 *
 * Sizes per dependency are esbuild's `bytesInOutput` (minification as
 * configured in wrangler.toml, i.e. none by default): uncompressed bytes each
 * input contributes to the bundle. Gzip is applied to the whole bundle only,
 * since per-file gzip sizes do not add up.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { fmt, fmtBytes, table, type SectionResult } from "./lib/report.ts";

const execFileP = promisify(execFile);

/** Workers free plan: 3 MiB compressed (paid: 10 MiB). */
export const FREE_PLAN_LIMIT_BYTES = 3 * 1024 * 1024;

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

/**
 * Names the package an esbuild input belongs to: `node_modules/@a/b/x.js` →
 * `@a/b`, `src/alexa-user/x.ts` → `src/alexa-user` (the project's own code, by folder).
 * @example ownerOf("node_modules/itty-router/index.mjs") // "itty-router"
 */
export function ownerOf(input: string): string {
  const nm = input.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = input.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dir = path.posix.dirname(input);
  return dir === "." ? input : `${dir}/ (project)`;
}

/**
 * Builds the Worker with wrangler into a temp dir and measures it.
 * @example const r = await measureSize("/work/main");
 */
export async function measureSize(root: string): Promise<SectionResult> {
  const out = await mkdtemp(path.join(os.tmpdir(), "alb-size-"));
  try {
    const meta = path.join(out, "meta.json");
    const { stdout } = await execFileP(
      path.join(root, "node_modules", ".bin", "wrangler"),
      ["deploy", "--dry-run", "--outdir", out, "--metafile", meta],
      { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 },
    );
    const files = (await readdir(out)).filter((f) => /\.(m?js|wasm|bin|txt|html)$/.test(f) && f !== "README.md");
    let raw = 0;
    let gz = 0;
    for (const f of files) {
      const bytes = await readFile(path.join(out, f));
      raw += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
    }
    const wranglerLine = /Total Upload: ([^\n]+)/.exec(stdout)?.[1]?.trim() ?? "(not printed)";

    const metafile = JSON.parse(await readFile(meta, "utf8")) as Metafile;
    const byOwner = new Map<string, number>();
    for (const [outName, o] of Object.entries(metafile.outputs)) {
      if (outName.endsWith(".map")) continue;
      for (const [input, { bytesInOutput }] of Object.entries(o.inputs)) {
        const owner = ownerOf(input);
        byOwner.set(owner, (byOwner.get(owner) ?? 0) + bytesInOutput);
      }
    }
    const ranked = [...byOwner.entries()].sort((a, b) => b[1] - a[1]);
    const top = ranked.slice(0, 10);
    const thirdParty = ranked.filter(([name]) => !name.endsWith("(project)") && !name.startsWith("src/"));
    const share = (n: number) => `${fmt((100 * n) / raw, 2)} %`;
    const ratioOfLimit = gz / FREE_PLAN_LIMIT_BYTES;

    const markdown = [
      `Built with \`wrangler deploy --dry-run --outdir <tmp> --metafile\`; bundle files: ${files.map((f) => `\`${f}\``).join(", ")}.`,
      "",
      table(
        ["Measure", "Value"],
        [
          ["Bundle, uncompressed", fmtBytes(raw)],
          ["Bundle, gzip -9 (measured here)", fmtBytes(gz)],
          ["wrangler's own report", wranglerLine],
          ["Free-plan limit (compressed)", fmtBytes(FREE_PLAN_LIMIT_BYTES)],
          ["Share of the limit used", `${fmt(ratioOfLimit * 100, 2)} %`],
        ],
      ),
      "",
      "Largest contributors (esbuild `bytesInOutput`, uncompressed, grouped by package; project code by folder):",
      "",
      table(
        ["Contributor", "Bytes in bundle", "Share"],
        top.map(([name, n]) => [name, fmtBytes(n), share(n)]),
      ),
      "",
      `Third-party packages in the bundle: ${
        thirdParty.length ? thirdParty.map(([name, n]) => `${name} ${fmtBytes(n)}`).join(", ") : "none"
      }.`,
    ].join("\n");
    return {
      markdown,
      targets: [
        {
          target: "Worker gzip size under the 3 MiB free-plan limit",
          measured: `${fmtBytes(gz)} (${fmt(ratioOfLimit * 100, 2)} % of the limit)`,
          met: gz < FREE_PLAN_LIMIT_BYTES,
        },
      ],
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
