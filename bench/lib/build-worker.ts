/**
 * @module bench/lib/build-worker
 * Bundles a bench worker exactly as a deployment would (`wrangler deploy
 * --dry-run --outdir`), from a throw-away wrangler config that points at the
 * entry file, so that workerd runs the same kind of bundle production gets.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const execFileP = promisify(execFile);

export interface BuiltWorker {
  /** The bundled ES module. */
  scriptPath: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
  dir: string;
}

/** The project's compatibility date, read from wrangler.toml. */
export async function projectCompatibilityDate(root: string): Promise<string> {
  const toml = await readFile(path.join(root, "wrangler.toml"), "utf8");
  const m = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml);
  if (!m?.[1]) throw new Error("wrangler.toml has no compatibility_date");
  return m[1];
}

/**
 * Builds `entry` (absolute path) into a temp directory.
 * @example const w = await buildWorker(root, path.join(root, "bench/workers/verify-ours.ts"), []);
 */
export async function buildWorker(root: string, entry: string, compatibilityFlags: string[]): Promise<BuiltWorker> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "alb-bench-worker-"));
  const compatibilityDate = await projectCompatibilityDate(root);
  const config = [
    `name = "alb-bench-${path.basename(entry, ".ts")}"`,
    `main = ${JSON.stringify(entry)}`,
    `compatibility_date = "${compatibilityDate}"`,
    `compatibility_flags = ${JSON.stringify(compatibilityFlags)}`,
    "",
  ].join("\n");
  const configPath = path.join(dir, "wrangler.toml");
  await writeFile(configPath, config);
  const out = path.join(dir, "out");
  await execFileP(
    path.join(root, "node_modules", ".bin", "wrangler"),
    ["deploy", "--dry-run", "--config", configPath, "--outdir", out],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 },
  );
  const base = path.basename(entry).replace(/\.ts$/, ".js");
  return { scriptPath: path.join(out, base), compatibilityDate, compatibilityFlags, dir };
}

/**
 * Builds the project's own Worker (wrangler.toml) into `outDir`, as `wrangler
 * deploy --dry-run` does; returns the entry module's path.
 * @example const { scriptPath } = await buildProject(root, "/tmp/x");
 */
export async function buildProject(root: string, outDir: string): Promise<{ scriptPath: string }> {
  await execFileP(
    path.join(root, "node_modules", ".bin", "wrangler"),
    ["deploy", "--dry-run", "--outdir", outDir],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, maxBuffer: 16 * 1024 * 1024 },
  );
  return { scriptPath: path.join(outDir, "index.js") };
}
