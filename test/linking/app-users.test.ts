// Account linking with the household store (ALEXA_LISTS=household): the
// mapping, webhooks, REST by app user id, voice with APP_REQUIRE_LINKING (the
// Worker answers voice here, without the user's object).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { resetLinking } from "../../src/linking/index.ts";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { newUserId, skillEvent } from "../alexa-user/fakes.ts";
import { apiCall, deliver, enableAndLink, linkingEnv, useLinkingFakes, voiceEnvelope } from "./linking-harness.ts";

const fx = useLinkingFakes();
const { app } = fx;

async function linkedToken(userId: string): Promise<string | null> {
  return runInDurableObject(env.ALEXA_USER.getByName(userId), (i: AlexaUser) => i.profile.get()?.linkedAccessToken ?? null);
}

describe("account linking (household store)", () => {
  it("SkillAccountLinked: the app hears appUserId, not the token; the profile keeps no token", async () => {
    const e = linkingEnv();
    const userId = newUserId("link");
    const token = await fx.oauth.token({ sub: "app-user-h1" });
    expect((await enableAndLink(e, userId, token)).status).toBe(200);
    const linked = app.accepted().find((b) => b.type === "alexa.user.account_linked");
    expect(linked).toMatchObject({ userId, appUserId: "app-user-h1", data: { appUserId: "app-user-h1" } });
    expect(app.deliveries.some((d) => d.raw.includes(token))).toBe(false);
    expect(await linkedToken(userId)).toBeNull();
    // Webhooks after linking carry appUserId too.
    await deliver(e, skillEvent(userId, "SkillPermissionAccepted", { acceptedPermissions: [] }));
    await runInDurableObject(env.ALEXA_USER.getByName(userId), (i: AlexaUser) => i.idle());
    expect(app.accepted().at(-1)).toMatchObject({ type: "alexa.user.permissions_changed", appUserId: "app-user-h1" });
  });

  it("without verification configured, today's weaker mode: the raw token is forwarded", async () => {
    const userId = newUserId("weak");
    await enableAndLink(env, userId, "opaque-raw-token");
    expect(app.accepted().find((b) => b.type === "alexa.user.account_linked")?.data).toEqual({ accessToken: "opaque-raw-token" });
    expect(await linkedToken(userId)).toBe("opaque-raw-token");
  });

  it("a refused token is acknowledged; the user is not linked (REST: APP_USER_NOT_LINKED)", async () => {
    const e = linkingEnv();
    const userId = newUserId("refused");
    const token = await fx.oauth.token({ sub: "app-user-h2", nowMs: Date.now() - 7200_000 });
    expect((await enableAndLink(e, userId, token)).status).toBe(200);
    expect(app.types()).not.toContain("alexa.user.account_linked");
    expect(await linkedToken(userId)).toBeNull();
    const r = await apiCall(e, "POST", "/v1/app-users/app-user-h2/sync");
    expect(r).toMatchObject({ status: 404, body: { error: "APP_USER_NOT_LINKED" } });
  });

  it("JWKS down: the event is answered 503 so Alexa redelivers it", async () => {
    const e = linkingEnv();
    fx.oauth.down = true;
    const userId = newUserId("down");
    const r = await enableAndLink(e, userId, await fx.oauth.token({ sub: "app-user-h3" }));
    expect(r.status).toBe(503);
    fx.oauth.down = false;
    expect((await deliver(e, skillEvent(userId, "SkillAccountLinked", { accessToken: await fx.oauth.token({ sub: "app-user-h3" }) }))).status).toBe(200);
  });

  it("re-enable moves the mapping; REST by app user id reaches the new Alexa user", async () => {
    const e = linkingEnv();
    const first = newUserId("before");
    await enableAndLink(e, first, await fx.oauth.token({ sub: "app-user-h4" }));
    expect(await env.APP_USERS.getByName("app-user-h4").resolve()).toBe(first);
    const sync1 = await apiCall(e, "POST", "/v1/app-users/app-user-h4/sync");
    expect(sync1.status).toBe(202);
    expect(sync1.headers.get("location")).toContain(`/v1/users/${encodeURIComponent(first)}/operations/`);

    await deliver(e, skillEvent(first, "SkillDisabled"));
    const second = newUserId("after");
    await enableAndLink(e, second, await fx.oauth.token({ sub: "app-user-h4" }));
    expect(await env.APP_USERS.getByName("app-user-h4").resolve()).toBe(second);
    const read = await apiCall(e, "GET", "/v1/app-users/app-user-h4/lists");
    expect(read).toMatchObject({ status: 409, body: { error: "LISTS_HELD_BY_ALEXA" } });
    const sync2 = await apiCall(e, "POST", "/v1/app-users/app-user-h4/sync");
    expect(sync2.headers.get("location")).toContain(`/v1/users/${encodeURIComponent(second)}/operations/`);
  });

  it("an app user never linked is 404 APP_USER_NOT_LINKED; a bad id is 400", async () => {
    const e = linkingEnv();
    expect(await apiCall(e, "GET", "/v1/app-users/nobody/lists")).toMatchObject({ status: 404, body: { error: "APP_USER_NOT_LINKED" } });
    expect((await apiCall(e, "GET", "/v1/app-users/%E0%A4%A/lists")).status).toBe(400);
  });

  it("APP_REQUIRE_LINKING: voice without a valid token gets a LinkAccount card; JWKS down says try again", async () => {
    const e = linkingEnv({ require: true });
    const userId = newUserId("voice");
    const launch = { type: "LaunchRequest" };
    for (const token of [null, await fx.oauth.token({ nowMs: Date.now() - 7200_000 }), "not-a-jwt"]) {
      const r = await deliver(e, voiceEnvelope(userId, launch, token));
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ response: { card: { type: "LinkAccount" }, shouldEndSession: true } });
      expect(JSON.stringify(r.body)).toContain("link your account");
    }
    const ok = await deliver(e, voiceEnvelope(userId, launch, await fx.oauth.token({ sub: "app-user-h5" })));
    expect(ok.status).toBe(200);
    expect((ok.body.response as { card?: { type: string } }).card?.type).not.toBe("LinkAccount");
    expect(await env.APP_USERS.getByName("app-user-h5").resolve()).toBe(userId);
    // A fresh isolate (no key set cached yet) while the JWKS is down.
    resetLinking();
    fx.oauth.down = true;
    const down = await deliver(e, voiceEnvelope(userId, launch, await fx.oauth.token({ sub: "app-user-h6" })));
    expect(down.status).toBe(200);
    expect(JSON.stringify(down.body)).toContain("try again shortly");
  });
});
