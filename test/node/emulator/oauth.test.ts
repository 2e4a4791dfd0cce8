import { describe, expect, it } from "vitest";
import { parseCli } from "../../../emulator/cli-parse.ts";
import { JWKS_PATH, OAuthServer } from "../../../emulator/oauth.ts";
import { LinkingError } from "../../../src/linking/errors.ts";
import { TokenVerifier } from "../../../src/linking/verify-token.ts";

const ORIGIN = "http://127.0.0.1:8790";

async function verifierFor(oauth: OAuthServer): Promise<TokenVerifier> {
  return new TokenVerifier(
    { issuer: oauth.issuer, audience: oauth.audience, jwksUrl: oauth.jwksUrl, introspection: null },
    { fetch: async () => Response.json(oauth.jwks()), now: Date.now, jwksCooldownMs: 0 },
  );
}

async function code(p: Promise<unknown>): Promise<string> {
  const e = await p.catch((x: unknown) => x);
  return e instanceof LinkingError ? e.code : "accepted";
}

describe("emulator/oauth: the app's OAuth server", () => {
  it("issues tokens the bridge's verifier accepts; expired and foreign ones it refuses", async () => {
    const oauth = await OAuthServer.create(ORIGIN);
    expect(oauth.jwksUrl).toBe(`${ORIGIN}${JWKS_PATH}`);
    const v = await verifierFor(oauth);
    await expect(v.verify(await oauth.issue({ sub: "app-user-1" }))).resolves.toMatchObject({ sub: "app-user-1" });
    expect(await code(v.verify(await oauth.issue({ sub: "app-user-1", kind: "expired" })))).toBe("TOKEN_EXPIRED");
    expect(await code(v.verify(await oauth.issue({ sub: "app-user-1", kind: "foreign" })))).toBe("TOKEN_SIGNATURE_INVALID");
  });

  it("rotation: new tokens verify after one JWKS refetch; the old key is gone", async () => {
    const oauth = await OAuthServer.create(ORIGIN);
    const v = await verifierFor(oauth);
    const old = await oauth.issue({ sub: "a" });
    await v.verify(old);
    await oauth.rotate();
    await expect(v.verify(await oauth.issue({ sub: "b" }))).resolves.toMatchObject({ sub: "b" });
    expect(oauth.jwks().keys).toHaveLength(1);
  });

  it("cli: link --sub / --expired / --foreign and oauth rotate", () => {
    const link = parseCli(["link", "--sub", "app-user-9", "--expired"], {});
    expect(link).toMatchObject({ kind: "call", call: { method: "POST", path: "/_control/people/alice/link", body: { sub: "app-user-9", expired: true } } });
    expect(parseCli(["link", "tok"], {})).toMatchObject({ call: { body: { accessToken: "tok" } } });
    expect(parseCli(["oauth", "rotate"], {})).toMatchObject({ call: { method: "POST", path: "/_control/oauth/rotate" } });
  });
});
