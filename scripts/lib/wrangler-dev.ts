/**
 * @module scripts/lib/wrangler-dev
 * Runs `wrangler dev` as a child process for `npm start` and the end-to-end
 * tests: vars and secrets go through a generated env file (mode 0600, passed
 * with `--env-file`, so they appear neither in `ps` nor in git, and the
 * project's own `.dev.vars` is not read), the child gets its own process
 * group so that stopping it also stops workerd, and readiness is `GET
 * /healthz` answering 200. Offline-safe: metrics off, no interactive session.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { portFree, portHolder } from "./ports.ts";
import { WORKER_READY_MS } from "./budgets.ts";

export interface WranglerDevOptions {
  /** The project root (where wrangler.toml is). */
  cwd: string;
  port: number;
  /** Worker vars and secrets (override wrangler.toml's [vars]). */
  vars: Record<string, string>;
  /** Where the env file is written (a private directory). */
  envFile: string;
  /** Local persistence directory; wrangler's default `.wrangler/state` when absent. */
  persistTo?: string;
  /** Enables `/cdn-cgi/local/scheduled` (cron on demand). */
  testScheduled?: boolean;
  /** Each output line, e.g. for prefixing or collecting. */
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  /** How long to wait for /healthz. Default {@link WORKER_READY_MS} (a loaded machine). */
  readyTimeoutMs?: number;
}

export interface WranglerDev {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code when the process group leader exits. */
  exited: Promise<number | null>;
  /**
   * SIGINT to wrangler (as Ctrl-C would: it stops and reaps workerd), then,
   * once it has exited or after 5 s, SIGKILL to whatever is left of its group.
   */
  stop(): Promise<void>;
}

/**
 * Writes a dotenv file that wrangler (dotenv 16) reads back exactly. dotenv
 * has no general escapes: single quotes are literal, double quotes only turn
 * `\n` into a newline, backticks are literal too. So a multi-line value (a
 * PEM) goes in double quotes with real newlines written as `\n`, anything
 * else in the first quote style it does not contain; a value no style can
 * carry is refused rather than written wrong.
 * @example writeEnvFile(".wrangler/emulator/dev.env", { APP_API_TOKEN: "t" });
 */
export function writeEnvFile(path: string, vars: Record<string, string>): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const lines = Object.entries(vars).map(([k, v]) => {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) throw new Error(`bad variable name ${k}`);
    return `${k}=${dotenvQuote(k, v)}`;
  });
  writeFileSync(path, lines.join("\n") + "\n", { mode: 0o600 });
}

function dotenvQuote(name: string, v: string): string {
  if (/[\r\n]/.test(v)) {
    if (v.includes('"') || /\\[nr]/.test(v)) throw new Error(`${name}: a multi-line value cannot contain " or \\n`);
    return `"${v.replace(/\r/g, "\\r").replace(/\n/g, "\\n")}"`;
  }
  for (const q of ["'", '"', "`"]) {
    if (!v.includes(q) && !(q === '"' && /\\[nr]/.test(v))) return `${q}${v}${q}`;
  }
  throw new Error(`${name}: the value contains every dotenv quote character`);
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1.
 * @example const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

/** The wrangler CLI script of this project's node_modules. */
function wranglerBin(cwd: string): string {
  const require = createRequire(join(resolve(cwd), "package.json"));
  return join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
}

/**
 * The `wrangler dev` arguments (after the CLI script). `--log-level log`, not
 * `info`: wrangler shows the Worker's own `console.log` lines only at `log`
 * and above, and `npm start` is where a developer reads them.
 * @example spawn(process.execPath, [wranglerBin(cwd), ...wranglerDevArgs(opts, 9229)]);
 */
export function wranglerDevArgs(opts: Pick<WranglerDevOptions, "port" | "envFile" | "persistTo" | "testScheduled">, inspectorPort: number): string[] {
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(opts.port),
    "--inspector-port",
    String(inspectorPort),
    "--env-file",
    opts.envFile,
    "--show-interactive-dev-session=false",
    "--log-level",
    "log",
  ];
  if (opts.persistTo) args.push("--persist-to", opts.persistTo);
  if (opts.testScheduled) args.push("--test-scheduled");
  return args;
}

/**
 * Starts `wrangler dev` and waits until the Worker answers `/healthz`.
 * @example
 * const dev = await startWranglerDev({ cwd, port: 8787, vars, envFile, onLine: console.log });
 * await dev.stop();
 */
export async function startWranglerDev(opts: WranglerDevOptions): Promise<WranglerDev> {
  writeEnvFile(opts.envFile, opts.vars);
  // A leftover Worker on the port would answer the readiness probe below while this one fails to bind.
  if (!(await portFree(opts.port))) {
    const holder = portHolder(opts.port);
    throw new Error(
      `port ${opts.port} (the Worker, WORKER_PORT) is in use${holder ? ` by pid ${holder.pid} (${holder.command})` : ""}: stop it or choose another port`,
    );
  }
  const inspectorPort = await freePort();
  const args = [wranglerBin(opts.cwd), ...wranglerDevArgs(opts, inspectorPort)];
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd,
    detached: true, // its own process group: stop() reaches workerd too
    stdio: ["ignore", "pipe", "pipe"],
    // No network: no metrics, and no download of the `Request.cf` placeholder from workers.cloudflare.com.
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  for (const [stream, name] of [
    [child.stdout, "stdout"],
    [child.stderr, "stderr"],
  ] as const) {
    let buf = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        opts.onLine?.(buf.slice(0, nl), name);
        buf = buf.slice(nl + 1);
      }
    });
  }
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGINT");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
    // The leader is gone; make sure nothing of its group (workerd) lingers.
    killGroup(child, "SIGKILL");
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? WORKER_READY_MS);
  let dead = false;
  void exited.then(() => (dead = true));
  while (!dead) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return { url, child, exited, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer ${url}/healthz within ${opts.readyTimeoutMs ?? WORKER_READY_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev exited with code ${child.exitCode ?? child.signalCode} before it was ready`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
