/**
 * @module bench/workers/verify-ours
 * Bench worker: this project's verifier and the bare `crypto.subtle.verify`
 * inside workerd. The verifier runs with its defaults (production URL rules,
 * its own downloader on the global `fetch`) and the anchors the Worker uses
 * locally (Amazon's default roots plus the test root); the host's Miniflare `outboundService` answers the downloads of
 * `https://s3.amazonaws.com/echo.api/…` locally and counts them.
 */
import { verifyAlexaRequest } from "../../src/verifier/index.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../../src/verifier/roots.ts";
import { BENCH_SKILL_ID } from "../lib/alexa-requests.ts";
import { benchHandler, casesFor, type BenchSetup } from "./verify-common.ts";

function b64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function makeCases(setup: BenchSetup): Promise<Record<string, () => Promise<void>>> {
  const opts = { skillIds: [BENCH_SKILL_ID], trustedRoots: [...DEFAULT_TRUSTED_ROOTS, setup.rootPem] };
  // A Worker receives its Headers from the runtime: build each request's once, outside the timed work.
  const headers = new WeakMap<object, Headers>();
  const ours = async (req: { headers: Record<string, string>; body: string }) => {
    let h = headers.get(req);
    if (!h) headers.set(req, (h = new Headers(req.headers)));
    await verifyAlexaRequest({ headers: h, body: req.body }, opts);
  };
  const key = await crypto.subtle.importKey(
    "spki",
    b64(setup.leafSpkiB64),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const sig = b64(setup.hot.headers["Signature-256"] ?? "");
  const body = new TextEncoder().encode(setup.hot.body);
  return {
    ...casesFor("ours", ours, setup),
    "bare:hot": async () => {
      if (!(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, sig, body))) throw new Error("bare verify failed");
    },
  };
}

export default { fetch: benchHandler(makeCases) };
