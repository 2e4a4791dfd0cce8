/**
 * @module bench/verify/node
 * Section 1, Node: starts the local certificate server, signs the request set,
 * and runs bench/verify/node-child.ts in a fresh Node process that trusts the
 * server's TLS CA through NODE_EXTRA_CA_CERTS (the mechanism Node documents for
 * extra CAs; it applies to https.get and to fetch alike).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestPki } from "../../emulator/pki.ts";
import { startCertServer } from "../lib/cert-server.ts";
import type { SectionResult } from "../lib/report.ts";
import type { NodeVerifyConfig, NodeVerifyOutput } from "./node-child.ts";
import { signedSet } from "./signed-set.ts";
import { verificationTables } from "./tables.ts";

/** Runs a command, resolving with stdout; rejects with stderr on failure. */
export function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
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

/**
 * Measures verification in Node.
 * @example const section = await benchNodeVerification("/work/main", { runs: 5 });
 */
export async function benchNodeVerification(root: string, opts: { runs: number }): Promise<SectionResult> {
  const pki = await createTestPki();
  const server = await startCertServer(pki.chainPem);
  const dir = await mkdtemp(path.join(os.tmpdir(), "alb-bench-verify-"));
  try {
    const set = await signedSet(pki);
    const caFile = path.join(dir, "tls-ca.pem");
    await writeFile(caFile, server.tlsCaPem);
    const cfg: NodeVerifyConfig = {
      port: server.port,
      rootPem: pki.rootPem,
      ...set,
      runs: opts.runs,
      budgetMs: { hot: 300, cold: 400, reject: 200 },
    };
    const cfgFile = path.join(dir, "config.json");
    await writeFile(cfgFile, JSON.stringify(cfg));
    const stdout = await run(
      process.execPath,
      ["--import", "tsx", path.join(root, "bench", "verify", "node-child.ts"), cfgFile],
      { cwd: root, env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } },
    );
    const out = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as NodeVerifyOutput;
    return verificationTables("Node", out.results, out.skipped);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
