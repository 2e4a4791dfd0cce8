/**
 * @module lwa-token-cache
 * Runtime glue: one Login-with-Amazon token (scope `alexa:skill_messaging`)
 * shared by every request and Durable Object that sends skill messages.
 *
 * Lookup order: the in-isolate copy (module-level, keyed by token URL + client
 * id), then Workers KV (`TOKEN_CACHE`), then LWA itself. Concurrent callers in
 * one isolate share one in-flight load (single-flight). A token is refreshed
 * `safetyMarginSec` (default 300 s) before it expires, so a message is never
 * sent with a token about to lapse in flight.
 *
 * KV trade-offs, accepted on purpose:
 * - KV is eventually consistent (up to ~60 s between locations), so two
 *   isolates may each miss and each fetch a token once; the last write wins.
 *   Harmless: LWA issues several valid tokens per client, and each isolate
 *   keeps using the one it holds until it nears expiry.
 * - The KV entry expires (`expirationTtl`) when its token enters the safety
 *   margin, with KV's 60 s minimum, so KV never serves a token that is due for
 *   refresh for long; reads re-check `expiresAt` anyway.
 * - After a 401, `invalidate` drops the isolate copy and the KV entry only if
 *   they still hold that token (a concurrent refresh is not thrown away), and
 *   this isolate refuses that token if a stale KV read returns it again.
 * - KV failures never fail a send: a broken read falls through to LWA, a
 *   broken write is logged.
 */
import { DEFAULT_LWA_TOKEN_URL, requestLwaToken } from "./alexa/lwa.ts";

export interface LwaTokenSourceOptions {
  kv: KVNamespace;
  fetch: typeof fetch;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Refresh this long before expiry. Default 300. */
  safetyMarginSec?: number;
  /** Default `lwa-token:v1:<tokenUrl>|<clientId>`. */
  kvKey?: string;
  /** Per LWA request. Default 8000. */
  timeoutMs?: number;
}

/** What KV holds. */
interface StoredToken {
  accessToken: string;
  /** ms since the epoch. */
  expiresAt: number;
}

interface HeldToken extends StoredToken {
  /** ms since the epoch; from here on the token is refreshed. */
  refreshAt: number;
}

const KV_MIN_TTL_SEC = 60;

// The in-isolate state, shared by every LwaTokenSource for the same credentials.
const held = new Map<string, HeldToken>();
const inflight = new Map<string, Promise<HeldToken>>();
/** The last token invalidated per key, so a stale KV read cannot resurrect it. */
const revoked = new Map<string, string>();

/**
 * Hands out a valid LWA access token, fetching one only when neither this
 * isolate nor KV holds a fresh one.
 * @example
 * const tokens = new LwaTokenSource({ kv: env.TOKEN_CACHE, fetch, tokenUrl, clientId, clientSecret });
 * const token = await tokens.getToken();
 * try { await sendSkillMessage({ ..., accessToken: token }); }
 * catch (e) { if (e instanceof SkillMessagingError && e.code === "UNAUTHORIZED") await tokens.invalidate(token); }
 */
export class LwaTokenSource {
  private readonly opts: LwaTokenSourceOptions;
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly memKey: string;
  private readonly kvKey: string;

  constructor(opts: LwaTokenSourceOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    const margin = opts.safetyMarginSec ?? 300;
    this.marginMs = (Number.isFinite(margin) && margin >= 0 ? margin : 300) * 1000;
    this.memKey = `${opts.tokenUrl}|${opts.clientId}`;
    this.kvKey = opts.kvKey ?? `lwa-token:v1:${opts.tokenUrl}|${opts.clientId}`;
  }

  /**
   * A token valid for at least the safety margin. Rejects with `LwaError` when
   * LWA refuses or cannot be reached.
   * @example
   * const accessToken = await tokens.getToken();
   */
  async getToken(): Promise<string> {
    const h = held.get(this.memKey);
    if (h && this.now() < h.refreshAt) return h.accessToken;
    let p = inflight.get(this.memKey);
    if (!p) {
      const started: Promise<HeldToken> = this.load().finally(() => {
        if (inflight.get(this.memKey) === started) inflight.delete(this.memKey);
      });
      inflight.set(this.memKey, started);
      p = started;
    }
    try {
      return (await p).accessToken;
    } catch (e) {
      // Refresh failed but the token we hold has not expired: keep sending with
      // it rather than failing now; the next call tries LWA again.
      if (h && this.now() < h.expiresAt && held.get(this.memKey) === h && revoked.get(this.memKey) !== h.accessToken) {
        console.warn("lwa-token-cache: refresh failed, using the current token until it expires", e);
        return h.accessToken;
      }
      throw e;
    }
  }

  /**
   * Forgets `token` after Amazon rejected it (401), in this isolate and in KV,
   * unless a newer token has already replaced it. Never throws.
   * @example
   * await tokens.invalidate(tokenThatGot401);
   * const fresh = await tokens.getToken();
   */
  async invalidate(token: string): Promise<void> {
    revoked.set(this.memKey, token);
    if (held.get(this.memKey)?.accessToken === token) held.delete(this.memKey);
    try {
      const stored = await this.readKv();
      if (stored?.accessToken === token) await this.opts.kv.delete(this.kvKey);
    } catch (e) {
      console.warn("lwa-token-cache: could not drop the KV token", e);
    }
  }

