/**
 * @module bench/verify/node-child
 * Runs in its own Node process (started by bench/verify/node.ts with
 * NODE_EXTRA_CA_CERTS set to the certificate server's CA) so the verifiers'
 * caches, JIT state and patched `https.globalAgent` start clean and the
 * certificate server lives in another process, like S3 does.
 *
 * Measures, per case, milliseconds per operation over a time-boxed batch
 * (sequential awaits, one request at a time), `runs` times, with the cases
 * interleaved and their order rotated each run so drift hits all of them.
 * Every operation checks its outcome (accepted, or rejected for the rejection
 * cases), so a misconfigured case fails loudly instead of timing the wrong
 * path. Prints one JSON line: per case, ms/op and downloads/op of each run.
 */
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { askSdk, alexaVerifier, routeHttpsTo } from "./peers.ts";
import { loadOurs } from "./ours.ts";
import type { SignedRequest } from "../lib/alexa-requests.ts";

export interface NodeVerifyConfig {
  port: number;
  rootPem: string;
  leafSpkiB64: string;
  hot: SignedRequest;
  badSig: SignedRequest;
  expired: SignedRequest;
  badUrl: SignedRequest;
  runs: number;
  budgetMs: { hot: number; cold: number; reject: number };
}

export type CaseKind = "hot" | "cold" | "rejectUrl" | "rejectSig" | "rejectTsCached" | "rejectTs";
export type Lib = "ours" | "bare" | "asksdk" | "alexaverifier";

export interface CaseRuns {
  msPerOp: number[];
  downloadsPerOp: number[];
}

export interface NodeVerifyOutput {
  results: Record<string, CaseRuns>;
  /** Why a library was not measured, when it was not. */
  skipped: Record<string, string>;
}

interface Case {
  name: string;
  kind: CaseKind;
  op: () => Promise<void>;
  /** Untimed, before each batch: puts the hot-path chain back in the cache
   * (cold batches with fresh URLs may have pushed it out of an LRU). */
  prime?: () => Promise<void>;
}

const cfg = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as NodeVerifyConfig;
routeHttpsTo(cfg.port);

let seq = 0;
/** A URL no verifier has seen: forces the cold path. */
function freshUrl(tag: string): string {
  return `https://s3.amazonaws.com/echo.api/${tag}-${process.pid}-${seq++}.pem`;
}
function withUrl(req: SignedRequest, url: string): SignedRequest {
  return { headers: { ...req.headers, SignatureCertChainUrl: url }, body: req.body };
}
async function mustAccept(p: Promise<unknown>): Promise<void> {
  await p;
}
async function mustReject(p: Promise<unknown>, what: string): Promise<void> {
  try {
    await p;
  } catch {
    return;
  }
  throw new Error(`${what} was accepted`);
}
async function downloadCount(): Promise<number> {
  const res = await fetch(`https://localhost:${cfg.port}/__count`);
  return Number(await res.text());
}

type Verify = (req: SignedRequest) => Promise<void>;

function casesFor(lib: Exclude<Lib, "bare">, verify: Verify): Case[] {
  const prime = () => mustAccept(verify(cfg.hot));
  return [
    { name: `${lib}:hot`, kind: "hot", op: () => mustAccept(verify(cfg.hot)), prime },
    { name: `${lib}:cold`, kind: "cold", op: () => mustAccept(verify(withUrl(cfg.hot, freshUrl(`${lib}-cold`)))) },
    { name: `${lib}:rejectUrl`, kind: "rejectUrl", op: () => mustReject(verify(cfg.badUrl), "invalid cert URL") },
    { name: `${lib}:rejectSig`, kind: "rejectSig", op: () => mustReject(verify(cfg.badSig), "bad signature"), prime },
    {
      name: `${lib}:rejectTsCached`,
      kind: "rejectTsCached",
      // Correctly signed, 2 h old, on the hot path's URL (already validated).
      op: () => mustReject(verify(cfg.expired), "expired timestamp"),
      prime,
    },
    {
      name: `${lib}:rejectTs`,
      kind: "rejectTs",
      // A URL never seen before: a verifier that downloads before checking the timestamp shows it.
      op: () => mustReject(verify(withUrl(cfg.expired, freshUrl(`${lib}-ts`))), "expired timestamp"),
    },
  ];
}

async function bareCase(): Promise<Case> {
  const key = await webcrypto.subtle.importKey(
    "spki",
    Buffer.from(cfg.leafSpkiB64, "base64"),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const sig = Buffer.from(cfg.hot.headers["Signature-256"] ?? "", "base64");
  const body = new TextEncoder().encode(cfg.hot.body);
  return {
    name: "bare:hot",
    kind: "hot",
    op: async () => {
      if (!(await webcrypto.subtle.verify("RSASSA-PKCS1-v1_5", key, sig, body))) throw new Error("bare verify failed");
    },
  };
}

async function measure(c: Case, budgetMs: number, minOps: number): Promise<{ msPerOp: number; downloadsPerOp: number }> {
  await c.prime?.();
  const before = await downloadCount();
  let n = 0;
  const t0 = performance.now();
  let elapsed: number;
  do {
    await c.op();
    n++;
    elapsed = performance.now() - t0;
  } while (elapsed < budgetMs || n < minOps);
  // Let downloads started in the background (ask-sdk's Promise.all) reach the server.
  await new Promise((r) => setTimeout(r, 30));
  const after = await downloadCount();
  return { msPerOp: elapsed / n, downloadsPerOp: (after - before) / n };
}

async function main(): Promise<void> {
  const skipped: Record<string, string> = {};
  const cases: Case[] = [await bareCase()];
  const ours = await loadOurs(cfg);
  if (typeof ours === "string") skipped.ours = ours;
  else cases.push(...casesFor("ours", ours));
  cases.push(...casesFor("asksdk", askSdk(cfg.rootPem)));
  cases.push(...casesFor("alexaverifier", await alexaVerifier()));

  const budget = (k: CaseKind) =>
    k === "hot" ? cfg.budgetMs.hot : k === "cold" ? cfg.budgetMs.cold : cfg.budgetMs.reject;
  const results: Record<string, CaseRuns> = {};
  // Run 0 is a warm-up (JIT, TLS session, pools) and is discarded.
  for (let run = 0; run <= cfg.runs; run++) {
    const order = cases.map((_, i) => cases[(i + run) % cases.length]!);
    for (const c of order) {
      const m = await measure(c, run === 0 ? budget(c.kind) / 4 : budget(c.kind), run === 0 ? 2 : 5);
      if (run === 0) continue;
      const r = (results[c.name] ??= { msPerOp: [], downloadsPerOp: [] });
      r.msPerOp.push(m.msPerOp);
      r.downloadsPerOp.push(m.downloadsPerOp);
    }
  }
  const out: NodeVerifyOutput = { results, skipped };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
