/**
 * @module bench/verify/peers
 * The two peer verifiers, wired to the local certificate server without
 * changing a line of their code:
 *
 * - Downloads: both call `https.get("https://s3.amazonaws.com/echo.api/…")`
 *   through Node's `https.globalAgent`. We replace that agent with one whose
 *   `createConnection` dials 127.0.0.1:<port> while keeping SNI and the Host
 *   header `s3.amazonaws.com`. Their URL checks, HTTP client, TLS handshake
 *   (certificate verified against NODE_EXTRA_CA_CERTS) and response handling
 *   all run as in production; only the socket's destination differs.
 * - Chain trust: ask-sdk-express-adapter builds a node-forge CA store from
 *   `tls.rootCertificates` (Node's ~150 bundled Mozilla roots) on every chain
 *   validation. That array is frozen and non-configurable, so we wrap the
 *   adapter's own `helper.generateCAStore` to append the test root to the same
 *   list: it still parses every bundled root plus one, as it would in
 *   production, and node-forge's `verifyCertificateChain` runs unchanged.
 * - alexa-verifier 4.x checks only the leaf (SAN and validity dates); it has no
 *   chain-of-trust check at all, so nothing was needed, and its cold path does
 *   strictly less work than a correct verifier.
 *
 * Both peers are called the way their own frameworks call them: ask-sdk's two
 * verifiers concurrently (as `asyncVerifyRequestAndDispatch` does, though we
 * wait for both to settle so a background download is inside the timing),
 * alexa-verifier's promise API with the `Signature-256` value.
 */
import https from "node:https";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import type { SignedRequest } from "../lib/alexa-requests.ts";

const require = createRequire(import.meta.url);

/** Routes every `https.get` of this process to 127.0.0.1:`port`. */
export function routeHttpsTo(port: number): void {
  class LocalAgent extends https.Agent {
    override createConnection(
      options: https.RequestOptions & { servername?: string },
      callback?: (err: Error | null, stream: Duplex) => void,
    ): Duplex {
      const host = options.servername ?? options.host ?? "s3.amazonaws.com";
      // super.createConnection is typed loosely in @types/node; it returns a TLS socket.
      const create = https.Agent.prototype.createConnection as (
        this: https.Agent,
        o: object,
        cb?: (err: Error | null, stream: Duplex) => void,
      ) => Socket;
      return create.call(this, { ...options, host: "127.0.0.1", port, servername: host }, callback);
    }
  }
  https.globalAgent = new LocalAgent({ keepAlive: true });
}

interface AskSdkVerifiers {
  SkillRequestSignatureVerifier: new () => { verify(body: string, headers: Record<string, string>): Promise<void> };
  TimestampVerifier: new () => { verify(body: string): Promise<void> };
}
interface ForgeStoreHelper {
  generateCAStore: (certs: readonly string[]) => unknown;
}

/**
 * ask-sdk-express-adapter's verifiers, trusting `extraRootPem` besides Node's roots.
 * Returns a `verify(req)` that resolves on success and rejects otherwise.
 * @example const verify = askSdk(pki.rootPem); await verify(req);
 */
export function askSdk(extraRootPem: string): (req: SignedRequest) => Promise<void> {
  const dir = path.dirname(require.resolve("ask-sdk-express-adapter"));
  const helper = require(path.join(dir, "verifier", "helper.js")) as ForgeStoreHelper;
  if (!(helper as { __benchPatched?: boolean }).__benchPatched) {
    const original = helper.generateCAStore;
    helper.generateCAStore = (certs) => original([...certs, extraRootPem]);
    (helper as { __benchPatched?: boolean }).__benchPatched = true;
  }
  const mod = require(path.join(dir, "verifier", "index.js")) as AskSdkVerifiers;
  const sig = new mod.SkillRequestSignatureVerifier();
  const ts = new mod.TimestampVerifier();
  return async (req) => {
    // The adapter runs both through Promise.all and answers at the first
    // rejection, but a download it started keeps running; allSettled makes the
    // timing include all the work a request causes, not just the answer.
    const settled = await Promise.allSettled([sig.verify(req.body, req.headers), ts.verify(req.body)]);
    for (const s of settled) if (s.status === "rejected") throw s.reason;
  };
}

/**
 * alexa-verifier 4.x, promise form.
 * @example const verify = await alexaVerifier(); await verify(req);
 */
export async function alexaVerifier(): Promise<(req: SignedRequest) => Promise<void>> {
  const fn = (await import("alexa-verifier")).default;
  return (req) => fn(req.headers.SignatureCertChainUrl ?? "", req.headers["Signature-256"] ?? "", req.body);
}
