/**
 * @module bench/e2e/load
 * Runs one load against the Worker in a separate process and measures that
 * process's CPU, with whichever load generator this machine has:
 *
 * - **wrk** when it is on PATH (`apt-get install wrk`; C, one thread): it
 *   costs a few percent of a core at the rates here, so it leaves the second
 *   core to the Worker's host process. Its latency percentiles are corrected
 *   for coordinated omission (wrk adds the samples a stalled connection would
 *   have produced at its average rate), which is what an open-loop sender
 *   such as Alexa sees, and stricter than an uncorrected histogram.
 * - **autocannon** otherwise (bench/e2e/load-child.ts, Node): uncorrected
 *   latencies, and it competes for the same 2 cores.
 *
 * `BENCH_LOADGEN=autocannon` forces autocannon. The result says which ran.
 * CPU of the generator: `/proc/<pid>/stat` polled every 100 ms, last reading
 * before it exits.
 */
import { execFileSync, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { LoadConfig, LoadResult } from "./load-child.ts";

const CLK_TCK = 100;

/** "wrk" when it can be run, else "autocannon". @example const tool = loadGenerator(); */
export function loadGenerator(): "wrk" | "autocannon" {
  if (process.env.BENCH_LOADGEN === "autocannon") return "autocannon";
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return "wrk";
  } catch (e) {
    // wrk --version exits 1 after printing its version; only a missing binary is ENOENT.
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "autocannon" : "wrk";
  }
}

/** The wrk version line, for the report. @example wrkVersion() // "wrk debian/4.1.0-3+b2 [epoll]" */
export function wrkVersion(): string {
  try {
    return execFileSync("wrk", ["--version"], { encoding: "utf8" }).split("\n")[0]!.trim();
  } catch (e) {
    const out = (e as { stdout?: Buffer | string }).stdout?.toString() ?? "";
    return out.split("\n")[0]?.replace(/ Copyright.*/, "").trim() || "wrk";
  }
}

async function cpuTicks(pid: number): Promise<number | null> {
  try {
    const s = await readFile(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

/** Runs `cmd`, returns stdout and the CPU seconds it used (polled). */
function runMeasured(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ out: string; cpuSec: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let ticks = 0;
    const poll = setInterval(() => {
      void cpuTicks(child.pid ?? -1).then((t) => {
        if (t !== null) ticks = t;
      });
    }, 100);
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e) => {
      clearInterval(poll);
      reject(e);
    });
    child.on("close", (code) => {
      clearInterval(poll);
      if (code === 0) resolve({ out, cpuSec: ticks / CLK_TCK });
      else reject(new Error(`${path.basename(cmd)} exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** A Lua long string that cannot be closed by the text inside it. */
function luaString(s: string): string {
  let eq = "=";
  while (s.includes(`]${eq}]`)) eq += "=";
  return `[${eq}[${s}]${eq}]`;
}

async function runWrk(dir: string, cfg: LoadConfig): Promise<LoadResult> {
  const poolFile = path.join(dir, "wrk-pool.lua");
  const method = cfg.method ?? "POST";
  const rows =
    method === "GET"
      ? [`{"GET",${luaString(cfg.path)},{},nil}`]
      : cfg.pool.map(
          (r) =>
            `{"POST",${luaString(cfg.path)},{${Object.entries(r.headers)
              .map(([k, v]) => `[ ${luaString(k)} ]=${luaString(v)}`)
              .join(",")}},${luaString(r.body)}}`,
        );
  await writeFile(poolFile, `return {\n${rows.join(",\n")}\n}\n`);
  const script = path.join(path.dirname(new URL(import.meta.url).pathname), "wrk-pool.lua");
  const { out, cpuSec } = await runMeasured(
    "wrk",
    ["-t1", `-c${cfg.connections}`, `-d${cfg.durationSec}s`, "--timeout", "10s", "-s", script, cfg.url],
    { ...process.env, WRK_POOL: poolFile },
    dir,
  );
  const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
  if (!line) throw new Error(`wrk printed no result: ${out.slice(-500)}`);
  const j = JSON.parse(line.slice(8)) as {
    requests: number;
    durationUs: number;
    p50Us: number;
    p90Us: number;
    p99Us: number;
    maxUs: number;
    connect: number;
    read: number;
    write: number;
    timeout: number;
    codes: Record<string, number>;
  };
  const durationSec = j.durationUs / 1e6;
  return {
    tool: "wrk",
    loadgenCpuSec: cpuSec,
    requests: j.requests,
    sent: j.requests,
    durationSec,
    rps: j.requests / durationSec,
    p50Ms: j.p50Us / 1000,
    p90Ms: j.p90Us / 1000,
    p99Ms: j.p99Us / 1000,
    maxMs: j.maxUs / 1000,
    errors: j.connect + j.read + j.write,
    timeouts: j.timeout,
    statusCodes: j.codes,
  };
}

/**
 * Runs one load (wrk or autocannon, see the module doc); `dir` is a scratch directory.
 * @example const r = await runLoad(root, dir, { url, path: "/alexa", connections: 200, durationSec: 8, pool });
 */
export async function runLoad(root: string, dir: string, cfg: LoadConfig): Promise<LoadResult> {
  if (loadGenerator() === "wrk") return runWrk(dir, cfg);
  const file = path.join(dir, "load.json");
  await writeFile(file, JSON.stringify(cfg));
  const { out, cpuSec } = await runMeasured(
    process.execPath,
    ["--import", "tsx", path.join(root, "bench", "e2e", "load-child.ts"), file],
    process.env,
    root,
  );
  const r = JSON.parse(out.trim().split("\n").pop() ?? "{}") as LoadResult;
  return { ...r, tool: "autocannon", loadgenCpuSec: cpuSec };
}
