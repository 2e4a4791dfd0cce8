/**
 * @module bench/workers/verify-peers
 * Bench worker: the two peer verifiers inside workerd (nodejs_compat), bundled
 * by wrangler as a user would. Their `https.get` of
 * `https://s3.amazonaws.com/echo.api/…` goes through workerd's node:https
 * (built on fetch), which the host's Miniflare `outboundService` answers.
 * ask-sdk's chain check reads `tls.rootCertificates`; as in Node, its
 * `generateCAStore` helper is wrapped to append the test root.
 */
import helper from "ask-sdk-express-adapter/dist/verifier/helper.js";
import { SkillRequestSignatureVerifier, TimestampVerifier } from "ask-sdk-express-adapter";
import av from "alexa-verifier";
import tls from "node:tls";
import { benchHandler, casesFor, type BenchSetup, type SignedRequest } from "./verify-common.ts";

async function makeCases(setup: BenchSetup): Promise<Record<string, () => Promise<void>>> {
  // The CommonJS exports object itself (default import of CJS in an ES module, Node semantics),
  // so the adapter's own `helper_1.generateCAStore(...)` call sees the wrapper.
  const h = helper as unknown as { generateCAStore: (certs: readonly string[]) => unknown };
  const original = h.generateCAStore;
  h.generateCAStore = (certs) => original([...certs, setup.rootPem]);
  const sig = new SkillRequestSignatureVerifier();
  const ts = new TimestampVerifier();
  const askSdk = async (req: SignedRequest) => {
    const settled = await Promise.allSettled([
      sig.verify(req.body, req.headers),
      ts.verify(req.body),
    ]);
    for (const s of settled) if (s.status === "rejected") throw s.reason;
  };
  const alexaVerifier = (req: SignedRequest) =>
    av(req.headers.SignatureCertChainUrl ?? "", req.headers["Signature-256"] ?? "", req.body);
  return {
    ...casesFor("asksdk", askSdk, setup),
    ...casesFor("alexaverifier", alexaVerifier, setup),
    // Not a timed case: reports how many roots ask-sdk's CA store starts from here.
    [`info:rootCertificates=${tls.rootCertificates.length}`]: async () => {},
  };
}

export default { fetch: benchHandler(makeCases) };
