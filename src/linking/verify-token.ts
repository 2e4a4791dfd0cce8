/**
 * @module linking/verify-token
 * Verifies an account-linking access token (the `SkillAccountLinked` event's
 * `body.accessToken`, an interactive request's `context.System.user.accessToken`)
 * and answers whose it is: the verified `sub`, the app's own user id, and the
 * list space its `APP_OAUTH_SPACE_CLAIM` claim names (default `sub`). Pure:
 * the network (`fetch`) and the clock (`now`) are passed in.
 *
 * JWT access tokens (RFC 9068 style) are checked with jose: the signature
 * against the app's JWKS (`createRemoteJWKSet`, with the given fetch), `iss`,
 * `aud`, `exp` and `nbf` against the given clock ({@link CLOCK_TOLERANCE_S}
 * of skew), `sub` required, and only the algorithms of {@link ALLOWED_ALGS}
 * (so never `none`, and never HMAC, which would let a party holding the
 * public key sign). A `kid` the cached key set lacks (the app rotated its
 * signing key, or a forger made one up) is decided here, with jose's
 * `reload()`, not by jose's own cooldown (which reads `Date.now`, and which on
 * Workers lets concurrent requests each fetch):
 * - key set fetched during this very call (first use, stale cache, or another
 *   request's refetch just done): the kid is really unknown → TOKEN_KEY_UNKNOWN,
 *   a refusal (cached);
 * - last fetch started less than `jwksCooldownMs` ago: the set cannot be
 *   refetched yet, so this is no verdict on the token → VERIFIER_UNAVAILABLE
 *   (not cached; `SkillAccountLinked` answers 503 and Alexa redelivers);
 * - otherwise one refetch, claimed synchronously so concurrent requests do
 *   not fetch too, then one more look: still unknown → TOKEN_KEY_UNKNOWN.
 * So unknown kids cause at most one fetch per cooldown, however many arrive.
 *
 * Opaque tokens (not three dot-separated parts) go to RFC 7662
 * introspection when it is configured: POST with
 * HTTP Basic client credentials, `active` must be true, `sub` present, `exp`
 * (if given) in the future, `iss`/`aud` (if configured and given) as expected.
 *
 * Verdicts are cached in memory, keyed by the token's SHA-256 (the token
 * itself is not kept): an accepted token until its `exp` (introspection
 * answers at most {@link INTROSPECTION_CACHE_MS}, as a token can be revoked),
 * a refused one for {@link REFUSAL_CACHE_MS}; "unavailable" is never cached.
 * Trade-off: a revoked JWT keeps working until its `exp`, as with any
 * self-contained token. The key set and the verdicts live as long as the
 * verifier: the Worker keeps one per isolate (src/linking/index.ts).
 */
import {
  createRemoteJWKSet,
  customFetch,
  errors as joseErrors,
  jwtVerify,
  type FetchImplementation,
  type RemoteJWKSet,
} from "jose";
import { fetchTextWithTimeout } from "../util/fetch-timeout.ts";
import type { LinkingConfig } from "./config.ts";
import { LinkingError } from "./errors.ts";
import { usableSpaceClaim } from "../space/space-id.ts";

/** The only signature algorithms accepted. @example ALLOWED_ALGS.includes("HS256") // false */
export const ALLOWED_ALGS: readonly string[] = ["RS256", "ES256", "EdDSA"];
/** Clock skew allowed on `exp` and `nbf`, in seconds. @example CLOCK_TOLERANCE_S // 30 */
export const CLOCK_TOLERANCE_S = 30;
/** Longest time an introspection verdict is reused. @example INTROSPECTION_CACHE_MS // 60000 */
export const INTROSPECTION_CACHE_MS = 60_000;
/** How long a refusal is remembered. @example REFUSAL_CACHE_MS // 60000 */
export const REFUSAL_CACHE_MS = 60_000;
/** Verdicts kept at most (oldest dropped first). @example MAX_CACHED_VERDICTS // 2000 */
export const MAX_CACHED_VERDICTS = 2000;
/** Least time between two JWKS fetches caused by unknown kids (default of `jwksCooldownMs`). @example JWKS_COOLDOWN_MS // 30000 */
export const JWKS_COOLDOWN_MS = 30_000;
/** Deadline of one JWKS or introspection exchange (a voice answer has 8 s in all). @example VERIFY_TIMEOUT_MS // 3000 */
export const VERIFY_TIMEOUT_MS = 3_000;

/** Whose token it is. @example const { sub } = await verifier.verify(token); */
export interface VerifiedToken {
  /** The app's user id (`sub`). */
  sub: string;
  /** When the token stops being valid (ms since epoch), or null when the server did not say. */
  expiresAt: number | null;
  /** The list space the token names: its `APP_OAUTH_SPACE_CLAIM` claim (default `sub`). */
  space: string;
}

export interface TokenVerifierDeps {
  fetch: typeof fetch;
  /** ms since epoch. */
  now: () => number;
  /** Least time between the last JWKS fetch and one caused by an unknown kid. Default {@link JWKS_COOLDOWN_MS}. */
  jwksCooldownMs?: number;
}

