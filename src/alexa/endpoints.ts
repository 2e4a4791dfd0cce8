/**
 * @module alexa/endpoints
 * The Alexa API region endpoints the bridge will call with a user's tokens.
 * `context.System.apiEndpoint` comes from the request envelope; the verifier
 * proves Amazon signed the request, but a value outside Amazon's three
 * regions would send the request's `apiAccessToken` (and, for the outbox, an
 * LWA token) to someone else. So only these are used:
 * `https://api.amazonalexa.com`, `https://api.eu.amazonalexa.com`,
 * `https://api.fe.amazonalexa.com`, plus the configured `ALEXA_API_ENDPOINT`
 * when `ENVIRONMENT` is `development` or `test` (the emulator). Anything else
 * is dropped (logged): the object keeps the user's last good endpoint, or the
 * default.
 */
import type { Env } from "../env.ts";

/** Amazon's Alexa API region endpoints. */
export const ALEXA_API_ENDPOINTS: readonly string[] = [
  "https://api.amazonalexa.com",
  "https://api.eu.amazonalexa.com",
  "https://api.fe.amazonalexa.com",
];

/** The North America endpoint: the default when nothing better is known. */
export const DEFAULT_API_ENDPOINT = "https://api.amazonalexa.com";

function localEnvironment(env: Pick<Env, "ENVIRONMENT">): boolean {
  return env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
}

/** `https://host[:port]` without a trailing slash, or `null` when not a bare origin. */
function origin(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.username || u.password || u.search || u.hash || (u.pathname !== "/" && u.pathname !== "")) return null;
    return u.origin;
  } catch {
    return null;
  }
}

/**
 * The endpoint as the bridge will use it, or `null` when it is not allowed.
 * @example allowedApiEndpoint("https://api.eu.amazonalexa.com/", env) // "https://api.eu.amazonalexa.com"
 * @example allowedApiEndpoint("https://evil.example", env) // null
 */
export function allowedApiEndpoint(url: string | null | undefined, env: Pick<Env, "ENVIRONMENT" | "ALEXA_API_ENDPOINT">): string | null {
  if (typeof url !== "string" || url === "") return null;
  const o = origin(url);
  if (o === null) return null;
  if (ALEXA_API_ENDPOINTS.includes(o)) return o;
  if (localEnvironment(env) && env.ALEXA_API_ENDPOINT && origin(env.ALEXA_API_ENDPOINT) === o) return o;
  return null;
}

/**
 * The first allowed endpoint among `candidates` (the request's, the stored
 * one), else the configured default if allowed, else {@link DEFAULT_API_ENDPOINT}.
 * @example apiEndpointFor(env, req.apiEndpoint, profile?.apiEndpoint)
 */
export function apiEndpointFor(env: Pick<Env, "ENVIRONMENT" | "ALEXA_API_ENDPOINT">, ...candidates: (string | null | undefined)[]): string {
  for (const c of candidates) {
    const ok = allowedApiEndpoint(c, env);
    if (ok !== null) return ok;
  }
  return allowedApiEndpoint(env.ALEXA_API_ENDPOINT, env) ?? DEFAULT_API_ENDPOINT;
}
