/**
 * @module routes/api/auth
 * Bearer-token check of the app-facing REST API. `APP_API_TOKEN` holds one or
 * more comma-separated tokens (several, so a token can be rotated without
 * downtime: add the new one, move the app over, remove the old one).
 *
 * Constant time: both sides are hashed with SHA-256 first, so the comparison
 * (`crypto.subtle.timingSafeEqual`) always runs over 32 bytes whatever the
 * lengths, and every configured token is compared (no early exit), so the
 * response time says nothing about which token, or how much of one, matched.
 */

const encoder = new TextEncoder();

/**
 * The configured tokens; empty when none (then every request is refused).
 * @example parseApiTokens(" a , b,,") // ["a", "b"]
 */
export function parseApiTokens(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

/**
 * The token of an `Authorization: Bearer <token>` header, or `null`.
 * @example bearerToken("Bearer abc") // "abc"
 */
export function bearerToken(header: string | null): string | null {
  const m = header === null ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1] ?? null;
}

/**
 * Whether `presented` equals one of `tokens`, compared in constant time.
 * @example if (!(await tokenMatches(bearerToken(req.headers.get("authorization")), tokens))) return unauthorized();
 */
export async function tokenMatches(presented: string | null, tokens: readonly string[]): Promise<boolean> {
  if (presented === null || tokens.length === 0) return false;
  const got = await sha256(presented);
  let ok = false;
  for (const token of tokens) {
    // Bitwise OR on purpose: no short-circuit, every token is compared.
    ok = crypto.subtle.timingSafeEqual(got, await sha256(token)) || ok;
  }
  return ok;
}
