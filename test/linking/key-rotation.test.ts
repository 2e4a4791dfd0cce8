// Account linking across the app rotating its OAuth signing key (issue 18),
// through the Worker's dispatch with the isolate's verifier: a kid the cached
// key set lacks while the set cannot be refetched (jose-style 30 s cooldown)
// is "verifier unavailable" (503, Alexa redelivers; voice "try again
// shortly"; not cached), an unknown kid after a fresh fetch is a refusal, and
// the JWKS is fetched at most once per cooldown. The same for introspection:
// inactive is a refusal, an endpoint that cannot answer is "unavailable".
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clock, newUserId, settle, skillEvent, T0, userStub } from "../alexa-user/fakes.ts";
import { apiCall, deliver, enableAndLink, linkingEnv, useLinkingFakes, voiceEnvelope } from "./linking-harness.ts";

const fx = useLinkingFakes();
const { app } = fx;
const COOLDOWN_MS = 30_000;

/** Moves the Worker's clock (Date, read by the verifier) and the user objects' clock to T0 + ms. */
function at(ms: number): void {
  vi.setSystemTime(T0 + ms);
  clock.t = T0 + ms;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ["Date"] });
  clock.t = T0;
});
afterEach(() => {
  vi.useRealTimers();
});

function linkedEvent(userId: string, token: string) {
  return skillEvent(userId, "SkillAccountLinked", { accessToken: token });
}

/** U1 links with the current key at 0 s (the JWKS is fetched then), disables; U2 enables. */
async function firstLinkThenNewUser(tag: string): Promise<{ u2: string; fetchesBefore: number }> {
  const e = linkingEnv();
  const fetchesBefore = fx.oauth.jwksFetches;
  const u1 = newUserId(`${tag}-u1`);
  expect((await enableAndLink(e, u1, await fx.oauth.token({ sub: `${tag}-app-u1` }))).status).toBe(200);
  expect(fx.oauth.jwksFetches).toBe(fetchesBefore + 1);
  await deliver(e, skillEvent(u1, "SkillDisabled"));
  const u2 = newUserId(`${tag}-u2`);
  await userStub(u2);
  expect((await deliver(e, skillEvent(u2, "SkillEnabled"))).status).toBe(200);
  return { u2, fetchesBefore };
}

async function expectLinked(userId: string, appUserId: string): Promise<void> {
  await settle(env.ALEXA_USER.getByName(userId));
  expect(app.accepted().find((b) => b.type === "alexa.user.account_linked" && b.userId === userId)).toMatchObject({ appUserId });
  expect(await env.APP_USERS.getByName(appUserId).resolve()).toBe(userId);
  expect((await apiCall(linkingEnv(), "GET", `/v1/app-users/${appUserId}/lists`)).status).not.toBe(404);
}

describe("key rotation: SkillAccountLinked with a token signed by the new key", () => {
  for (const rotatedAt of [0, 10_000]) {
    it(`rotation at ${rotatedAt / 1000} s (key set fetched at 0 s): 503 until the cooldown ends, then one refetch links`, async () => {
      const e = linkingEnv();
      const tag = `rot${rotatedAt}`;
      const { u2, fetchesBefore } = await firstLinkThenNewUser(tag);
      at(rotatedAt);
      await fx.oauth.rotate({ keepOld: true });
      const token = await fx.oauth.token({ sub: `${tag}-app-u2` });
      // Alexa delivers, then redelivers while the cooldown lasts: never a verdict, never cached.
      for (const t of [rotatedAt, rotatedAt + 1_000, COOLDOWN_MS - 1]) {
        at(t);
        expect(await deliver(e, linkedEvent(u2, token))).toMatchObject({ status: 503, body: { error: "LINKING_UNAVAILABLE" } });
      }
      expect(fx.oauth.jwksFetches).toBe(fetchesBefore + 1);
      expect(await env.APP_USERS.getByName(`${tag}-app-u2`).resolve()).toBeNull();
      at(COOLDOWN_MS);
      expect((await deliver(e, linkedEvent(u2, token))).status).toBe(200);
      expect(fx.oauth.jwksFetches).toBe(fetchesBefore + 2);
      await expectLinked(u2, `${tag}-app-u2`);
    });
  }

  it("rotation after the cooldown: the first delivery refetches once and links", async () => {
    const e = linkingEnv();
    const { u2, fetchesBefore } = await firstLinkThenNewUser("rotlate");
    at(COOLDOWN_MS + 15_000);
    await fx.oauth.rotate({ keepOld: true });
    expect((await deliver(e, linkedEvent(u2, await fx.oauth.token({ sub: "rotlate-app-u2" })))).status).toBe(200);
    expect(fx.oauth.jwksFetches).toBe(fetchesBefore + 2);
    await expectLinked(u2, "rotlate-app-u2");
  });

  it("an unknown kid after a fresh fetch is refused (200, not linked, cached); forged kids fetch at most once per cooldown", async () => {
    const e = linkingEnv();
    const { u2, fetchesBefore } = await firstLinkThenNewUser("forge");
    const forged = async (): Promise<string> => fx.oauth.token({ sub: "forge-app-u2", key: await fx.oauth.strangerKey() });
    at(COOLDOWN_MS);
    const first = await forged();
    expect((await deliver(e, linkedEvent(u2, first))).status).toBe(200); // refetched: really unknown
    expect(fx.oauth.jwksFetches).toBe(fetchesBefore + 2);
    for (let s = 1; s < 30; s += 2) {
      at(COOLDOWN_MS + s * 1000);
      expect((await deliver(e, linkedEvent(u2, first))).status).toBe(200); // the cached refusal
      expect((await deliver(e, linkedEvent(u2, await forged()))).status).toBe(503); // cannot refetch yet
    }
    expect(fx.oauth.jwksFetches).toBe(fetchesBefore + 2);
    at(2 * COOLDOWN_MS);
    expect((await deliver(e, linkedEvent(u2, await forged()))).status).toBe(200);
    expect(fx.oauth.jwksFetches).toBe(fetchesBefore + 3);
    await settle(env.ALEXA_USER.getByName(u2));
    expect(app.accepted().some((b) => b.type === "alexa.user.account_linked" && b.userId === u2)).toBe(false);
    expect(await env.APP_USERS.getByName("forge-app-u2").resolve()).toBeNull();
  });
});

