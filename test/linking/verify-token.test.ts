import { beforeEach, describe, expect, it } from "vitest";
import { LinkingError } from "../../src/linking/errors.ts";
import { REFUSAL_CACHE_MS, TokenVerifier } from "../../src/linking/verify-token.ts";
import { AUDIENCE, b64url, INTROSPECTION_URL, ISSUER, JWKS_URL, OAuthFixture } from "./oauth-fixture.ts";

const NOW = Date.UTC(2030, 5, 1, 12, 0, 0);

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LinkingError);
    return (e as LinkingError).code;
  }
  throw new Error("expected a LinkingError");
}

describe("TokenVerifier: JWT access tokens", () => {
  let oauth: OAuthFixture;
  let clock: { t: number };
  let verifier: TokenVerifier;
  beforeEach(async () => {
    oauth = await OAuthFixture.create();
    clock = { t: NOW };
    verifier = new TokenVerifier(
      { issuer: ISSUER, audience: AUDIENCE, jwksUrl: JWKS_URL, introspection: null },
      { fetch: oauth.fetch, now: () => clock.t, jwksCooldownMs: 0 },
    );
  });

  it("accepts a valid token and answers its sub and exp", async () => {
    const token = await oauth.token({ sub: "app-user-7", nowMs: NOW });
    await expect(verifier.verify(token)).resolves.toEqual({ sub: "app-user-7", expiresAt: NOW + 3600_000, space: "app-user-7" });
  });

  it("names the list space by APP_OAUTH_SPACE_CLAIM; a token without it, or naming a personal space, is refused like one without sub", async () => {
    const household = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: JWKS_URL, introspection: null, spaceClaim: "household" }, { fetch: oauth.fetch, now: () => NOW });
    await expect(household.verify(await oauth.token({ sub: "bob", nowMs: NOW, claims: { household: "fam-1" } }))).resolves.toMatchObject({ sub: "bob", space: "fam-1" });
    await expect(household.verify(await oauth.token({ sub: "carol", nowMs: NOW }))).rejects.toMatchObject({ code: "TOKEN_CLAIMS_INVALID" });
    await expect(household.verify(await oauth.token({ sub: "dave", nowMs: NOW, claims: { household: `personal-${"a".repeat(43)}` } }))).rejects.toMatchObject({ code: "TOKEN_CLAIMS_INVALID" });
  });

  it("caches the verdict by token hash: the JWKS is fetched once, the clock alone ends the verdict", async () => {
    const token = await oauth.token({ nowMs: NOW, expInS: 120 });
    for (let i = 0; i < 100; i++) await verifier.verify(token);
    expect(oauth.jwksFetches).toBe(1);
    expect(verifier.cachedVerdicts()).toBe(1);
    clock.t = NOW + 200_000;
    expect(await refusal(verifier.verify(token))).toBe("TOKEN_EXPIRED");
  });

  it("refuses a wrong issuer", async () => {
    expect(await refusal(verifier.verify(await oauth.token({ iss: "https://evil.test/", nowMs: NOW })))).toBe("TOKEN_ISSUER_MISMATCH");
  });

  it("refuses a wrong audience", async () => {
    expect(await refusal(verifier.verify(await oauth.token({ aud: "https://other-api.test", nowMs: NOW })))).toBe("TOKEN_AUDIENCE_MISMATCH");
  });

  it("refuses an expired token (against the clock passed in, not Date.now)", async () => {
    const token = await oauth.token({ nowMs: NOW - 7200_000 });
    expect(await refusal(verifier.verify(token))).toBe("TOKEN_EXPIRED");
  });

  it("refuses a token not yet valid (nbf), allowing 30 s of skew", async () => {
    expect(await refusal(verifier.verify(await oauth.token({ nowMs: NOW, nbfInS: 600 })))).toBe("TOKEN_NOT_YET_VALID");
    await expect(verifier.verify(await oauth.token({ nowMs: NOW, nbfInS: 20 }))).resolves.toMatchObject({ sub: "app-user-1" });
  });

  it("refuses alg none without fetching the JWKS", async () => {
    const payload = { sub: "app-user-1", iss: ISSUER, aud: AUDIENCE, exp: NOW / 1000 + 600 };
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`;
    expect(await refusal(verifier.verify(token))).toBe("TOKEN_ALG_NOT_ALLOWED");
    expect(oauth.jwksFetches).toBe(0);
  });

  it("refuses HS256 signed with the public key (algorithm confusion)", async () => {
    const jwk = oauth.keys[0]!.publicJwk;
    const secret = new TextEncoder().encode(JSON.stringify(jwk));
    const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const head = `${b64url({ alg: "HS256", kid: jwk.kid })}.${b64url({ sub: "app-user-1", iss: ISSUER, aud: AUDIENCE, exp: NOW / 1000 + 600 })}`;
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(head)));
    const sig = btoa(String.fromCharCode(...mac)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(await refusal(verifier.verify(`${head}.${sig}`))).toBe("TOKEN_ALG_NOT_ALLOWED");
  });

  it("refuses a token signed by a foreign key under the same kid", async () => {
    const token = await oauth.token({ nowMs: NOW, key: await oauth.foreignKey() });
    expect(await refusal(verifier.verify(token))).toBe("TOKEN_SIGNATURE_INVALID");
  });

  it("an unknown kid refetches the JWKS once: key rotation works", async () => {
    await verifier.verify(await oauth.token({ nowMs: NOW }));
    await oauth.rotate();
    await expect(verifier.verify(await oauth.token({ sub: "after-rotation", nowMs: NOW }))).resolves.toMatchObject({ sub: "after-rotation" });
    expect(oauth.jwksFetches).toBe(2);
  });

  describe("key rotation with the default 30 s cooldown", () => {
    let limited: TokenVerifier;
    beforeEach(() => {
      limited = new TokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: JWKS_URL, introspection: null }, { fetch: oauth.fetch, now: () => clock.t });
    });

    it("an unknown kid while the set cannot be refetched is VERIFIER_UNAVAILABLE (not cached, no fetch); after the cooldown one refetch accepts it", async () => {
      await limited.verify(await oauth.token({ nowMs: NOW }));
      await oauth.rotate({ keepOld: true });
      const token = await oauth.token({ sub: "after-rotation", nowMs: NOW });
      for (const t of [NOW, NOW + 10_000, NOW + 29_999]) {
        clock.t = t;
        const e = await limited.verify(token).catch((x: unknown) => x);
        expect(e).toBeInstanceOf(LinkingError);
        expect((e as LinkingError).code).toBe("VERIFIER_UNAVAILABLE");
        expect((e as LinkingError).retryable).toBe(true);
      }
      expect(oauth.jwksFetches).toBe(1);
      expect(limited.cachedVerdicts()).toBe(1); // the first token's, not the refusals
      clock.t = NOW + 30_000;
      await expect(limited.verify(token)).resolves.toMatchObject({ sub: "after-rotation" });
      expect(oauth.jwksFetches).toBe(2);
    });

    it("an unknown kid after a fresh fetch is TOKEN_KEY_UNKNOWN, cached; forged kids cause at most one fetch per cooldown", async () => {
      const forged = async (): Promise<string> => oauth.token({ nowMs: NOW, key: await oauth.strangerKey() });
      const first = await forged();
      expect(await refusal(limited.verify(first))).toBe("TOKEN_KEY_UNKNOWN"); // the first fetch is fresh
      expect(oauth.jwksFetches).toBe(1);
      for (let i = 0; i < 20; i++) {
        clock.t = NOW + i * 1000;
        expect(await refusal(limited.verify(first))).toBe("TOKEN_KEY_UNKNOWN"); // cached
        expect(await refusal(limited.verify(await forged()))).toBe("VERIFIER_UNAVAILABLE");
      }
      expect(oauth.jwksFetches).toBe(1);
      clock.t = NOW + 30_000;
      const later = await forged();
      expect(await refusal(limited.verify(later))).toBe("TOKEN_KEY_UNKNOWN");
      expect(oauth.jwksFetches).toBe(2);
      // Concurrent forged kids at the end of the next cooldown: one fetch between them.
      clock.t = NOW + 60_000;
      const burst = await Promise.all(Array.from({ length: 10 }, async () => refusal(limited.verify(await forged()))));
      expect(oauth.jwksFetches).toBe(3);
      expect(burst.filter((c) => c === "TOKEN_KEY_UNKNOWN").length).toBeGreaterThanOrEqual(1);
      expect(burst.every((c) => c === "TOKEN_KEY_UNKNOWN" || c === "VERIFIER_UNAVAILABLE")).toBe(true);
    });

    it("the refetch failing is VERIFIER_UNAVAILABLE, and the next refetch waits for the cooldown", async () => {
      await limited.verify(await oauth.token({ nowMs: NOW }));
      await oauth.rotate({ keepOld: true });
      const token = await oauth.token({ nowMs: NOW });
      clock.t = NOW + 30_000;
      oauth.down = true;
      expect(await refusal(limited.verify(token))).toBe("VERIFIER_UNAVAILABLE");
      oauth.down = false;
      expect(await refusal(limited.verify(token))).toBe("VERIFIER_UNAVAILABLE");
      expect(oauth.jwksFetches).toBe(2);
      clock.t = NOW + 60_000;
      await expect(limited.verify(token)).resolves.toMatchObject({ sub: "app-user-1" });
      expect(oauth.jwksFetches).toBe(3);
    });
  });

  it("JWKS down: VERIFIER_UNAVAILABLE (retryable, not cached)", async () => {
    oauth.down = true;
    const token = await oauth.token({ nowMs: NOW });
    const e = await verifier.verify(token).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LinkingError);
    expect((e as LinkingError).code).toBe("VERIFIER_UNAVAILABLE");
    expect((e as LinkingError).retryable).toBe(true);
    expect(String((e as Error).message)).not.toContain(token);
    oauth.down = false;
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: "app-user-1" });
  });

  it("remembers a refusal for a while, then checks again", async () => {
    const token = await oauth.token({ iss: "https://evil.test/", nowMs: NOW });
    await refusal(verifier.verify(token));
    await refusal(verifier.verify(token));
    expect(oauth.jwksFetches).toBe(1);
    clock.t += REFUSAL_CACHE_MS + 1;
    await refusal(verifier.verify(token));
    expect(oauth.jwksFetches).toBe(1); // the key set is still fresh; only the verdict was recomputed
  });

  it("an opaque token without introspection is malformed", async () => {
    expect(await refusal(verifier.verify("opaque-token-123"))).toBe("TOKEN_MALFORMED");
  });
});

describe("TokenVerifier: RFC 7662 introspection", () => {
  const calls: { auth: string | null; body: string }[] = [];
  let answer: () => Response | Promise<Response>;
  const fetchIntrospect: typeof fetch = async (input, init) => {
    const req = new Request(input, init);
    expect(req.url).toBe(INTROSPECTION_URL);
    calls.push({ auth: req.headers.get("authorization"), body: new TextDecoder().decode(await req.arrayBuffer()) });
    return answer();
  };
  const verifier = (): TokenVerifier =>
    new TokenVerifier(
      { issuer: ISSUER, audience: AUDIENCE, jwksUrl: null, introspection: { url: INTROSPECTION_URL, clientId: "bridge", clientSecret: "s3cret" } },
      { fetch: fetchIntrospect, now: () => NOW },
    );
  beforeEach(() => {
    calls.length = 0;
  });

  it("an active token links its sub; the request carries client credentials and the token", async () => {
    answer = () => Response.json({ active: true, sub: "app-user-9", iss: ISSUER, aud: [AUDIENCE], exp: NOW / 1000 + 600 });
    const v = verifier();
    await expect(v.verify("opaque-1")).resolves.toEqual({ sub: "app-user-9", expiresAt: NOW + 600_000, space: "app-user-9" });
    await v.verify("opaque-1");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.auth).toBe(`Basic ${btoa("bridge:s3cret")}`);
    expect(new URLSearchParams(calls[0]!.body).get("token")).toBe("opaque-1");
  });

  it("an inactive token is refused", async () => {
    answer = () => Response.json({ active: false });
    expect(await refusal(verifier().verify("opaque-2"))).toBe("TOKEN_INACTIVE");
  });

  it("an active token for another audience is refused", async () => {
    answer = () => Response.json({ active: true, sub: "x", aud: "https://other.test" });
    expect(await refusal(verifier().verify("opaque-3"))).toBe("TOKEN_AUDIENCE_MISMATCH");
  });

  it("the endpoint failing is VERIFIER_UNAVAILABLE", async () => {
    answer = () => new Response("oops", { status: 502 });
    expect(await refusal(verifier().verify("opaque-4"))).toBe("VERIFIER_UNAVAILABLE");
  });
});
