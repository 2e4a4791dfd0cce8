/**
 * @module verifier/fetch-chain
 * Downloads a certificate chain (PEM text) with a per-attempt timeout, one
 * retry on network errors, timeouts and 5xx answers, and a size cap.
 *
 * Trade-offs: two attempts of 3 s each stay well inside Alexa's 10 s budget;
 * 4xx answers are not retried (the file is not there). The cap (64 KiB; a real
 * bundle is ~6 KiB) bounds memory even if an origin misbehaves. Any failure
 * rejects; the verifier maps it to CERT_FETCH_FAILED.
 */
import { readCapped } from "../util/read-capped.ts";

/** Downloader settings. @example createCertChainFetcher({ timeoutMs: 2000, retries: 1 }) */
export interface FetchChainOptions {
  /** Defaults to the global `fetch`, looked up per call. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  retries?: number;
  maxBytes?: number;
}

/**
 * Builds a `fetchCertChain` function for `VerifyOptions`.
 * @example verifyAlexaRequest(req, { skillIds, fetchCertChain: createCertChainFetcher({ timeoutMs: 2000 }) });
 */
export function createCertChainFetcher(opts: FetchChainOptions = {}): (url: string) => Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  const retries = opts.retries ?? 1;
  const maxBytes = opts.maxBytes ?? 64 * 1024;
  return async (url) => {
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        const doFetch = opts.fetch ?? fetch;
        const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
        if (res.status >= 500) {
          await res.body?.cancel();
          lastError = new Error(`HTTP ${res.status}`);
          continue;
        }
        // Redirects are not followed: the URL checked must be the URL read.
        if (!res.ok) {
          await res.body?.cancel();
          throw new PermanentError(`HTTP ${res.status}`);
        }
        return await readChainText(res, maxBytes);
      } catch (e) {
        if (e instanceof PermanentError) throw e;
        lastError = e;
      }
    }
    throw lastError instanceof Error ? lastError : new Error("certificate download failed");
  };
}

class PermanentError extends Error {}

async function readChainText(res: Response, maxBytes: number): Promise<string> {
  const bytes = await readCapped(res.body, maxBytes);
  if (bytes === null) throw new PermanentError("certificate chain too large");
  return new TextDecoder().decode(bytes);
}

/**
 * The default downloader (global `fetch`, 3 s timeout, one retry).
 * @example const pem = await defaultFetchCertChain("https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem");
 */
export const defaultFetchCertChain = createCertChainFetcher();
