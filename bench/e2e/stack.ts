/**
 * @module bench/e2e/stack
 * The Worker on workerd, wired to the counting Amazon/app stub, plus a reader
 * of the workerd process's CPU time from /proc (how CPU per request is
 * measured locally).
 *
 * The Worker is the bundle `wrangler deploy --dry-run` produces, run by the
 * Miniflare that wrangler itself uses, with the bindings wrangler derives from
 * wrangler.toml (`unstable_getMiniflareWorkerOptions`: Durable Objects on
 * SQLite, KV, vars, compatibility date and flags), on-disk persistence in a
 * temp dir, listening on 127.0.0.1. Why not `wrangler dev` itself: it puts a
 * second workerd (its proxy) and a Node process that logs every request in
 * front of the Worker; in a trial those took more CPU than the Worker, on a
 * machine where the load generator already shares the 2 cores. The Worker's
 * own console output is drained and counted rather than printed.
 *
 * `ALEXA_LISTS` is always set by the caller (wrangler.toml's default is the
 * skill store): section 2 runs one stack per list store side by side, and each
 * stack's CPU is that of the workerd processes it started (the ones that
 * appeared while it started), so two stacks do not count each other's work.
 *
 * Two ways in: `workerUrl` is a socket of the Worker itself (Miniflare's
 * `unsafeDirectSockets`), as a deployed Worker is reached; `entryUrl` is
 * Miniflare's usual entry socket, where a JavaScript router worker of
 * Miniflare's (`core:entry`) handles each request first and calls the
 * Worker through a service binding. That hop does not exist in production
 * and costs more CPU than most of the Worker's own requests (section 2 shows
 * it on `GET /healthz`), so the scenarios load the direct socket.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { createTestPki, type TestPki } from "../../emulator/pki.ts";
import { freePort } from "../../scripts/lib/wrangler-dev.ts";
import { BENCH_SKILL_ID } from "../lib/alexa-requests.ts";
import { startAmazonStub, type AmazonStub } from "../lib/amazon-stub.ts";
import { buildProject } from "../lib/build-worker.ts";
import { loadMiniflare } from "../lib/miniflare.ts";

export interface BenchStack {
  pki: TestPki;
  stub: AmazonStub;
  /** The Worker's own socket (no Miniflare router in front). */
  workerUrl: string;
  /** Miniflare's entry socket: its `core:entry` router worker, then the Worker. */
  entryUrl: string;
  /** Lines the Worker logged (console.*), counted, not kept. */
  logLines(): number;
  apiToken: string;
  /** Certificate URL the signed requests carry (on the stub, via ALEXA_CERT_ORIGIN). */
  certUrl: string;
  /** CPU seconds (user + system) used so far by the workerd process(es) this stack started. */
  workerdCpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

async function procStat(pid: number): Promise<{ ppid: number; comm: string; cpuTicks: number } | null> {
  try {
    const s = await readFile(`/proc/${pid}/stat`, "utf8");
    const close = s.lastIndexOf(")");
    const comm = s.slice(s.indexOf("(") + 1, close);
    const f = s.slice(close + 2).split(" ");
    // Fields after the command: state(0) ppid(1) … utime(11) stime(12).
    return { ppid: Number(f[1]), comm, cpuTicks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** The workerd processes descending from `root` (this process), with their CPU ticks. */
async function workerdProcesses(root: number): Promise<Map<number, number>> {
  const stats = new Map<number, { ppid: number; comm: string; cpuTicks: number }>();
  for (const name of await readdir("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = await procStat(Number(name));
    if (st) stats.set(Number(name), st);
  }
  const descends = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; hops++) {
      if (p === root) return true;
      p = stats.get(p)?.ppid ?? 0;
    }
    return false;
  };
  const out = new Map<number, number>();
  for (const [pid, st] of stats) if (st.comm.startsWith("workerd") && descends(pid)) out.set(pid, st.cpuTicks);
  return out;
}

/** CPU ticks of the given processes (one that exited counts 0). */
async function ticksOf(pids: readonly number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) ticks += (await procStat(pid))?.cpuTicks ?? 0;
  return ticks;
}

/**
 * Starts stub + Worker with `alexaLists` as ALEXA_LISTS; a few seconds
 * (bundling, workerd start-up). Start stacks one after the other: each claims
 * the workerd processes that appeared while it started.
 * @example const s = await startBenchStack(root, { alexaLists: "household" }); try { ... } finally { await s.stop(); }
 */
export async function startBenchStack(root: string, opts: { alexaLists: "skill" | "household"; vars?: Record<string, string> }): Promise<BenchStack> {
  const pki = await createTestPki();
  const stub = await startAmazonStub(pki.chainPem);
  const dir = await mkdtemp(path.join(os.tmpdir(), "alb-bench-e2e-"));
  const apiToken = `bench-${randomBytes(12).toString("base64url")}`;
  try {
    const built = await buildProject(root, path.join(dir, "build"));
    const { mod } = await loadMiniflare(root);
    const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(root, "wrangler.toml"));
    // Module rules only matter when Miniflare reads sources; the bundle is already built.
    const { modulesRules: _rules, ...bindingOptions } = workerOptions as Record<string, unknown>;
    const vars: Record<string, string> = {
      ENVIRONMENT: "development",
      ALEXA_LISTS: opts.alexaLists,
      ALEXA_SKILL_ID: BENCH_SKILL_ID,
      ALEXA_CERT_ORIGIN: stub.origin,
      ALEXA_EXTRA_ROOTS_PEM: pki.rootPem,
      ALEXA_API_ENDPOINT: stub.origin,
      LWA_TOKEN_URL: `${stub.origin}/auth/o2/token`,
      LWA_CLIENT_ID: "amzn1.application-oa2-client.bench",
      LWA_CLIENT_SECRET: randomBytes(18).toString("base64url"),
      APP_WEBHOOK_URL: `${stub.origin}/webhooks`,
      APP_WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64")}`,
      APP_API_TOKEN: apiToken,
      ...opts.vars,
    };
    const port = await freePort();
    const before = new Set((await workerdProcesses(process.pid)).keys());
    let logLines = 0;
    const mf = new mod.Miniflare(
      mod.convertV4MiniflareOptions({
        ...bindingOptions,
        // wrangler's options carry a cron list but no script: ours is the deploy bundle.
        modules: true,
        scriptPath: built.scriptPath,
        modulesRoot: path.dirname(built.scriptPath),
        bindings: { ...(workerOptions.bindings as Record<string, unknown>), ...vars },
        host: "127.0.0.1",
        port,
        resourcePersistencePath: path.join(dir, "state"),
        logRequests: false,
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        handleStructuredLogs: (log: { level: string; message: string }) => {
          logLines++;
          if (process.env.BENCH_WORKER_LOG) process.stderr.write(`worker ${log.level}: ${log.message}\n`);
        },
      } as Parameters<typeof mod.convertV4MiniflareOptions>[0]),
    );
    const entryUrl = (await mf.ready).origin;
    const url = (await mf.unsafeGetDirectURL()).origin;
    const mine = [...(await workerdProcesses(process.pid)).keys()].filter((pid) => !before.has(pid));
    if (mine.length === 0) throw new Error("no workerd process appeared for this stack");
    return {
      pki,
      stub,
      workerUrl: url,
      entryUrl,
      logLines: () => logLines,
      apiToken,
      certUrl: `${stub.origin}/echo.api/echo-api-cert-bench.pem`,
      workerdCpuSeconds: async () => (await ticksOf(mine)) / CLK_TCK,
      stop: async () => {
        await mf.dispose();
        await stub.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stub.close();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
