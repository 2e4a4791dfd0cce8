// List spaces (issue 19) and relinking (issue 23, point 1), with the skill
// store and account linking verified (test/linking/oauth-fixture): voice
// through the Worker's dispatch, REST through the router, webhooks at the fake app.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { RequestEnvelope } from "ask-sdk-model";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env.ts";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { personalSpaceId } from "../../src/space/space-id.ts";
import { clock, newUserId, settle, skillEvent, userStub } from "../alexa-user/fakes.ts";
import { handleApi } from "../../src/routes/api/router.ts";
import { API_TOKEN, apiCall, deliver, enableAndLink, linkingEnv, useLinkingFakes, voiceEnvelope } from "../linking/linking-harness.ts";
import { settleSpace, slot, spaceStub } from "./skill-harness.ts";

const fx = useLinkingFakes();
const { app } = fx;

/** Verification on, spaces named by the `household` claim. */
function householdEnv(): Env {
  return { ...linkingEnv(), APP_OAUTH_SPACE_CLAIM: "household" } as Env;
}

const intent = (name: string, slots: Record<string, unknown> = {}) => ({ type: "IntentRequest", intent: { name, confirmationStatus: "NONE", slots } });
const add = (items: string) => intent("AddItemsIntent", { items: slot("items", items), list: slot("list", "shopping", "shopping") });
const readShopping = () => intent("ReadListIntent", { list: slot("list", "shopping", "shopping") });

async function say(e: Env, userId: string, request: Record<string, unknown>, token: string | null): Promise<string> {
  const r = await deliver(e, voiceEnvelope(userId, request, token));
  expect(r.status).toBe(200);
  return JSON.stringify(r.body);
}

async function values(e: Env, spaceId: string): Promise<string[]> {
  const r = await apiCall(e, "GET", `/v1/spaces/${encodeURIComponent(spaceId)}/lists`);
  expect(r.status).toBe(200);
  return (r.body.lists as { defaultKind: string | null; items: { value: string }[] }[]).find((l) => l.defaultKind === "shopping")!.items.map((i) => i.value);
}

/** DELETE /v1/spaces/{spaceId} (204 has no body). */
async function deleteSpace(e: Env, spaceId: string): Promise<number> {
  const res = await handleApi(new Request(`https://bridge.test/v1/spaces/${encodeURIComponent(spaceId)}`, { method: "DELETE", headers: { authorization: `Bearer ${API_TOKEN}` } }), e);
  return res.status;
}

/** A skill event that happened at `at` (its eventCreationTime), e.g. a late redelivery of an old one. */
function eventAt(userId: string, event: string, at: number, body?: Record<string, unknown>): RequestEnvelope {
  const e = skillEvent(userId, event, body) as unknown as { request: Record<string, unknown> };
  e.request.eventCreationTime = new Date(at).toISOString();
  return e as unknown as RequestEnvelope;
}

describe("a space shared by a household", () => {
  it("two Amazon accounts linked with the same household claim hear and change the same lists; undo is the speaker's own", async () => {
    const e = householdEnv();
    const space = `fam-${crypto.randomUUID()}`;
    await spaceStub(space);
    const alice = newUserId("alice");
    const bob = newUserId("bob");
    const aliceToken = await fx.oauth.token({ sub: "alice", claims: { household: space } });
    const bobToken = await fx.oauth.token({ sub: "bob", claims: { household: space } });
    await enableAndLink(e, alice, aliceToken);
    await enableAndLink(e, bob, bobToken);

    await say(e, alice, add("milk"), aliceToken);
    await say(e, bob, add("eggs"), bobToken);
    const heard = await say(e, bob, readShopping(), bobToken);
    expect(heard).toContain("milk");
    expect(heard).toContain("eggs");

    // Alice's undo takes back her milk, not Bob's later eggs.
    await say(e, alice, intent("UndoIntent"), aliceToken);
    expect(await values(e, space)).toEqual(["eggs"]);
    await say(e, bob, intent("UndoIntent"), bobToken);
    expect(await values(e, space)).toEqual([]);
    expect(await say(e, alice, intent("UndoIntent"), aliceToken)).not.toContain("eggs");

    // REST by space, by app user and by Alexa user: one set of lists.
    await apiCall(e, "POST", `/v1/spaces/${space}/lists/shopping/items`, { value: "bread" });
    expect(JSON.stringify((await apiCall(e, "GET", "/v1/app-users/alice/lists")).body)).toContain("bread");
    expect(JSON.stringify((await apiCall(e, "GET", `/v1/users/${bob}/lists`)).body)).toContain("bread");
    const view = await apiCall(e, "GET", `/v1/spaces/${space}`);
    expect(view.body).toMatchObject({ spaceId: space, kind: "linked" });
    expect((view.body.members as { userId: string; appUserId: string }[]).map((m) => [m.userId, m.appUserId]).sort()).toEqual([[alice, "alice"], [bob, "bob"]].sort());

    await settleSpace(space);
    const added = app.accepted().filter((b) => b.spaceId === space && b.type === "alexa.list.items.created");
    expect(added[0]).toMatchObject({ spaceId: space, userId: alice, appUserId: "alice", data: { source: "voice" } });
    expect(added[1]).toMatchObject({ spaceId: space, userId: bob, appUserId: "bob" });
  });
});

