/**
 * @module bench/verify/ours
 * This project's verifier (src/verifier) as production runs it — production
 * URL rules (`https://s3.amazonaws.com/echo.api/…`), its own downloader
 * (`createCertChainFetcher`: timeout, retry, size cap), and the trust anchors
 * the Worker uses locally (Amazon's default roots plus the test root, as
 * ALEXA_EXTRA_ROOTS_PEM adds it) — except that the downloader's `fetch`
 * sends `https://s3.amazonaws.com/…` to `https://localhost:<port>/…` (the
 * local certificate server, real TLS). That mirrors what bench/verify/peers.ts
 * does to the peers' sockets, so all three pay the same kind of download.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BENCH_SKILL_ID, type SignedRequest } from "../lib/alexa-requests.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const VERIFIER = path.resolve(HERE, "../../src/verifier/index.ts");
const FETCHER = path.resolve(HERE, "../../src/verifier/fetch-chain.ts");
const ROOTS = path.resolve(HERE, "../../src/verifier/roots.ts");

// Declared structurally (and imported by path at run time) so the benchmark
// still type-checks and reports "not measured" while the verifier is absent.
interface VerifierModule {
  verifyAlexaRequest: (
    req: { headers: Headers | Record<string, string>; body: string },
    opts: { skillIds: string[]; trustedRoots?: string[]; fetchCertChain?: (url: string) => Promise<string> },
  ) => Promise<unknown>;
}
interface RootsModule {
  DEFAULT_TRUSTED_ROOTS: readonly string[];
}
interface FetcherModule {
  createCertChainFetcher: (opts: { fetch?: typeof fetch }) => (url: string) => Promise<string>;
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
  let fetcher: FetcherModule;
  let roots: RootsModule;
  try {
    mod = (await import(VERIFIER)) as VerifierModule;
    fetcher = (await import(FETCHER)) as FetcherModule;
    roots = (await import(ROOTS)) as RootsModule;
  } catch (err) {
    return `src/verifier does not load: ${String(err)}`;
  }
  if (typeof mod.verifyAlexaRequest !== "function") return "src/verifier/index.ts exports no verifyAlexaRequest";
  if (typeof fetcher.createCertChainFetcher !== "function") return "src/verifier/fetch-chain.ts has no createCertChainFetcher";
  const local = `https://localhost:${cfg.port}`;
  const redirect: typeof fetch = (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.replace(/^https:\/\/s3\.amazonaws\.com(:443)?\//, `${local}/`), init);
  };
  const opts = {
    skillIds: [BENCH_SKILL_ID],
    // One array, reused: the Worker's route memoises its options the same way.
    trustedRoots: [...roots.DEFAULT_TRUSTED_ROOTS, cfg.rootPem],
    fetchCertChain: fetcher.createCertChainFetcher({ fetch: redirect }),
  };
  // A Worker receives its Headers from the runtime: build each request's once, outside the timed work.
  const headers = new WeakMap<SignedRequest, Headers>();
  return async (req) => {
    let h = headers.get(req);
    if (!h) headers.set(req, (h = new Headers(req.headers)));
    await mod.verifyAlexaRequest({ headers: h, body: req.body }, opts);
  };
}