  private async load(): Promise<HeldToken> {
    const fromKv = await this.readKv();
    if (fromKv && fromKv.accessToken !== revoked.get(this.memKey)) {
      const refreshAt = fromKv.expiresAt - this.marginMs;
      if (this.now() < refreshAt) {
        const h = { ...fromKv, refreshAt };
        held.set(this.memKey, h);
        return h;
      }
    }

    const token = await requestLwaToken({
      fetch: this.opts.fetch,
      tokenUrl: this.opts.tokenUrl,
      clientId: this.opts.clientId,
      clientSecret: this.opts.clientSecret,
      now: this.now,
      ...(this.opts.timeoutMs === undefined ? {} : { timeoutMs: this.opts.timeoutMs }),
    });
    const t = this.now();
    const lifetimeMs = token.expiresInSec * 1000;
    const h: HeldToken = {
      accessToken: token.accessToken,
      expiresAt: t + lifetimeMs,
      // A token shorter-lived than twice the margin is used for half its life,
      // rather than being "due" at once and refetched on every call.
      refreshAt: t + Math.max(lifetimeMs - this.marginMs, lifetimeMs / 2),
    };
    held.set(this.memKey, h);
    const ttl = Math.max(KV_MIN_TTL_SEC, Math.floor((h.refreshAt - t) / 1000));
    try {
      const value: StoredToken = { accessToken: h.accessToken, expiresAt: h.expiresAt };
      await this.opts.kv.put(this.kvKey, JSON.stringify(value), { expirationTtl: ttl });
    } catch (e) {
      console.warn("lwa-token-cache: could not store the token in KV", e);
    }
    return h;
  }

  private async readKv(): Promise<StoredToken | null> {
    let v: unknown;
    try {
      v = await this.opts.kv.get(this.kvKey, "json");
    } catch (e) {
      // Unreadable JSON or a KV outage: LWA is the source of truth.
      console.warn("lwa-token-cache: could not read the KV token", e);
      return null;
    }
    if (typeof v !== "object" || v === null) return null;
    const o = v as Record<string, unknown>;
    if (typeof o.accessToken !== "string" || o.accessToken === "") return null;
    if (typeof o.expiresAt !== "number" || !Number.isFinite(o.expiresAt)) return null;
    return { accessToken: o.accessToken, expiresAt: o.expiresAt };
  }
}

/**
 * The credentials are not configured. Carries `code`/`retryable` like the
 * other client errors, so structural error handling treats it as permanent.
 * @example
 * catch (e) { if (e instanceof LwaConfigError) return jsonError(503, "NOT_CONFIGURED", e.message); }
 */
export class LwaConfigError extends Error {
  override readonly name = "LwaConfigError";
  readonly code = "CONFIG";
  readonly retryable = false;
}

interface Memo {
  source: LwaTokenSource;
  kv: KVNamespace;
  fetch: typeof fetch;
}
const memo = new Map<string, Memo>();
const MAX_MEMO = 8;

// Resolves the global at call time, so a test's `vi.spyOn(globalThis, "fetch")` applies.
const globalFetch: typeof fetch = (input, init) => fetch(input, init);

/**
 * The token source for this Worker's configuration, memoised per isolate and
 * credentials. Throws {@link LwaConfigError} when the LWA client id or secret
 * is missing.
 * @example
 * const tokens = lwaTokenSourceFor(env);
 * await sendSkillMessage({ fetch, apiEndpoint, userId, accessToken: await tokens.getToken(), data });
 */
export function lwaTokenSourceFor(
  env: { TOKEN_CACHE: KVNamespace; LWA_TOKEN_URL?: string; LWA_CLIENT_ID?: string; LWA_CLIENT_SECRET?: string },
  fetchFn?: typeof fetch,
): LwaTokenSource {
  const clientId = env.LWA_CLIENT_ID?.trim() ?? "";
  const clientSecret = env.LWA_CLIENT_SECRET?.trim() ?? "";
  const missing = [clientId ? null : "LWA_CLIENT_ID", clientSecret ? null : "LWA_CLIENT_SECRET"].filter((x) => x !== null);
  if (missing.length > 0) {
    throw new LwaConfigError(
      `${missing.join(" and ")} not set: the skill's Login-with-Amazon credentials are needed to send skill messages ` +
        "(wrangler secret put LWA_CLIENT_ID / LWA_CLIENT_SECRET; values from the developer console, Permissions page)",
    );
  }
  const tokenUrl = env.LWA_TOKEN_URL?.trim() || DEFAULT_LWA_TOKEN_URL;
  const f = fetchFn ?? globalFetch;
  const key = `${tokenUrl}\n${clientId}\n${clientSecret}`;
  const hit = memo.get(key);
  if (hit && hit.kv === env.TOKEN_CACHE && hit.fetch === f) return hit.source;
  if (memo.size >= MAX_MEMO) memo.clear();
  const source = new LwaTokenSource({ kv: env.TOKEN_CACHE, fetch: f, tokenUrl, clientId, clientSecret });
  memo.set(key, { source, kv: env.TOKEN_CACHE, fetch: f });
  return source;
}
