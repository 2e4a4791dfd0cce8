/**
 * @module bench/lib/run-child
 * Runs a command to completion, collecting stdout; the benchmarks use it for
 * their child processes (the Node verification runner, the load generator).
 */
import { spawn } from "node:child_process";
import path from "node:path";

/**
 * Resolves with stdout; rejects with the tail of stderr on a non-zero exit.
 * @example const out = await runChild(process.execPath, ["--import", "tsx", "x.ts"], { cwd, env: process.env });
 */
export function runChild(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} exited ${code}: ${err.slice(-2000)}`)),
    );
  });
}
