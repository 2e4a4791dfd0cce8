/**
 * @module bench/verify/node
 * Section 1, Node: starts the local certificate server, signs the request set,
 * and runs bench/verify/node-child.ts in a fresh Node process that trusts the
 * server's TLS CA through NODE_EXTRA_CA_CERTS (the mechanism Node documents for
 * extra CAs; it applies to https.get and to fetch alike).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createTestPki } from "../../emulator/pki.ts";
import { startCertServer } from "../lib/cert-server.ts";
import { runChild } from "../lib/run-child.ts";
import type { SectionResult } from "../lib/report.ts";
import type { NodeVerifyConfig, NodeVerifyOutput } from "./node-child.ts";
import { signedSet } from "./signed-set.ts";
import { verificationTables } from "./tables.ts";

const METHOD = `All verifiers get byte-identical signed requests (a ~1.3 KB \`Messaging.MessageReceived\`, RSA-2048
leaf → intermediate → root test PKI from emulator/pki.ts), one at a time, in a fresh Node process. Each case runs
for a fixed time per batch (hot 300 ms, cold 400 ms, rejections 200 ms), batches interleaved and rotated across runs,
and every operation checks its outcome.

How the peers were pointed at the test chain (their code unchanged; bench/verify/peers.ts):
- **Downloads.** Both peers call \`https.get("https://s3.amazonaws.com/echo.api/…")\`. The process's
  \`https.globalAgent\` is replaced by one whose sockets dial a local HTTPS server (127.0.0.1) while keeping SNI and
  Host \`s3.amazonaws.com\`; that server's certificate comes from a separate throw-away CA given to the process
  through \`NODE_EXTRA_CA_CERTS\`. Their URL checks, HTTP client, TLS handshake and parsing all run as in production.
  This verifier downloads with its own downloader (\`createCertChainFetcher\`), whose \`fetch\` rewrites
  \`https://s3.amazonaws.com/\` to the same local server, over TLS too. All three keep connections alive by default.
- **Chain trust.** ask-sdk-express-adapter builds a node-forge CA store from \`tls.rootCertificates\` on every chain
  validation; that array is frozen, so the adapter's own \`helper.generateCAStore\` is wrapped to append the test
  root to Node's bundled roots (it still parses all of them, as in production). alexa-verifier 4.x has no chain
  check at all (it checks only the leaf's SAN and dates), so it needed nothing and its cold path does less work than
  a correct verifier. This verifier gets the anchors the Worker uses locally: Amazon's five roots plus the test root.
- **Calls.** ask-sdk: \`SkillRequestSignatureVerifier\` and \`TimestampVerifier\` together, as its
  \`asyncVerifyRequestAndDispatch\` runs them, but waiting for both to settle so a download it starts is inside the
  time. alexa-verifier: its promise API with the \`Signature-256\` value.
- **Rejections.** Invalid cert URL: \`https://notamazon.com/echo.api/…\`. Bad signature: a valid signature of other
  bytes, chain cached. Expired timestamp: correctly signed, 2 h old (past even the 1 h event window), twice: on the
  hot path's URL (chain cached), and with a certificate URL never seen before, so a download shows in the count.
- **Bare verify.** \`crypto.subtle.verify\` (RSASSA-PKCS1-v1_5/SHA-256) with the leaf key already imported and the
  signature already decoded: the floor for any verifier.`;

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
    const stdout = await runChild(
      process.execPath,
      ["--import", "tsx", path.join(root, "bench", "verify", "node-child.ts"), cfgFile],
      { cwd: root, env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile } },
    );
    const out = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as NodeVerifyOutput;
    const section = verificationTables("Node", out.results, out.skipped);
    return { markdown: `${METHOD}\n\n${section.markdown}`, targets: section.targets };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
