import { describe, expect, it } from "vitest";
import { parseCli } from "../../../emulator/cli-parse.ts";
import { JWKS_PATH, OAuthServer, tokenClaims } from "../../../emulator/oauth.ts";
import { LinkingError } from "../../../src/linking/errors.ts";
import { TokenVerifier } from "../../../src/linking/verify-token.ts";
import { call, emulatorWithSkill } from "./helpers.ts";

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

  it("extra claims: a household claim goes into the token and is verified with it; reserved or empty claims are refused", async () => {
    const oauth = await OAuthServer.create(ORIGIN);
    const v = await verifierFor(oauth);
    const token = await oauth.issue({ sub: "bob", claims: { household: "fam-1" } });
    expect(tokenClaims(token)).toEqual({ sub: "bob", household: "fam-1" });
    await expect(v.verify(token)).resolves.toMatchObject({ sub: "bob", space: "bob" });
    // The bridge configured as npm start configures it (APP_OAUTH_SPACE_CLAIM=household): the household is the space.
    const byHousehold = new TokenVerifier(
      { issuer: oauth.issuer, audience: oauth.audience, jwksUrl: oauth.jwksUrl, introspection: null, spaceClaim: "household" },
      { fetch: async () => Response.json(oauth.jwks()), now: Date.now, jwksCooldownMs: 0 },
    );
    await expect(byHousehold.verify(token)).resolves.toMatchObject({ sub: "bob", space: "fam-1" });
    expect(await code(byHousehold.verify(await oauth.issue({ sub: "bob" })))).toBe("TOKEN_CLAIMS_INVALID");
    await expect(oauth.issue({ sub: "bob", claims: { sub: "eve" } })).rejects.toThrow(/set by the OAuth server/);
    await expect(oauth.issue({ sub: "bob", claims: { household: " " } })).rejects.toThrow(/non-empty string/);
    expect(tokenClaims("Atza|opaque")).toBeNull();
  });

  it("the emulator's space claim: link puts it into the token, the sub's value unless given; the person shows the claims", async () => {
    const { emu } = await emulatorWithSkill({ oauthSpaceClaim: "household", people: ["alice", "bob"] });
    try {
      emu.enable("alice");
      emu.enable("bob");
      expect((await emu.linkAppUser("alice")).linkClaims).toEqual({ sub: "app-user-alice", household: "app-user-alice" });
      expect((await emu.linkAppUser("bob", { sub: "bob", claims: { household: "fam-1" } })).linkClaims).toEqual({ sub: "bob", household: "fam-1" });
      // Two Amazon accounts, one app account: same sub, same space.
      expect((await emu.linkAppUser("alice", { sub: "bob" })).linkClaims).toEqual({ sub: "bob", household: "bob" });
      expect(emu.person("alice")).toMatchObject({ linked: true });
      emu.disable("alice");
      expect(emu.person("alice").linkClaims).toBeNull();
      await expect(emu.linkAppUser("bob", { claims: { iss: "x" } })).rejects.toMatchObject({ status: 400 });
      const ctl = async (body: unknown): Promise<{ status: number; json: { error?: string; message?: string; linkClaims?: unknown } }> => {
        const res = await call(emu, "POST", "/_control/people/bob/link", { body });
        return { status: res.status, json: (await res.json()) as { error?: string; message?: string } };
      };
      expect(await ctl({ sub: "carol", claims: { household: "fam-2" } })).toMatchObject({ status: 200, json: { linkClaims: { sub: "carol", household: "fam-2" } } });
      expect(await ctl({ claims: { household: 7 } })).toMatchObject({ status: 400, json: { error: "BAD_REQUEST", message: expect.stringMatching(/household/) } });
      expect(await ctl({ claims: ["household=fam-1"] })).toMatchObject({ status: 400, json: { error: "BAD_REQUEST" } });
    } finally {
      emu.close();
    }
  });

  it("cli: link --claim NAME=VALUE (repeatable), refused with a raw token or without a value; space", () => {
    expect(parseCli(["link", "--sub", "bob", "--claim", "household=fam-1", "--person", "bob", "--claim=tier=gold"], {})).toMatchObject({
      kind: "call",
      globals: { person: "bob" },
      call: { method: "POST", path: "/_control/people/bob/link", body: { sub: "bob", claims: { household: "fam-1", tier: "gold" } } },
    });
    expect(parseCli(["link", "--claim", "household"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/NAME=VALUE/) });
    expect(parseCli(["link", "--claim", "household=a", "--claim", "household=b"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/twice/) });
    expect(parseCli(["link", "tok", "--claim", "household=a"], {})).toMatchObject({ kind: "error" });
    expect(parseCli(["link", "--claim"], {})).toMatchObject({ kind: "error", message: "--claim needs a value" });
    expect(parseCli(["space", "--person", "bob"], {})).toMatchObject({ call: { method: "GET", path: "/_control/console/people/bob/space" } });
    expect(parseCli(["app", "webhooks", "--space", "fam-1"], {})).toMatchObject({ call: { target: "app", path: "/_app/webhooks?limit=20&spaceId=fam-1" } });
  });
});
