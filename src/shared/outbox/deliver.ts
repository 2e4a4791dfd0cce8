/**
 * @module shared/outbox/deliver
 * One send of one outbox message: take a Login-with-Amazon token, call the
 * Skill Messaging API, and turn whatever happened into an outcome the outbox
 * acts on (`sent`, `retry` later, or `fail` for good). Never throws.
 *
 * Trade-off: a 401 means the cached token went bad (revoked, rotated
 * credentials); the token is dropped and the send retried once with a fresh
 * one. A second 401 is treated as retryable rather than fatal: it is almost
 * always a configuration problem (LWA client id/secret) that an operator can
 * fix while the operation waits, and the attempt bound still ends it.
 *
 * A token that cannot be had is retried like a transport failure, except when
 * the credentials themselves are the problem: missing (`LwaConfigError`, code
 * `CONFIG`) or refused by LWA (`INVALID_CLIENT`). Then the outcome is `fail`,
 * marked `configuration`, with a reason naming the settings to fix: ten
 * attempts would only give the same answer up to ~17 minutes later (the
 * backoff's sum), after ten LWA requests per operation, while the app, told at
 * once, can re-submit once an operator has fixed the settings.
 */
import type { SkillMessageRequest } from "../../alexa/skill-messaging.ts";

/** Where the token comes from (src/lwa-token-cache.ts `LwaTokenSource`). */
export interface TokenSource {
  getToken(): Promise<string>;
  invalidate(token: string): Promise<void>;
}

/** `sendSkillMessage`, injected so tests and other runtimes can swap it. */
export type SendFn = (args: SkillMessageRequest) => Promise<void>;

/** The transport the outbox sends through. */
export interface Transport {
  send: SendFn;
  fetch: typeof fetch;
  tokens: TokenSource;
}

export type DeliveryOutcome =
  | { kind: "sent" }
  | { kind: "retry"; reason: string; retryAfterMs?: number }
  | { kind: "fail"; reason: string; configuration?: true };

/** What one send needs besides the transport. */
export interface Delivery {
  apiEndpoint: string;
  userId: string;
  data: unknown;
  expiresAfterSeconds: number;
}

/**
 * The shape of `SkillMessagingError` (and of the token source's `LwaError` and
 * `LwaConfigError`), matched structurally (it may cross isolates).
 */
interface SkillMessagingErrorLike {
  code: string;
  retryable: boolean;
  retryAfterMs?: number;
  reason?: string;
  message?: string;
}

function asSkillMessagingError(e: unknown): SkillMessagingErrorLike | null {
  if (typeof e !== "object" || e === null) return null;
  const r = e as Record<string, unknown>;
  return typeof r.code === "string" && typeof r.retryable === "boolean" ? (e as SkillMessagingErrorLike) : null;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Why a token failure is a configuration problem that retrying cannot fix, or null. */
function configurationFailure(e: unknown): string | null {
  const err = asSkillMessagingError(e);
  if (!err || err.retryable) return null;
  if (err.code === "CONFIG") return `LWA_NOT_CONFIGURED: ${describe(e)}`;
  if (err.code === "INVALID_CLIENT") {
    return `LWA_INVALID_CLIENT: ${describe(e)} (Login with Amazon refused the skill's credentials: check LWA_CLIENT_ID and LWA_CLIENT_SECRET)`;
  }
  return null;
}

/**
 * Sends `delivery` once (twice on a 401) and classifies the result.
 * @example
 * const out = await deliver(transport, { apiEndpoint, userId, data: msg, expiresAfterSeconds: 3600 });
 * if (out.kind === "retry") scheduleRetry(out.retryAfterMs);
 */
export async function deliver(transport: Transport, delivery: Delivery): Promise<DeliveryOutcome> {
  for (let tries = 0; ; tries++) {
    let token: string;
    try {
      token = await transport.tokens.getToken();
    } catch (e) {
      const configuration = configurationFailure(e);
      if (configuration !== null) return { kind: "fail", reason: configuration, configuration: true };
      return { kind: "retry", reason: `LWA token unavailable: ${describe(e)}` };
    }
    try {
      await transport.send({
        fetch: transport.fetch,
        apiEndpoint: delivery.apiEndpoint,
        userId: delivery.userId,
        accessToken: token,
        data: delivery.data,
        expiresAfterSeconds: delivery.expiresAfterSeconds,
      });
      return { kind: "sent" };
    } catch (e) {
      const err = asSkillMessagingError(e);
      if (!err) return { kind: "retry", reason: `send failed: ${describe(e)}` };
      const reason = `${err.code}: ${err.reason ?? err.message ?? "no reason given"}`;
      if (err.code === "UNAUTHORIZED") {
        await transport.tokens.invalidate(token).catch((x: unknown) => console.error("token invalidate failed", x));
        if (tries === 0) continue;
        return { kind: "retry", reason };
      }
      if (err.retryable) {
        return err.retryAfterMs === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterMs: err.retryAfterMs };
      }
      return { kind: "fail", reason };
    }
  }
}
