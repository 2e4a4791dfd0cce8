/**
 * @module bench/verify/ours
 * This project's verifier (src/verifier), configured the way the Worker runs it
 * locally: production URL rules, the test root as the only trust anchor, and
 * downloads redirected to the local certificate server through `certOrigin`
 * (fetched with the runtime's own `fetch`, over TLS, like the peers' https.get).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_SKILL_ID, type SignedRequest } from "../lib/alexa-requests.ts";

const VERIFIER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/verifier/index.ts");

interface VerifierModule {
  verifyAlexaRequest: (
    req: { headers: Headers | Record<string, string>; body: string },
    opts: { skillIds: string[]; trustedRoots?: string[]; certOrigin?: string },
  ) => Promise<unknown>;
}

/**
 * A `verify(req)` over src/verifier, or the reason it cannot be measured.
 * @example const v = await loadOurs({ port, rootPem }); if (typeof v !== "string") await v(req);
 */
export async function loadOurs(cfg: { port: number; rootPem: string }): Promise<
  ((req: SignedRequest) => Promise<void>) | string
> {
  if (!existsSync(VERIFIER)) return "src/verifier/index.ts has not landed";
  let mod: VerifierModule;
  try {
    mod = (await import(VERIFIER)) as VerifierModule;
  } catch (err) {
    return `src/verifier/index.ts does not load: ${String(err)}`;
  }
  if (typeof mod.verifyAlexaRequest !== "function") return "src/verifier/index.ts exports no verifyAlexaRequest";
  const opts = { skillIds: [BENCH_SKILL_ID], trustedRoots: [cfg.rootPem], certOrigin: `https://localhost:${cfg.port}` };
  return async (req) => {
    await mod.verifyAlexaRequest({ headers: new Headers(req.headers), body: req.body }, opts);
  };
}