describe("linking a person with a personal space", () => {
  it("merges the personal lists into the linked space: nothing dropped, nothing doubled, the app hears them there; the personal space is erased; a redelivery changes nothing", async () => {
    const e = householdEnv();
    const space = `fam-${crypto.randomUUID()}`;
    await spaceStub(space);
    const carol = newUserId("carol");
    await userStub(carol);
    await deliver(e, skillEvent(carol, "SkillEnabled"));
    const personal = await personalSpaceId(carol);
    await say(e, carol, add("milk and honey"), null);
    expect(await values(e, personal)).toEqual(["milk", "honey"]);
    // A personal space's webhooks name its person, the app's own operations included.
    await apiCall(e, "POST", `/v1/spaces/${personal}/lists/todo/items`, { value: "call mum" });
    await settleSpace(personal);
    expect(app.accepted().filter((b) => b.spaceId === personal).map((b) => [b.type, b.userId])).toEqual([
      ["alexa.list.items.created", carol],
      ["outbox.completed", carol],
    ]);

    // The household already has milk (the same item by voice's rule: "the Milk").
    await apiCall(e, "POST", `/v1/spaces/${space}/lists/shopping/items`, { value: "the Milk" });
    const token = await fx.oauth.token({ sub: "carol", claims: { household: space } });
    const link = eventAt(carol, "SkillAccountLinked", clock.t, { accessToken: token });
    expect((await deliver(e, link)).status).toBe(200);
    await settle(env.ALEXA_USER.getByName(carol));
    expect(await values(e, space)).toEqual(["the Milk", "honey"]);
    expect((await apiCall(e, "GET", `/v1/spaces/${personal}`)).status).toBe(404);
    await settleSpace(space);
    expect(app.accepted().filter((b) => b.spaceId === space && b.type === "alexa.list.items.created" && (b.data as { source: string }).source === "merge")).toMatchObject([
      { data: { defaultKind: "shopping", items: [{ value: "honey" }] } },
      { data: { defaultKind: "todo", items: [{ value: "call mum" }] } },
    ]);

    // Alexa redelivers the event (same request): still no doubles.
    await deliver(e, link);
    await deliver(e, eventAt(carol, "SkillAccountLinked", clock.t, { accessToken: token }));
    expect(await values(e, space)).toEqual(["the Milk", "honey"]);
    expect(await say(e, carol, readShopping(), token)).toContain("honey");
  });
});

