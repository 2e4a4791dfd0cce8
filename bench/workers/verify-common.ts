/**
 * @module bench/workers/verify-common
 * The loop that runs inside workerd for section 1b: `POST /setup` hands over
 * the signed requests, `POST /run {case, n}` runs `n` operations of one case
 * back to back and answers when done. Each operation checks its outcome, so a
 * misconfigured case fails (HTTP 500) instead of timing the wrong path.
 *
 * No timing happens in here: workerd freezes `Date.now()`/`performance.now()`
 * between I/O (a Spectre mitigation), so a loop of pure computation reads the
 * same time at both ends. The host times `/run` requests from outside instead
 * (see bench/verify/workerd.ts).
 */

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface BenchSetup {
  rootPem: string;
  chainPem: string;
  leafSpkiB64: string;
  hot: SignedRequest;
  badSig: SignedRequest;
  expired: SignedRequest;
  badUrl: SignedRequest;
}

/** One library's verify: resolves when accepted, rejects when refused. */
export type Verify = (req: SignedRequest) => Promise<void>;

let seq = 0;
function freshUrl(tag: string): string {
  return `https://s3.amazonaws.com/echo.api/${tag}-${seq++}.pem`;
}
function withUrl(req: SignedRequest, url: string): SignedRequest {
  return { headers: { ...req.headers, SignatureCertChainUrl: url }, body: req.body };
}
async function mustReject(p: Promise<unknown>, what: string): Promise<void> {
  try {
    await p;
  } catch {
    return;
  }
  throw new Error(`${what} was accepted`);
}

/** The six cases of one library, by case name (`lib:kind`). */
export function casesFor(lib: string, verify: Verify, setup: BenchSetup): Record<string, () => Promise<void>> {
  return {
    [`${lib}:hot`]: () => verify(setup.hot),
    [`${lib}:cold`]: () => verify(withUrl(setup.hot, freshUrl(`${lib}-cold`))),
    [`${lib}:rejectUrl`]: () => mustReject(verify(setup.badUrl), "invalid cert URL"),
    [`${lib}:rejectSig`]: () => mustReject(verify(setup.badSig), "bad signature"),
    [`${lib}:rejectTsCached`]: () => mustReject(verify(setup.expired), "expired timestamp"),
    [`${lib}:rejectTs`]: () => mustReject(verify(withUrl(setup.expired, freshUrl(`${lib}-ts`))), "expired timestamp"),
  };
}

/**
 * A fetch handler serving /setup and /run over `makeCases(setup)`.
 * @example export default { fetch: benchHandler(async (s) => casesFor("ours", verify, s)) };
 */
export function benchHandler(
  makeCases: (setup: BenchSetup) => Promise<Record<string, () => Promise<void>>>,
): (request: Request) => Promise<Response> {
  let cases: Record<string, () => Promise<void>> | undefined;
  return async (request) => {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/setup") {
        cases = await makeCases((await request.json()) as BenchSetup);
        return Response.json({ cases: Object.keys(cases) });
      }
      if (url.pathname === "/run") {
        const { case: name, n } = (await request.json()) as { case: string; n: number };
        const op = cases?.[name];
        if (!op) return Response.json({ error: `unknown case ${name}` }, { status: 404 });
        for (let i = 0; i < n; i++) await op();
        return Response.json({ ok: n });
      }
      return new Response("not found", { status: 404 });
    } catch (err) {
      return Response.json({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }, { status: 500 });
    }
  };
}
