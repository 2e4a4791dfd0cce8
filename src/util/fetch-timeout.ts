/**
 * @module util/fetch-timeout
 * `fetch` with a deadline. The timer aborts the request through an
 * `AbortSignal` (so a real `fetch` stops the connection) and also settles the
 * returned promise itself, so a `fetch` that ignores its signal cannot hang the
 * caller. A timeout rejects with {@link FetchTimeoutError}, recognisable with
 * {@link isFetchTimeoutError}; network failures reject with whatever `fetch`
 * threw; an abort from the caller's own `init.signal` rejects with its reason.
 *
 * Trade-off: `fetchWithTimeout` covers the time to response headers only, as
 * `fetch` does; {@link fetchTextWithTimeout} also covers reading the body, which
 * is what API clients want (a server can stall mid-body).
 */

/** The request did not finish within its deadline. */
export class FetchTimeoutError extends Error {
  override readonly name = "FetchTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`);
  }
}

/**
 * True when `e` is the timeout raised by this module.
 * @example
 * try { await fetchWithTimeout(fetch, url, {}, 5000); }
 * catch (e) { if (isFetchTimeoutError(e)) retryLater(); else throw e; }
 */
export function isFetchTimeoutError(e: unknown): e is FetchTimeoutError {
  return e instanceof FetchTimeoutError;
}

/**
 * Calls `fetchFn(input, init)` and rejects with {@link FetchTimeoutError} if no
 * response arrives within `timeoutMs`.
 * @example
 * const res = await fetchWithTimeout(fetch, "https://api.amazonalexa.com/v2/householdlists/", { headers }, 8000);
 */
export function fetchWithTimeout(
  fetchFn: typeof fetch,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  timeoutMs: number,
): Promise<Response> {
  return withDeadline(timeoutMs, init?.signal ?? undefined, (signal) => fetchFn(input, { ...init, signal }));
}

/**
 * Like {@link fetchWithTimeout}, but the deadline also covers reading the body.
 * @example
 * const { response, text } = await fetchTextWithTimeout(fetch, url, { method: "GET" }, 8000);
 * if (response.ok) return JSON.parse(text);
 */
export function fetchTextWithTimeout(
  fetchFn: typeof fetch,
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  timeoutMs: number,
): Promise<{ response: Response; text: string }> {
  return withDeadline(timeoutMs, init?.signal ?? undefined, async (signal) => {
    const response = await fetchFn(input, { ...init, signal });
    return { response, text: await response.text() };
  });
}

function withDeadline<T>(
  timeoutMs: number,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    return Promise.reject(new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`));
  }
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outer?.removeEventListener("abort", onOuterAbort);
      fn();
    };
    const onOuterAbort = (): void => {
      controller.abort(outer?.reason);
      finish(() => reject(outer?.reason));
    };
    const timer = setTimeout(() => {
      const err = new FetchTimeoutError(timeoutMs);
      controller.abort(err);
      finish(() => reject(err));
    }, timeoutMs);
    if (outer?.aborted) {
      onOuterAbort();
      return;
    }
    outer?.addEventListener("abort", onOuterAbort);
    let pending: Promise<T>;
    try {
      pending = work(controller.signal);
    } catch (e) {
      // A fetch that throws synchronously still rejects, and clears the timer.
      pending = Promise.reject(e);
    }
    pending.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });
}
