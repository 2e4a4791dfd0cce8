/**
 * @module emulator/tokens
 * Bearer tokens the emulator issues and later checks: LWA client-credential
 * tokens for the Skill Messaging API and per-user `apiAccessToken`s for the
 * List API. Each token carries its claims and an expiry on the emulator clock.
 */
import { newToken } from "./ids.ts";

/**
 * Issues opaque tokens and resolves them back to their claims while valid.
 * @example
 * const store = new TokenStore<{ userId: string }>("Atza|", () => Date.now());
 * const { token } = store.issue({ userId }, 3600_000);
 * store.resolve(token); // { userId } until it expires
 */
export class TokenStore<Claims> {
  readonly #tokens = new Map<string, { claims: Claims; expiresAt: number }>();

  constructor(
    private readonly prefix: "Atc|" | "Atza|",
    private readonly now: () => number,
  ) {}

  issue(claims: Claims, ttlMs: number): { token: string; expiresAt: number } {
    this.#prune();
    const token = newToken(this.prefix);
    const expiresAt = this.now() + ttlMs;
    this.#tokens.set(token, { claims, expiresAt });
    return { token, expiresAt };
  }

  /** The claims of a valid, unexpired token; otherwise `null`. */
  resolve(token: string | null | undefined): Claims | null {
    if (!token) return null;
    const entry = this.#tokens.get(token);
    if (!entry || entry.expiresAt <= this.now()) return null;
    return entry.claims;
  }

  /** Revokes every token whose claims match. */
  revokeWhere(predicate: (claims: Claims) => boolean): void {
    for (const [token, entry] of this.#tokens) if (predicate(entry.claims)) this.#tokens.delete(token);
  }

  #prune(): void {
    const t = this.now();
    for (const [token, entry] of this.#tokens) if (entry.expiresAt <= t) this.#tokens.delete(token);
  }
}

/**
 * The bearer token of an `Authorization: Bearer …` header, or `null`.
 * @example bearerToken(req.headers.get("authorization"))
 */
export function bearerToken(header: string | null): string | null {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return m ? (m[1] as string) : null;
}
