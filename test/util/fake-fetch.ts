/**
 * Test helper: a scripted `fetch` that records every request. Each call takes
 * the next responder from the script (a Response factory, or an Error to throw);
 * running out of script fails the test loudly.
 */

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export type Responder = Response | Error | "hang" | ((req: RecordedRequest) => Response | Promise<Response>);

export interface FakeFetch {
  fetch: typeof fetch;
  calls: RecordedRequest[];
  /** Appends responders to the script. */
  push(...rs: Responder[]): void;
}

export function fakeFetch(...script: Responder[]): FakeFetch {
  const queue = [...script];
  const calls: RecordedRequest[] = [];
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    // arrayBuffer + TextDecoder: workerd warns on .text() of a form-encoded body.
    const body =
      init?.body === undefined || init.body === null ? null : new TextDecoder().decode(await req.arrayBuffer());
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    const rec: RecordedRequest = { method: req.method, url: req.url, headers, body };
    calls.push(rec);
    const next = queue.shift();
    if (next === undefined) throw new Error(`fake fetch: unexpected request ${rec.method} ${rec.url}`);
    if (next === "hang") {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    }
    if (next instanceof Error) throw next;
    if (next instanceof Response) return next;
    return next(rec);
  };
  return { fetch: f as typeof fetch, calls, push: (...rs) => queue.push(...rs) };
}

/** A JSON response. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