describe("relinking and unlinking (issue 23, point 1)", () => {
  it("a relink moves the Alexa user: the old app user and the old space no longer resolve to it; a late older link changes nothing; unlink goes back to a personal space", async () => {
    const e = linkingEnv();
    const dana = newUserId("dana");
    const t1 = clock.t;
    const x = `x-${crypto.randomUUID()}`;
    const y = `y-${crypto.randomUUID()}`;
    await spaceStub(x);
    await spaceStub(y);
    await userStub(dana);
    await deliver(e, skillEvent(dana, "SkillEnabled"));
    const tokenX = await fx.oauth.token({ sub: x });
    const tokenY = await fx.oauth.token({ sub: y });
    await deliver(e, eventAt(dana, "SkillAccountLinked", t1, { accessToken: tokenX }));
    await apiCall(e, "POST", `/v1/app-users/${x}/lists/shopping/items`, { value: "x's coffee" });
    await deliver(e, eventAt(dana, "SkillAccountLinked", t1 + 60_000, { accessToken: tokenY }));
    await apiCall(e, "POST", `/v1/app-users/${y}/lists/shopping/items`, { value: "y's tea" });

    expect(await apiCall(e, "GET", `/v1/app-users/${x}/lists`)).toMatchObject({ status: 404, body: { error: "APP_USER_NOT_LINKED" } });
    expect(JSON.stringify((await apiCall(e, "GET", `/v1/users/${dana}/lists`)).body)).toContain("y's tea");
    expect((await apiCall(e, "GET", `/v1/spaces/${x}`)).body).toMatchObject({ members: [] });
    expect(await values(e, x)).toEqual(["x's coffee"]);

    // A late redelivery of the first link (older event time): nothing moves back.
    await deliver(e, eventAt(dana, "SkillAccountLinked", t1, { accessToken: tokenX }));
    expect(await apiCall(e, "GET", `/v1/app-users/${x}/lists`)).toMatchObject({ status: 404 });
    expect(await runInDurableObject(env.ALEXA_USER.getByName(dana), (o: AlexaUser) => o.profile.appUserId())).toBe(y);
    await say(e, dana, add("sugar"), tokenY);
    await settleSpace(y);
    expect(app.accepted().find((b) => b.type === "alexa.list.items.created" && JSON.stringify(b.data).includes("sugar"))).toMatchObject({ spaceId: y, userId: dana, appUserId: y });

    // Unlinked: a personal space, the linked one keeps its lists.
    await deliver(e, eventAt(dana, "SkillAccountUnlinked", t1 + 120_000));
    expect(await apiCall(e, "GET", `/v1/app-users/${y}/lists`)).toMatchObject({ status: 404 });
    expect((await apiCall(e, "GET", `/v1/spaces/${y}`)).body).toMatchObject({ members: [] });
    expect(await values(e, y)).toEqual(["y's tea", "sugar"]);
    expect(await say(e, dana, readShopping(), null)).not.toContain("sugar");
    expect((await apiCall(e, "GET", `/v1/spaces/${await personalSpaceId(dana)}`)).body).toMatchObject({ kind: "personal", members: [{ userId: dana, appUserId: null }] });
  });
});

describe("DELETE /v1/spaces/{spaceId}", () => {
  it("erases a space for good: reads find nothing, a redelivered older link does not bring it back, an app write starts a new empty one", async () => {
    const e = linkingEnv();
    const erin = newUserId("erin");
    const s = `s-${crypto.randomUUID()}`;
    await spaceStub(s);
    const token = await fx.oauth.token({ sub: s });
    await enableAndLink(e, erin, token);
    await say(e, erin, add("milk"), token);
    expect(await deleteSpace(e, s)).toBe(204);
    expect(await apiCall(e, "GET", `/v1/spaces/${s}/lists`)).toMatchObject({ status: 404, body: { error: "SPACE_NOT_FOUND" } });
    expect(await deleteSpace(e, s)).toBe(404);

    // The member speaks again, and the old link is redelivered: neither re-creates the space.
    expect(await say(e, erin, readShopping(), token)).toContain("deleted");
    await deliver(e, eventAt(erin, "SkillAccountLinked", clock.t - 60_000, { accessToken: token }));
    expect((await apiCall(e, "GET", `/v1/spaces/${s}`)).status).toBe(404);

    // The app writes: a new, empty space.
    expect((await apiCall(e, "POST", `/v1/spaces/${s}/lists/shopping/items`, { value: "bread" })).status).toBe(202);
    expect(await values(e, s)).toEqual(["bread"]);
  });
});

describe("disable", () => {
  it("a member's SkillDisabled leaves the linked space's lists; the personal space goes with its Alexa user", async () => {
    const e = linkingEnv();
    const s = `d-${crypto.randomUUID()}`;
    await spaceStub(s);
    const linked = newUserId("linked");
    const token = await fx.oauth.token({ sub: s });
    await enableAndLink(e, linked, token);
    await say(e, linked, add("milk"), token);
    const alone = newUserId("alone");
    await userStub(alone);
    await deliver(e, skillEvent(alone, "SkillEnabled"));
    await say(e, alone, add("honey"), null);
    const personal = await personalSpaceId(alone);
    expect(await values(e, personal)).toEqual(["honey"]);

    for (const u of [linked, alone]) {
      await deliver(e, skillEvent(u, "SkillDisabled"));
      await settle(env.ALEXA_USER.getByName(u));
    }
    expect(await values(e, s)).toEqual(["milk"]);
    expect((await apiCall(e, "GET", `/v1/spaces/${s}`)).body).toMatchObject({ members: [] });
    expect((await apiCall(e, "GET", `/v1/spaces/${personal}`)).status).toBe(404);
  });
});
