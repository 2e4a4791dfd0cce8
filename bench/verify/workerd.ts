/**
 * @module bench/verify/workerd
 * Section 1b: the same cases as in Node, inside workerd (Miniflare from the
 * installed wrangler, bundles built by `wrangler deploy --dry-run`).
 *
 * Timing method: workerd freezes its clocks between I/O, so nothing is timed
 * inside the worker. The host sends `POST /run {case, n}`, which runs `n`
 * operations back to back, and times the whole request from outside; it also
 * times `n = 0` (the request overhead) right before, and takes
 * (T(n) − T(0)) / n as the time per operation. `n` is sized from the warm-up run
 * so each batch lasts ~250 ms, making the ~1 ms request overhead and its jitter
 * negligible.
 *
 * Downloads: the workers fetch `https://s3.amazonaws.com/echo.api/…` with their
 * normal code; Miniflare's `outboundService` (a function in this process)
 * answers with the test chain and counts, so no request leaves the machine.
 */
import type { Miniflare } from "miniflare";
import { rm } from "node:fs/promises";
import path from "node:path";
import tls from "node:tls";
import { createTestPki } from "../../emulator/pki.ts";
import { buildWorker } from "../lib/build-worker.ts";
import { loadMiniflare } from "../lib/miniflare.ts";
import type { SectionResult } from "../lib/report.ts";
import type { BenchSetup } from "../workers/verify-common.ts";
import { signedSet } from "./signed-set.ts";
import { verificationTables, type CaseRuns } from "./tables.ts";

interface Instance {
  name: string;
  mf: Miniflare;
  cases: string[];
}

const BATCH_MS = 250;
const MAX_BATCH_OPS = 20_000;

/**
 * Measures verification inside workerd.
 * @example const section = await benchWorkerdVerification("/work/main", { runs: 5 });
 */
export async function benchWorkerdVerification(root: string, opts: { runs: number }): Promise<SectionResult> {
  const { mod } = await loadMiniflare(root);
  const pki = await createTestPki();
  const set = await signedSet(pki);
  const setup: BenchSetup = { rootPem: pki.rootPem, chainPem: pki.chainPem, ...set };
  let downloads = 0;
  const outboundService = (req: { url: string }) => {
    if (new URL(req.url).pathname.startsWith("/echo.api/")) {
      downloads++;
      return new mod.Response(pki.chainPem, { headers: { "content-type": "application/x-pem-file" } });
    }
    return new mod.Response("not found", { status: 404 });
  };

  const skipped: Record<string, string> = {};
  const info: string[] = [];
  const instances: Instance[] = [];
  const buildDirs: string[] = [];
  const workers = [
    { name: "ours", entry: "verify-ours.ts", flags: [] as string[], libs: ["ours", "bare"] },
    { name: "peers", entry: "verify-peers.ts", flags: ["nodejs_compat"], libs: ["asksdk", "alexaverifier"] },
  ];
  try {
    for (const w of workers) {
      let mf: Miniflare | undefined;
      try {
        const built = await buildWorker(root, path.join(root, "bench", "workers", w.entry), w.flags);
        buildDirs.push(built.dir);
        mf = new mod.Miniflare(
          mod.convertV4MiniflareOptions({
            modules: true,
            scriptPath: built.scriptPath,
            modulesRoot: path.dirname(built.scriptPath),
            compatibilityDate: built.compatibilityDate,
            compatibilityFlags: built.compatibilityFlags,
            outboundService,
          }),
        );
        const res = await mf.dispatchFetch("http://bench/setup", { method: "POST", body: JSON.stringify(setup) });
        const body = (await res.json()) as { cases?: string[]; error?: string };
        if (!res.ok || !body.cases) throw new Error(body.error ?? `setup answered ${res.status}`);
        for (const c of body.cases.filter((c) => c.startsWith("info:"))) info.push(c.slice(5));
        instances.push({ name: w.name, mf, cases: body.cases.filter((c) => !c.startsWith("info:")) });
      } catch (err) {
        await mf?.dispose();
        const reason = `${w.entry} did not start in workerd: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`;
        for (const lib of w.libs) skipped[lib] = reason;
      }
    }

    const all = instances.flatMap((i) => i.cases.map((c) => ({ inst: i, name: c })));
    const runCase = async (inst: Instance, name: string, n: number): Promise<number> => {
      const t0 = performance.now();
      const res = await inst.mf.dispatchFetch("http://bench/run", {
        method: "POST",
        body: JSON.stringify({ case: name, n }),
      });
      const text = await res.text();
      const t = performance.now() - t0;
      if (!res.ok) throw new Error(`${name}: ${text}`);
      return t;
    };

    const results: Record<string, CaseRuns> = {};
    const broken = new Set<string>();
    const nFor = new Map<string, number>();
    for (let run = 0; run <= opts.runs; run++) {
      const order = all.map((_, i) => all[(i + run) % all.length]!);
      for (const { inst, name } of order) {
        if (broken.has(name)) continue;
        const lib = name.split(":")[0]!;
        try {
          if (name.endsWith(":hot") || name.endsWith(":rejectSig") || name.endsWith(":rejectTsCached")) await runCase(inst, `${lib}:hot`, 1);
          const n = run === 0 ? 50 : nFor.get(name)!;
          const overhead = await runCase(inst, name, 0);
          const before = downloads;
          const t = await runCase(inst, name, n);
          const perOp = Math.max(t - overhead, 0) / n;
          if (run === 0) {
            // Bounded both ways: a noisy warm-up estimate must not make a batch run for minutes.
            nFor.set(name, Math.min(MAX_BATCH_OPS, Math.max(5, Math.ceil(BATCH_MS / Math.max(perOp, 0.001)))));
            continue;
          }
          const r = (results[name] ??= { msPerOp: [], downloadsPerOp: [] });
          r.msPerOp.push(perOp);
          r.downloadsPerOp!.push((downloads - before) / n);
        } catch (err) {
          // A peer that cannot run this case in workerd: say so instead of timing something else.
          broken.add(name);
          delete results[name];
          skipped[`${name}`] = err instanceof Error ? err.message.slice(0, 300) : String(err);
        }
      }
    }
    const section = verificationTables("workerd", results, skipped);
    const caseNotes = Object.entries(skipped)
      .filter(([k]) => k.includes(":"))
      .map(([k, v]) => `- \`${k}\` not measured: ${v.replace(/\s+/g, " ")}`);
    const roots = info.find((i) => i.startsWith("rootCertificates="))?.split("=")[1];
    const method = [
      "Timed from outside: each batch is one `POST /run {case, n}` to the bench worker, minus an `n = 0` request " +
        "timed just before; n is sized for ~250 ms batches (workerd's clocks do not advance during computation). " +
        "Downloads are answered by Miniflare's `outboundService` in the host process (plain loopback, no TLS).",
      roots === undefined
        ? ""
        : `\nask-sdk builds its CA store from \`tls.rootCertificates\` on every cold path: ${roots} certificates ` +
          `in workerd (nodejs_compat), ${tls.rootCertificates.length} in Node (plus the test root in both), so its ` +
          "workerd cold path is cheaper than its Node one" +
          (roots === "0" ? ", and on Workers it could not validate Amazon's real chain at all (no roots)." : "."),
    ].join("\n");
    return {
      markdown: [method, "", section.markdown, ...(caseNotes.length ? ["", ...caseNotes] : [])].join("\n"),
      targets: section.targets,
    };
  } finally {
    for (const i of instances) await i.mf.dispose();
    for (const d of buildDirs) await rm(d, { recursive: true, force: true });
  }
}