describe("key rotation: voice with APP_REQUIRE_LINKING", () => {
  it("a turn with a new-key token 10 s after the fetch gets 'try again shortly'; after the cooldown it is answered and links", async () => {
    const e = linkingEnv({ require: true });
    const userId = newUserId("rot-voice");
    await userStub(userId);
    await deliver(e, skillEvent(userId, "SkillEnabled"));
    const launch = { type: "LaunchRequest" };
    expect((await deliver(e, voiceEnvelope(userId, launch, await fx.oauth.token({ sub: "rot-voice-old" })))).status).toBe(200);
    const fetches = fx.oauth.jwksFetches;
    at(10_000);
    await fx.oauth.rotate({ keepOld: true });
    const token = await fx.oauth.token({ sub: "rot-voice-new" });
    const early = await deliver(e, voiceEnvelope(userId, launch, token));
    expect(early.status).toBe(200);
    expect(JSON.stringify(early.body)).toContain("try again shortly");
    expect((early.body.response as { card?: { type: string } }).card?.type).not.toBe("LinkAccount");
    at(COOLDOWN_MS);
    const later = await deliver(e, voiceEnvelope(userId, launch, token));
    expect(JSON.stringify(later.body)).not.toContain("try again shortly");
    expect((later.body.response as { card?: { type: string } }).card?.type).not.toBe("LinkAccount");
    expect(fx.oauth.jwksFetches).toBe(fetches + 1);
    expect(await env.APP_USERS.getByName("rot-voice-new").resolve()).toBe(userId);
  });
});

describe("introspection (opaque tokens)", () => {
  it("an endpoint that cannot answer is unavailable (503, not cached); the redelivery links once it answers", async () => {
    const e = linkingEnv({ introspection: true });
    const userId = newUserId("intro-down");
    const token = fx.oauth.opaque("intro-app-1");
    const before = fx.oauth.introspections;
    fx.oauth.introspectionDown = true;
    expect(await enableAndLink(e, userId, token)).toMatchObject({ status: 503, body: { error: "LINKING_UNAVAILABLE" } });
    expect(await deliver(e, linkedEvent(userId, token))).toMatchObject({ status: 503 });
    fx.oauth.introspectionDown = false;
    expect((await deliver(e, linkedEvent(userId, token))).status).toBe(200);
    expect(fx.oauth.introspections).toBe(before + 3);
    await expectLinked(userId, "intro-app-1");
  });

  it("an endpoint that says inactive is a refusal: 200, not linked, cached", async () => {
    const e = linkingEnv({ introspection: true });
    const userId = newUserId("intro-inactive");
    const token = fx.oauth.opaque("intro-app-2");
    fx.oauth.revoke(token);
    const before = fx.oauth.introspections;
    expect((await enableAndLink(e, userId, token)).status).toBe(200);
    expect((await deliver(e, linkedEvent(userId, token))).status).toBe(200);
    expect(fx.oauth.introspections).toBe(before + 1);
    expect(await env.APP_USERS.getByName("intro-app-2").resolve()).toBeNull();
    expect(app.accepted().some((b) => b.type === "alexa.user.account_linked" && b.userId === userId)).toBe(false);
  });

  it("voice with APP_REQUIRE_LINKING: endpoint down says 'try again shortly', inactive gets the LinkAccount card", async () => {
    const e = linkingEnv({ introspection: true, require: true });
    const userId = newUserId("intro-voice");
    await userStub(userId);
    const launch = { type: "LaunchRequest" };
    fx.oauth.introspectionDown = true;
    expect(JSON.stringify((await deliver(e, voiceEnvelope(userId, launch, fx.oauth.opaque("intro-app-3")))).body)).toContain("try again shortly");
    fx.oauth.introspectionDown = false;
    const revoked = fx.oauth.opaque("intro-app-4");
    fx.oauth.revoke(revoked);
    expect((await deliver(e, voiceEnvelope(userId, launch, revoked))).body).toMatchObject({ response: { card: { type: "LinkAccount" } } });
  });
});
