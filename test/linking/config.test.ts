import { describe, expect, it } from "vitest";
import { linkingSettings } from "../../src/linking/config.ts";

describe("linkingSettings", () => {
  it("is off without any APP_OAUTH_* var", () => {
    expect(linkingSettings({})).toEqual({ ok: true, config: null, requireLinking: false });
  });
  it("JWT mode needs issuer, audience and JWKS URL", () => {
    expect(linkingSettings({ APP_OAUTH_JWKS_URL: "https://id.test/jwks.json" }).ok).toBe(false);
    const s = linkingSettings({ APP_OAUTH_ISSUER: "https://id.test/", APP_OAUTH_AUDIENCE: "lists", APP_OAUTH_JWKS_URL: "https://id.test/jwks.json", APP_REQUIRE_LINKING: "true" });
    expect(s).toEqual({ ok: true, requireLinking: true, config: { issuer: "https://id.test/", audience: "lists", jwksUrl: "https://id.test/jwks.json", introspection: null, spaceClaim: "sub" } });
  });
  it("introspection needs client credentials", () => {
    expect(linkingSettings({ APP_OAUTH_INTROSPECTION_URL: "https://id.test/introspect" }).ok).toBe(false);
    expect(linkingSettings({ APP_OAUTH_INTROSPECTION_URL: "https://id.test/introspect", APP_OAUTH_CLIENT_ID: "a", APP_OAUTH_CLIENT_SECRET: "b" }).ok).toBe(true);
  });
  it("http only locally; requiring linking needs verification", () => {
    const vars = { APP_OAUTH_ISSUER: "http://127.0.0.1:8790/_oauth", APP_OAUTH_AUDIENCE: "lists", APP_OAUTH_JWKS_URL: "http://127.0.0.1:8790/_oauth/jwks.json" };
    expect(linkingSettings(vars).ok).toBe(false);
    expect(linkingSettings({ ...vars, ENVIRONMENT: "development" }).ok).toBe(true);
    expect(linkingSettings({ APP_REQUIRE_LINKING: "true" }).ok).toBe(false);
    expect(linkingSettings({ APP_REQUIRE_LINKING: "yes" }).ok).toBe(false);
  });
});