type Cached = { until: number; ok: true; token: VerifiedToken } | { until: number; ok: false; error: LinkingError };

const utf8 = new TextEncoder();

/**
 * Verifies linking tokens for one configuration.
 * @example
 * const verifier = new TokenVerifier(config, { fetch, now: Date.now });
 * const { sub } = await verifier.verify(accessToken); // throws LinkingError
 */
export class TokenVerifier {
  readonly #config: LinkingConfig;
  readonly #deps: TokenVerifierDeps;
  readonly #jwks: RemoteJWKSet | null;
  readonly #verdicts = new Map<string, Cached>();
  readonly #cooldownMs: number;
  /** JWKS fetches started, and when the last one started (`deps.now`): see the module header. */
  #fetches = 0;
  #fetchedAt = -Infinity;

  constructor(config: LinkingConfig, deps: TokenVerifierDeps) {
    this.#config = config;
    this.#deps = deps;
    this.#cooldownMs = deps.jwksCooldownMs ?? JWKS_COOLDOWN_MS;
    if (config.jwksUrl !== null) {
      const fetchJwks: FetchImplementation = (url, init) => {
        this.#fetches++;
        this.#fetchedAt = deps.now();
        return deps.fetch(url, init);
      };
      this.#jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
        timeoutDuration: VERIFY_TIMEOUT_MS,
        // jose never refetches on an unknown kid by itself: #verifyJwt decides (it still fetches an empty or stale set).
        cooldownDuration: Infinity,
        [customFetch]: fetchJwks,
      });
    } else {
      this.#jwks = null;
    }
  }

  /**
   * The token's verified subject, or a {@link LinkingError}.
   * @example
   * try { const { sub } = await verifier.verify(token); }
   * catch (e) { if (e instanceof LinkingError && !e.retryable) notLinked(); }
   */
  async verify(token: string): Promise<VerifiedToken> {
    const key = await sha256Hex(token);
    const now = this.#deps.now();
    const hit = this.#verdicts.get(key);
    if (hit && hit.until > now) {
      if (hit.ok) return hit.token;
      throw hit.error;
    }
    if (hit) this.#verdicts.delete(key);
    try {
      const jwtShaped = /^[\w-]+\.[\w-]*\.[\w-]*$/.test(token);
      const verified =
        jwtShaped && this.#jwks !== null
          ? await this.#verifyJwt(token, now)
          : this.#config.introspection !== null
            ? await this.#introspect(token, now)
            : fail("TOKEN_MALFORMED", "not a JWT, and introspection is not configured");
      const cap = this.#config.introspection !== null && !(jwtShaped && this.#jwks !== null) ? now + INTROSPECTION_CACHE_MS : Infinity;
      const until = Math.min(verified.expiresAt ?? now + INTROSPECTION_CACHE_MS, cap);
      this.#remember(key, { until, ok: true, token: verified });
      return verified;
    } catch (e) {
      const error = e instanceof LinkingError ? e : new LinkingError("VERIFIER_UNAVAILABLE", describe(e), { cause: e });
      if (!error.retryable) this.#remember(key, { until: now + REFUSAL_CACHE_MS, ok: false, error });
      throw error;
    }
  }

  /** Verdicts cached now (for tests). @example verifier.cachedVerdicts() // 1 */
  cachedVerdicts(): number {
    return this.#verdicts.size;
  }

  async #verifyJwt(token: string, now: number): Promise<VerifiedToken> {
    const jwks = this.#jwks!;
    const fetchesBefore = this.#fetches;
    try {
      return await this.#checkJwt(token, now);
    } catch (e) {
      if (!(e instanceof joseErrors.JWKSNoMatchingKey)) throw fromJose(e);
    }
    if (this.#fetches !== fetchesBefore) {
      // The set was fetched during this call: one more look at the newest set decides (no fetch).
      if (jwks.reloading) fail("VERIFIER_UNAVAILABLE", "kid not in the key set; the JWKS is being refetched");
      return this.#checkJwt(token, now).catch((e: unknown) => Promise.reject(fromJose(e)));
    }
    const age = now - this.#fetchedAt;
    if (age < this.#cooldownMs) {
      fail("VERIFIER_UNAVAILABLE", `kid not in the key set fetched ${Math.round(age / 1000)} s ago; refetched at most every ${this.#cooldownMs / 1000} s`);
    }
    this.#fetchedAt = now; // claimed before the first await: concurrent requests see the cooldown
    try {
      await jwks.reload();
    } catch (e) {
      throw fromJose(e);
    }
    return this.#checkJwt(token, now).catch((e: unknown) => Promise.reject(fromJose(e)));
  }

  /** jose's verdict on a JWT against the cached key set (jose errors as they come). */
  async #checkJwt(token: string, now: number): Promise<VerifiedToken> {
    const { payload } = await jwtVerify(token, this.#jwks!, {
      issuer: this.#config.issuer ?? undefined,
      audience: this.#config.audience ?? undefined,
      algorithms: [...ALLOWED_ALGS],
      currentDate: new Date(now),
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ["sub", "exp"],
    });
    if (typeof payload.sub !== "string" || payload.sub === "") fail("TOKEN_CLAIMS_INVALID", "sub must be a non-empty string");
    return { sub: payload.sub, expiresAt: typeof payload.exp === "number" ? payload.exp * 1000 : null, space: this.#space(payload) };
  }

  async #introspect(token: string, now: number): Promise<VerifiedToken> {
    const { url, clientId, clientSecret } = this.#config.introspection!;
    const basic = btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`);
    let status: number;
    let text: string;
    try {
      const r = await fetchTextWithTimeout(
        this.#deps.fetch,
        url,
        {
          method: "POST",
          headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString(),
          redirect: "manual",
        },
        VERIFY_TIMEOUT_MS,
      );
      status = r.response.status;
      text = r.text;
    } catch (e) {
      throw new LinkingError("VERIFIER_UNAVAILABLE", `introspection: ${describe(e)}`, { cause: e });
    }
    if (status !== 200) fail("VERIFIER_UNAVAILABLE", `introspection answered HTTP ${status}`);
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new TypeError("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      fail("VERIFIER_UNAVAILABLE", "introspection answered something that is not a JSON object");
    }
    if (body.active !== true) fail("TOKEN_INACTIVE", "introspection says the token is not active");
    if (typeof body.sub !== "string" || body.sub === "") fail("TOKEN_CLAIMS_INVALID", "introspection gave no sub");
    const skew = CLOCK_TOLERANCE_S * 1000;
    const exp = typeof body.exp === "number" ? body.exp * 1000 : null;
    if (exp !== null && exp + skew <= now) fail("TOKEN_EXPIRED", "introspection: exp is past");
    if (typeof body.nbf === "number" && body.nbf * 1000 - skew > now) fail("TOKEN_NOT_YET_VALID", "introspection: nbf is in the future");
    const { issuer, audience } = this.#config;
    if (issuer !== null && body.iss !== undefined && body.iss !== issuer) fail("TOKEN_ISSUER_MISMATCH", "introspection: unexpected iss");
    if (audience !== null && body.aud !== undefined) {
      const auds = Array.isArray(body.aud) ? body.aud : [body.aud];
      if (!auds.includes(audience)) fail("TOKEN_AUDIENCE_MISMATCH", "introspection: unexpected aud");
    }
    return { sub: body.sub, expiresAt: exp, space: this.#space(body) };
  }

  /** The claim naming the list space; a token without a usable one is refused like one without `sub`. */
  #space(claims: Record<string, unknown>): string {
    const name = this.#config.spaceClaim ?? "sub";
    const value = claims[name];
    if (!usableSpaceClaim(value)) fail("TOKEN_CLAIMS_INVALID", `${name} must be a string of 1-255 characters naming a list space`);
    return value;
  }

  #remember(key: string, entry: Cached): void {
    if (this.#verdicts.size >= MAX_CACHED_VERDICTS) {
      const oldest = this.#verdicts.keys().next();
      if (!oldest.done) this.#verdicts.delete(oldest.value);
    }
    this.#verdicts.set(key, entry);
  }
}

function fail(code: LinkingError["code"], message: string): never {
  throw new LinkingError(code, message);
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** A jose failure as a LinkingError: token faults are refusals, JWKS trouble is "unavailable". */
function fromJose(e: unknown): LinkingError {
  if (e instanceof LinkingError) return e;
  if (e instanceof joseErrors.JWTExpired) return new LinkingError("TOKEN_EXPIRED", "exp is past");
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === "iss") return new LinkingError("TOKEN_ISSUER_MISMATCH", "unexpected iss");
    if (e.claim === "aud") return new LinkingError("TOKEN_AUDIENCE_MISMATCH", "unexpected aud");
    if (e.claim === "nbf") return new LinkingError("TOKEN_NOT_YET_VALID", "nbf is in the future");
    return new LinkingError("TOKEN_CLAIMS_INVALID", `claim ${e.claim}: ${e.reason}`);
  }
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return new LinkingError("TOKEN_ALG_NOT_ALLOWED", "alg is not RS256, ES256 or EdDSA");
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return new LinkingError("TOKEN_SIGNATURE_INVALID", "signature does not verify");
  if (e instanceof joseErrors.JWKSNoMatchingKey || e instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new LinkingError("TOKEN_KEY_UNKNOWN", "no single key of the JWKS matches the token's kid and alg");
  }
  if (e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JWTInvalid || e instanceof joseErrors.JOSENotSupported) {
    return new LinkingError("TOKEN_MALFORMED", describe(e));
  }
  // JWKSTimeout, JWKSInvalid, a non-200 or unparsable JWKS, a network error.
  return new LinkingError("VERIFIER_UNAVAILABLE", `JWKS: ${describe(e)}`, { cause: e });
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8.encode(text)));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}
