/**
 * @module linking/config
 * Reads the app's OAuth server settings (docs/account-linking.md) from the
 * Worker's vars. Pure. Two ways to check a token, either or both:
 * - JWT access tokens (RFC 9068 style): `APP_OAUTH_ISSUER`,
 *   `APP_OAUTH_AUDIENCE`, `APP_OAUTH_JWKS_URL`, all three required;
 * - opaque tokens, RFC 7662 introspection: `APP_OAUTH_INTROSPECTION_URL`
 *   with `APP_OAUTH_CLIENT_ID` / `APP_OAUTH_CLIENT_SECRET` (issuer and
 *   audience, when set, are checked against the introspection answer too).
 * None of them set: verification is off (the weaker mode, where the raw
 * token is forwarded to the app). `APP_REQUIRE_LINKING=true` needs one of the
 * two. `APP_OAUTH_SPACE_CLAIM` (default `sub`) names the claim whose value is
 * the person's list space (src/space). URLs must be https, except under ENVIRONMENT=development or test
 * (the emulator serves plain http on loopback).
 */

/** How tokens are verified. @example const cfg: LinkingConfig = { issuer: "https://id.example", audience: "lists", jwksUrl: "https://id.example/jwks.json", introspection: null }; */
export interface LinkingConfig {
  /** Expected `iss` (required for JWTs). */
  issuer: string | null;
  /** Expected `aud` (required for JWTs). */
  audience: string | null;
  /** Where the signing keys are (JWT mode), or null. */
  jwksUrl: string | null;
  /** RFC 7662 endpoint and this resource server's client credentials, or null. */
  introspection: { url: string; clientId: string; clientSecret: string } | null;
  /** The claim naming the person's list space (`APP_OAUTH_SPACE_CLAIM`, default `sub`); optional for callers, `sub` when left out. */
  spaceClaim?: string;
}

/** What the Worker's linking settings say. @example const s = linkingSettings(env); if (!s.ok) return jsonError(503, "NOT_CONFIGURED"); */
export type LinkingSettings =
  | { ok: true; config: LinkingConfig | null; requireLinking: boolean }
  | { ok: false; reason: string };

/** The vars {@link linkingSettings} reads. */
export type LinkingVars = Partial<
  Record<
    | "ENVIRONMENT"
    | "APP_OAUTH_ISSUER"
    | "APP_OAUTH_AUDIENCE"
    | "APP_OAUTH_JWKS_URL"
    | "APP_OAUTH_INTROSPECTION_URL"
    | "APP_OAUTH_CLIENT_ID"
    | "APP_OAUTH_CLIENT_SECRET"
    | "APP_REQUIRE_LINKING"
    | "APP_OAUTH_SPACE_CLAIM",
    string
  >
>;

const LOCAL_ENVIRONMENTS: ReadonlySet<string> = new Set(["development", "test"]);

/**
 * The linking configuration, `config: null` when verification is off, or why
 * the settings are unusable.
 * @example
 * linkingSettings({ APP_OAUTH_ISSUER: "https://id.example", APP_OAUTH_AUDIENCE: "lists", APP_OAUTH_JWKS_URL: "https://id.example/jwks.json" })
 * // { ok: true, config: { issuer: "https://id.example", audience: "lists", jwksUrl: "https://id.example/jwks.json", introspection: null }, requireLinking: false }
 */
export function linkingSettings(env: LinkingVars): LinkingSettings {
  const v = (name: keyof LinkingVars): string | null => {
    const s = env[name]?.trim() ?? "";
    return s === "" ? null : s;
  };
  const requireRaw = (v("APP_REQUIRE_LINKING") ?? "false").toLowerCase();
  if (requireRaw !== "true" && requireRaw !== "false") return { ok: false, reason: "APP_REQUIRE_LINKING must be true or false" };
  const requireLinking = requireRaw === "true";
  const issuer = v("APP_OAUTH_ISSUER");
  const audience = v("APP_OAUTH_AUDIENCE");
  const jwksUrl = v("APP_OAUTH_JWKS_URL");
  const introspectionUrl = v("APP_OAUTH_INTROSPECTION_URL");
  const clientId = v("APP_OAUTH_CLIENT_ID");
  const clientSecret = v("APP_OAUTH_CLIENT_SECRET");
  const local = LOCAL_ENVIRONMENTS.has(env.ENVIRONMENT ?? "");
  const badUrl = (url: string | null): boolean => {
    const u = url === null ? null : URL.parse(url);
    return url !== null && (u === null || !(u.protocol === "https:" || (local && u.protocol === "http:")));
  };

  if (issuer === null && audience === null && jwksUrl === null && introspectionUrl === null) {
    if (requireLinking) return { ok: false, reason: "APP_REQUIRE_LINKING=true needs APP_OAUTH_JWKS_URL or APP_OAUTH_INTROSPECTION_URL" };
    return { ok: true, config: null, requireLinking };
  }
  if (jwksUrl === null && introspectionUrl === null) {
    return { ok: false, reason: "APP_OAUTH_ISSUER/AUDIENCE are set but neither APP_OAUTH_JWKS_URL nor APP_OAUTH_INTROSPECTION_URL" };
  }
  if (jwksUrl !== null && (issuer === null || audience === null)) {
    return { ok: false, reason: "APP_OAUTH_JWKS_URL needs APP_OAUTH_ISSUER and APP_OAUTH_AUDIENCE" };
  }
  if (introspectionUrl !== null && (clientId === null || clientSecret === null)) {
    return { ok: false, reason: "APP_OAUTH_INTROSPECTION_URL needs APP_OAUTH_CLIENT_ID and APP_OAUTH_CLIENT_SECRET" };
  }
  if (badUrl(jwksUrl) || badUrl(introspectionUrl)) {
    return { ok: false, reason: "APP_OAUTH_JWKS_URL / APP_OAUTH_INTROSPECTION_URL must be https URLs (http only with ENVIRONMENT=development or test)" };
  }
  return {
    ok: true,
    requireLinking,
    config: {
      issuer,
      audience,
      jwksUrl,
      introspection: introspectionUrl !== null ? { url: introspectionUrl, clientId: clientId!, clientSecret: clientSecret! } : null,
      spaceClaim: v("APP_OAUTH_SPACE_CLAIM") ?? "sub",
    },
  };
}
