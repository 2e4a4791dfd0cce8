/**
 * @module alexa/api-call
 * One HTTP exchange with an Amazon API, shared by the List Management, Skill
 * Messaging and Login-with-Amazon clients: deadline over headers and body,
 * lenient JSON parsing, and the error text Amazon put in the body. Each client
 * maps the outcome to its own typed error, so callers never see raw `fetch`
 * failures.
 */
import { fetchTextWithTimeout, isFetchTimeoutError } from "../util/fetch-timeout.ts";

export type ApiOutcome =
  | {
      kind: "response";
      status: number;
      headers: Headers;
      text: string;
      /** The parsed body; `undefined` when the body is empty or not JSON. */
      json: unknown;
    }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "network"; message: string };

/**
 * Performs the request; never throws (timeouts and network failures are outcomes).
 * Redirects are not followed (`redirect: "manual"`): a 3xx is a `network`
 * outcome, i.e. a failed try.
 * @example
 * const out = await apiCall(fetch, url, { method: "GET", headers }, 8000);
 * if (out.kind === "response" && out.status === 200) use(out.json);
 */
export async function apiCall(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<ApiOutcome> {
  try {
    // Never follow a redirect: it would carry the bearer token (or the LWA client secret) to another URL.
    const { response, text } = await fetchTextWithTimeout(fetchFn, url, { ...init, redirect: "manual" }, timeoutMs);
    if (response.status >= 300 && response.status < 400) {
      // A failed try (retried like a network failure), never a success nor a permanent refusal.
      return { kind: "network", message: `HTTP ${response.status}: redirect not followed` };
    }
    return { kind: "response", status: response.status, headers: response.headers, text, json: parseJson(text) };
  } catch (e) {
    if (isFetchTimeoutError(e)) return { kind: "timeout", timeoutMs: e.timeoutMs };
    const message = e instanceof Error ? e.message : String(e);
    if (SUBREQUEST_LIMIT.test(message)) {
      console.error(
        "Amazon call refused by the Workers runtime: too many subrequests in one invocation (Workers Free: 50, Paid: 10,000). " +
          "A household full sync reads 1 + 2 per list: with more than about 20 lists it needs Workers Paid (docs/limits.md)",
      );
    }
    return { kind: "network", message };
  }
}

/**
 * The readable error Amazon put in a body (`message`, `Message`,
 * `error_description`, `error`), else the start of the raw text, else `HTTP <status>`.
 * Truncated: error text ends up in logs and in operation views.
 * @example
 * amazonErrorMessage({ type: "NOT_FOUND", message: "Object not found" }, "", 404); // "Object not found"
 */
export function amazonErrorMessage(json: unknown, text: string, status: number): string {
  if (typeof json === "object" && json !== null) {
    const o = json as Record<string, unknown>;
    for (const key of ["message", "Message", "error_description", "error"]) {
      const v = o[key];
      if (typeof v === "string" && v.trim() !== "") return truncate(v.trim());
    }
  }
  const t = text.trim();
  if (t !== "" && !t.startsWith("<")) return truncate(t);
  return `HTTP ${status}`;
}

/**
 * Joins a base endpoint (with or without trailing slash) and an absolute path.
 * Throws a TypeError for an endpoint that is not an http(s) URL, since sending
 * a bearer token there would be a bug.
 * @example
 * joinEndpoint("https://api.amazonalexa.com/", "/v2/householdlists/"); // "https://api.amazonalexa.com/v2/householdlists/"
 */
export function joinEndpoint(endpoint: string, path: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new TypeError(`not a URL: ${JSON.stringify(endpoint)}`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new TypeError(`not an http(s) URL: ${endpoint}`);
  return endpoint.replace(/\/+$/, "") + path;
}

/** How the Workers runtime refuses a fetch past the per-invocation subrequest limit. */
const SUBREQUEST_LIMIT = /too many subrequests/i;

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function truncate(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
