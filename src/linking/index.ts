/**
 * @module linking
 * Account linking in the Worker (runtime glue around the pure
 * src/linking/verify-token.ts): the verifier for this isolate, a token's
 * {@link LinkStatus}, and the appUserId → userId mapping
 * (src/linking/app-user-link.ts). Verification runs here, in the Worker's
 * dispatch, before any Durable Object is called: it is I/O (JWKS,
 * introspection), so it stays out of the user's object and its SQL
 * transaction, and one isolate's cache serves many users.
 * docs/account-linking.md describes the whole feature.
 */
import type { Env } from "../env.ts";
import { linkingSettings, type LinkingSettings } from "./config.ts";
import { LinkingError, type LinkingErrorCode } from "./errors.ts";
import { TokenVerifier } from "./verify-token.ts";

export { LinkingError, type LinkingErrorCode } from "./errors.ts";
export { linkingSettings, type LinkingConfig, type LinkingSettings } from "./config.ts";
export { TokenVerifier, type VerifiedToken } from "./verify-token.ts";

/**
 * A request's linked account, as verification found it (what the user's
 * object is told instead of the token).
 * @example const s: LinkStatus = { state: "linked", appUserId: "app-user-1" };
 */
export type LinkStatus =
  | { state: "linked"; appUserId: string; spaceId: string }
  | { state: "absent" }
  | { state: "refused"; code: LinkingErrorCode }
  | { state: "unavailable" };

let memo: { key: readonly (string | undefined)[]; settings: LinkingSettings; verifier: TokenVerifier | null } | undefined;
/** Links this isolate has already written to the mapping (`sub` → userId), so voice turns skip the call. */
const confirmed = new Map<string, string>();
const MAX_CONFIRMED = 2000;

function current(env: Env): NonNullable<typeof memo> {
  const key = [
    env.ENVIRONMENT,
    env.APP_OAUTH_ISSUER,
    env.APP_OAUTH_AUDIENCE,
    env.APP_OAUTH_JWKS_URL,
    env.APP_OAUTH_INTROSPECTION_URL,
    env.APP_OAUTH_CLIENT_ID,
    env.APP_OAUTH_CLIENT_SECRET,
    env.APP_REQUIRE_LINKING,
    env.APP_OAUTH_SPACE_CLAIM,
  ] as const;
  if (!memo || memo.key.some((v, i) => v !== key[i])) {
    const settings = linkingSettings(env);
    const verifier =
      settings.ok && settings.config
        ? new TokenVerifier(settings.config, { fetch: (input, init) => globalThis.fetch(input, init), now: () => Date.now() })
        : null;
    memo = { key, settings, verifier };
  }
  return memo;
}

/**
 * This deployment's linking settings (memoised per isolate).
 * @example const s = linkingFor(env); if (s.ok && s.requireLinking) ...
 */
export function linkingFor(env: Env): LinkingSettings {
  return current(env).settings;
}

/**
 * Verifies a token with the isolate's verifier (its JWKS and verdicts are
 * cached across requests). `null` when verification is off.
 * @example const status = await linkStatus(env, readLinkToken(envelope));
 */
export async function linkStatus(env: Env, token: string | null): Promise<LinkStatus | null> {
  const verifier = current(env).verifier;
  if (verifier === null) return null;
  if (token === null) return { state: "absent" };
  try {
    const verified = await verifier.verify(token);
    return { state: "linked", appUserId: verified.sub, spaceId: verified.space };
  } catch (e) {
    const error = e instanceof LinkingError ? e : new LinkingError("VERIFIER_UNAVAILABLE", String(e));
    // The code and message only: neither holds the token.
    console.warn(`linking: token not accepted: ${error.message}`);
    return error.retryable ? { state: "unavailable" } : { state: "refused", code: error.code };
  }
}

/**
 * `context.System.user.accessToken` of an envelope, or null.
 * @example readLinkToken(envelope) // "eyJhbGciOi…" once the person linked
 */
export function readLinkToken(envelope: unknown): string | null {
  const t = record(record(record(record(envelope)?.context)?.System)?.user)?.accessToken;
  return typeof t === "string" && t !== "" ? t : null;
}

/**
 * When an event or request happened (ms): `eventCreationTime`, else `timestamp`, else `fallback`.
 * @example happenedAt(envelope, Date.now())
 */
export function happenedAt(envelope: unknown, fallback: number): number {
  const request = record(record(envelope)?.request);
  for (const v of [request?.eventCreationTime, request?.timestamp]) {
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    if (Number.isFinite(t)) return t;
  }
  return fallback;
}

/**
 * Points the app user at this Alexa user in the mapping. `once`: skip the call
 * when this isolate already wrote the same pair (voice turns).
 * @example await linkAppUser(env, "app-user-1", userId, Date.now(), { once: true });
 */
export async function linkAppUser(env: Env, appUserId: string, userId: string, at: number, opts: { once?: boolean } = {}): Promise<void> {
  if (opts.once && confirmed.get(appUserId) === userId) return;
  const r = await env.APP_USERS.getByName(appUserId).link(userId, at);
  if (r.outcome === "moved") console.log("linking: app user moved to a new Alexa user id (skill re-enabled)");
  if (confirmed.size >= MAX_CONFIRMED) confirmed.clear();
  if (r.outcome !== "stale") confirmed.set(appUserId, userId);
}

/**
 * The Alexa userId an app user is linked to now, or null.
 * @example const userId = await resolveAppUser(env, "app-user-1");
 */
export async function resolveAppUser(env: Env, appUserId: string): Promise<string | null> {
  return env.APP_USERS.getByName(appUserId).resolve();
}

/**
 * Forgets the isolate's verifier, its caches and confirmed links (tests).
 * @example afterEach(() => resetLinking());
 */
export function resetLinking(): void {
  memo = undefined;
  confirmed.clear();
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
