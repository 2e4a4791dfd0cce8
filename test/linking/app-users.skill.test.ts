// Account linking with the skill store (ALEXA_LISTS=skill, the default): REST
// by app user id, voice with APP_REQUIRE_LINKING answered in the user's
// object, webhooks of voice changes carrying appUserId.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { newUserId, settle, skillEvent, userStub } from "../alexa-user/fakes.ts";
import { settleSpace, slot } from "../space/skill-harness.ts";
import { apiCall, deliver, enableAndLink, linkingEnv, useLinkingFakes, voiceEnvelope } from "./linking-harness.ts";

const fx = useLinkingFakes();
const { app } = fx;

const addMilk = { type: "IntentRequest", intent: { name: "AddItemsIntent", confirmationStatus: "NONE", slots: { items: slot("items", "milk"), list: slot("list", "shopping", "shopping") } } };

describe("account linking (skill store)", () => {
  it("REST by app user id: create and read the lists of the linked space; re-enable and re-link keep them", async () => {
    const e = linkingEnv();
    const first = newUserId("skill-before");
    await enableAndLink(e, first, await fx.oauth.token({ sub: "app-user-s1" }));
    const created = await apiCall(e, "POST", "/v1/app-users/app-user-s1/lists/shopping/items", { value: "oat milk" });
    expect(created.status).toBe(202);
    const read = await apiCall(e, "GET", "/v1/app-users/app-user-s1/lists");
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).toContain("oat milk");
    await settle(env.ALEXA_USER.getByName(first));
    await settleSpace("app-user-s1");
    // The app's own operation: the space's webhook, no acting Alexa user.
    const hook = app.accepted().find((b) => JSON.stringify(b.data).includes("oat milk"));
    expect(hook).toMatchObject({ type: "outbox.completed", spaceId: "app-user-s1" });
    expect(hook).not.toHaveProperty("userId");

    await deliver(e, skillEvent(first, "SkillDisabled"));
    await settle(env.ALEXA_USER.getByName(first));
    const second = newUserId("skill-after");
    await enableAndLink(e, second, await fx.oauth.token({ sub: "app-user-s1" }));
    const kept = await apiCall(e, "GET", "/v1/app-users/app-user-s1/lists");
    expect(kept.status).toBe(200);
    expect(JSON.stringify(kept.body)).toContain("oat milk");
    expect(JSON.stringify((await apiCall(e, "GET", `/v1/users/${second}/lists`)).body)).toContain("oat milk");
    // By voice too: the new Alexa user id hears the same list.
    const heard = await deliver(e, voiceEnvelope(second, { type: "IntentRequest", intent: { name: "ReadListIntent", confirmationStatus: "NONE", slots: {} } }, await fx.oauth.token({ sub: "app-user-s1" })));
    expect(JSON.stringify(heard.body)).toContain("oat milk");
    const space = await apiCall(e, "GET", "/v1/spaces/app-user-s1");
    expect(space.body).toMatchObject({ spaceId: "app-user-s1", kind: "linked", members: [{ userId: second, appUserId: "app-user-s1" }] });
    expect(await apiCall(e, "GET", "/v1/app-users/app-user-unknown/lists")).toMatchObject({ status: 404, body: { error: "APP_USER_NOT_LINKED" } });
  });

  it("APP_REQUIRE_LINKING: no token → LinkAccount card and nothing changes; a valid token → the turn is answered and linked", async () => {
    const e = linkingEnv({ require: true });
    const userId = newUserId("skill-voice");
    await userStub(userId);
    await deliver(e, skillEvent(userId, "SkillEnabled"));
    const refused = await deliver(e, voiceEnvelope(userId, addMilk, null));
    expect(refused).toMatchObject({ status: 200, body: { response: { card: { type: "LinkAccount" } } } });
    const gb = await deliver(e, voiceEnvelope(userId, { ...addMilk, locale: "de-DE" }, await fx.oauth.token({ nowMs: Date.now() - 7200_000 })));
    expect(JSON.stringify(gb.body)).toContain("verknüpfe bitte dein Konto");

    const ok = await deliver(e, voiceEnvelope(userId, addMilk, await fx.oauth.token({ sub: "app-user-s2" })));
    expect(ok.status).toBe(200);
    expect(JSON.stringify(ok.body)).toMatch(/milk/i);
    await settle(env.ALEXA_USER.getByName(userId));
    expect(await runInDurableObject(env.ALEXA_USER.getByName(userId), (i: AlexaUser) => i.profile.appUserId())).toBe("app-user-s2");
    expect(await env.APP_USERS.getByName("app-user-s2").resolve()).toBe(userId);
    await settleSpace("app-user-s2");
    expect(app.accepted().find((b) => b.type === "alexa.list.items.created")).toMatchObject({ spaceId: "app-user-s2", userId, appUserId: "app-user-s2" });
  });

  it("without APP_REQUIRE_LINKING a request without a token is answered as before", async () => {
    const e = linkingEnv();
    const userId = newUserId("skill-optional");
    await userStub(userId);
    const r = await deliver(e, voiceEnvelope(userId, addMilk, null));
    expect(r.status).toBe(200);
    expect((r.body.response as { card?: { type: string } }).card?.type).not.toBe("LinkAccount");
  });
});
