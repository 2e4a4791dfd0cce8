import { afterEach, describe, expect, it } from "vitest";
import type { AlexaEmulator } from "../../../emulator/emulator.ts";
import { call, emulatorWithSkill, enabledAlice, type FakeSkill, waitFor } from "./helpers.ts";

let emu: AlexaEmulator | null = null;
afterEach(() => emu?.close());

async function setup(opts = {}): Promise<{ emu: AlexaEmulator; skill: FakeSkill }> {
  const made = await emulatorWithSkill(opts);
  emu = made.emu;
  return made;
}

async function lwaToken(e: AlexaEmulator): Promise<string> {
  const res = await call(e, "POST", "/auth/o2/token", {
    form: { grant_type: "client_credentials", client_id: e.clientId, client_secret: e.clientSecret, scope: "alexa:skill_messaging" },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe("LWA token endpoint", () => {
  it("issues a bearer token for the skill's client credentials and counts requests", async () => {
    const { emu } = await setup();
    const res = await call(emu, "POST", "/auth/o2/token", {
      form: { grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "alexa:skill_messaging" },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 3600, scope: "alexa:skill_messaging" });
    expect(body.access_token).toMatch(/^Atc\|/);
    expect(emu.callCounts().lwa).toBe(1);
  });

  it("accepts HTTP Basic client authentication", async () => {
    const { emu } = await setup();
    const res = await call(emu, "POST", "/auth/o2/token", {
      form: { grant_type: "client_credentials", scope: "alexa:skill_messaging" },
      headers: { authorization: `Basic ${btoa(`${emu.clientId}:${emu.clientSecret}`)}` },
    });
    expect(res.status).toBe(200);
  });

  it("rejects a wrong secret (401 invalid_client), a wrong grant or scope (400), and JSON bodies", async () => {
    const { emu } = await setup();
    const base = { grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "alexa:skill_messaging" };
    const wrong = await call(emu, "POST", "/auth/o2/token", { form: { ...base, client_secret: "nope" } });
    expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([401, "invalid_client"]);
    const grant = await call(emu, "POST", "/auth/o2/token", { form: { ...base, grant_type: "password" } });
    expect(((await grant.json()) as { error: string }).error).toBe("unsupported_grant_type");
    const scope = await call(emu, "POST", "/auth/o2/token", { form: { ...base, scope: "profile" } });
    expect([scope.status, ((await scope.json()) as { error: string }).error]).toEqual([400, "invalid_scope"]);
    const jsonBody = await call(emu, "POST", "/auth/o2/token", { body: base });
    expect(jsonBody.status).toBe(400);
    expect(emu.callCounts().lwa).toBe(4);
  });
});

describe("Skill Messaging API", () => {
  it("answers 202 and delivers Messaging.MessageReceived with the data as request.message", async () => {
    const { emu, skill } = await setup();
    const { userId } = await enabledAlice(emu, skill);
    const token = await lwaToken(emu);
    const res = await call(emu, "POST", `/v1/skillmessages/users/${userId}`, { token, body: { data: { hello: "world" }, expiresAfterSeconds: 60 } });
    expect(res.status).toBe(202);
    const req = await waitFor(() => skill.ofType("Messaging.MessageReceived")[0]);
    expect(req.json.request.message).toEqual({ hello: "world" });
    expect(req.json.context.System.user.userId).toBe(userId);
    expect(emu.callCounts().messaging).toBe(1);
  });

  it("checks the bearer token, the body and the user", async () => {
    const { emu, skill } = await setup();
    const { userId, token: apiAccessToken } = await enabledAlice(emu, skill);
    const token = await lwaToken(emu);
    const path = `/v1/skillmessages/users/${userId}`;
    expect((await call(emu, "POST", path, { body: { data: {} } })).status).toBe(401);
    expect((await call(emu, "POST", path, { token: apiAccessToken, body: { data: {} } })).status).toBe(401);
    expect((await call(emu, "POST", path, { token, body: { data: "x" } })).status).toBe(400);
    expect((await call(emu, "POST", path, { token, body: { data: {}, expiresAfterSeconds: 59 } })).status).toBe(400);
    expect((await call(emu, "POST", path, { token, body: { data: {}, expiresAfterSeconds: 86_401 } })).status).toBe(400);
    expect((await call(emu, "POST", path, { token, body: { data: { big: "x".repeat(7000) } } })).status).toBe(400);
    expect((await call(emu, "POST", "/v1/skillmessages/users/amzn1.ask.account.UNKNOWN", { token, body: { data: {} } })).status).toBe(404);
    expect((await call(emu, "POST", path, { token, body: { data: {} } })).status).toBe(202);
  });

  it("rejects non-string data values by default (Amazon's documented rule), and only notes them when lenient", async () => {
    const lenient = await setup({ strictMessageData: false });
    const a = await enabledAlice(lenient.emu, lenient.skill);
    const res = await call(lenient.emu, "POST", `/v1/skillmessages/users/${a.userId}`, {
      token: await lwaToken(lenient.emu),
      body: { data: { alb: 1, op: { kind: "sync" } } },
    });
    expect(res.status).toBe(202);
    expect(lenient.emu.calls({ api: "messaging" })[0]?.notes?.[0]).toMatch(/string values/);
    lenient.emu.close();

    const strict = await setup();
    const b = await enabledAlice(strict.emu, strict.skill);
    const refused = await call(strict.emu, "POST", `/v1/skillmessages/users/${b.userId}`, {
      token: await lwaToken(strict.emu),
      body: { data: { n: 1 } },
    });
    expect(refused.status).toBe(400);
  });
});

describe("List Management API", () => {
  it("serves every operation with Amazon's shapes and date format", async () => {
    const { emu, skill } = await setup();
    const { token } = await enabledAlice(emu, skill);
    const meta = (await (await call(emu, "GET", "/v2/householdlists/", { token })).json()) as {
      lists: { listId: string; name: string; statusMap: { href: string; status: string }[] }[];
    };
    expect(meta.lists.map((l) => l.name)).toEqual(["Alexa shopping list", "Alexa to-do list"]);
    const shopping = meta.lists[0]!.listId;
    expect(atob(shopping)).toMatch(/-SHOPPING_ITEM$/);
    expect(meta.lists[0]!.statusMap.map((s) => s.href)).toEqual([
      `/v2/householdlists/${shopping}/active`,
      `/v2/householdlists/${shopping}/completed`,
    ]);

    const created = await call(emu, "POST", `/v2/householdlists/${shopping}/items`, { token, body: { value: "milk", status: "active" } });
    expect(created.status).toBe(201);
    const item = (await created.json()) as Record<string, unknown>;
    expect(item).toMatchObject({ value: "milk", status: "active", version: 1, href: `/v2/householdlists/${shopping}/items/${item.id}` });
    expect(item.createdTime).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}$/);

    const got = await call(emu, "GET", `/v2/householdlists/${shopping}/items/${item.id}`, { token });
    expect(await got.json()).toEqual(item);

    const put = await call(emu, "PUT", `/v2/householdlists/${shopping}/items/${item.id}`, {
      token,
      body: { value: "oat milk", status: "completed", version: 1 },
    });
    expect(await put.json()).toMatchObject({ value: "oat milk", status: "completed", version: 2 });
    const stale = await call(emu, "PUT", `/v2/householdlists/${shopping}/items/${item.id}`, { token, body: { value: "x", status: "active", version: 1 } });
    expect(stale.status).toBe(409);

    const active = (await (await call(emu, "GET", `/v2/householdlists/${shopping}/active`, { token })).json()) as { items: unknown[] };
    const completed = (await (await call(emu, "GET", `/v2/householdlists/${shopping}/completed`, { token })).json()) as {
      items: { id: string }[];
    };
    expect(active.items).toEqual([]);
    expect(completed.items.map((i) => i.id)).toEqual([item.id]);

    expect((await call(emu, "DELETE", `/v2/householdlists/${shopping}/items/${item.id}`, { token })).status).toBe(200);
    const again = await call(emu, "DELETE", `/v2/householdlists/${shopping}/items/${item.id}`, { token });
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ type: "NOT_FOUND", message: "Object not found" });

    const list = await call(emu, "POST", "/v2/householdlists/", { token, body: { name: "Hardware", state: "active" } });
    expect(list.status).toBe(201);
    const { listId } = (await list.json()) as { listId: string };
    const renamed = await call(emu, "PUT", `/v2/householdlists/${listId}`, { token, body: { name: "Tools", state: "active", version: 1 } });
    expect(await renamed.json()).toMatchObject({ name: "Tools", version: 2 });
    expect((await call(emu, "DELETE", `/v2/householdlists/${listId}`, { token })).status).toBe(200);
    expect((await call(emu, "GET", `/v2/householdlists/${listId}/active`, { token })).status).toBe(404);
    expect((await call(emu, "GET", `/v2/householdlists/${shopping}/pending`, { token })).status).toBe(400);
  });

  it("emits list events for the skill's own API changes too", async () => {
    const { emu, skill } = await setup();
    const { token } = await enabledAlice(emu, skill);
    const shopping = emu.person("alice").shoppingListId;
    const res = await call(emu, "POST", `/v2/householdlists/${shopping}/items`, { token, body: { value: "bread", status: "active" } });
    const { id } = (await res.json()) as { id: string };
    const event = await waitFor(() => skill.ofType("AlexaHouseholdListEvent.ItemsCreated")[0]);
    expect(event.json.request.body).toEqual({ listId: shopping, listItemIds: [id] });
  });

  it("requires a valid apiAccessToken, read permission to read and write permission to write", async () => {
    const { emu, skill } = await setup();
    const { token } = await enabledAlice(emu, skill);
    const shopping = emu.person("alice").shoppingListId;
    const noToken = await call(emu, "GET", "/v2/householdlists/");
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toEqual({ Message: "Request is not authorized." });
    expect((await call(emu, "GET", "/v2/householdlists/", { token: "Atza|forged" })).status).toBe(403);

    emu.setPermissions("alice", { revoke: ["write"] });
    expect((await call(emu, "GET", "/v2/householdlists/", { token })).status).toBe(200);
    expect((await call(emu, "POST", `/v2/householdlists/${shopping}/items`, { token, body: { value: "x" } })).status).toBe(403);

    emu.setPermissions("alice", { grant: ["write"], revoke: ["read"] });
    expect((await call(emu, "GET", "/v2/householdlists/", { token })).status).toBe(403);
    expect((await call(emu, "POST", `/v2/householdlists/${shopping}/items`, { token, body: { value: "x" } })).status).toBe(201);
  });

  it("apiAccessTokens expire", async () => {
    const clock = { t: Date.UTC(2026, 5, 1) };
    const { emu, skill } = await setup({ now: () => clock.t, apiAccessTokenTtlSeconds: 60 });
    const { token } = await enabledAlice(emu, skill);
    expect((await call(emu, "GET", "/v2/householdlists/", { token })).status).toBe(200);
    clock.t += 60_000;
    expect((await call(emu, "GET", "/v2/householdlists/", { token })).status).toBe(403);
  });
});

describe("endpoint faults", () => {
  it("answers 429 with Retry-After, then 500, for the configured number of requests, then recovers", async () => {
    const { emu } = await setup();
    emu.endpointFaults.add({ api: "lwa", mode: "429", count: 2, retryAfterSeconds: 7 });
    emu.endpointFaults.add({ api: "lwa", mode: "500", count: 1 });
    const form = { grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "alexa:skill_messaging" };
    const statuses: (number | string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call(emu, "POST", "/auth/o2/token", { form });
      statuses.push(res.status, res.headers.get("retry-after"));
    }
    expect(statuses).toEqual([429, "7", 429, "7", 500, null, 200, null]);
    expect(emu.calls({ api: "lwa" }).map((c) => c.fault ?? "-")).toEqual(["-", "500 (e2)", "429 (e1)", "429 (e1)"]);
    expect(emu.callCounts().lwa).toBe(4);
  });

  it("a hang holds the response, then serves the request", async () => {
    const { emu, skill } = await setup();
    const { token } = await enabledAlice(emu, skill);
    emu.endpointFaults.add({ api: "lists", mode: "hang", count: 1, hangMs: 30 });
    let settled = false;
    const pending = call(emu, "GET", "/v2/householdlists/", { token }).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toBe(false);
    expect((await pending).status).toBe(200);
  });
});

describe("certificate chain", () => {
  it("serves the leaf and intermediate under /echo.api/ and nothing else there", async () => {
    const { emu } = await setup();
    const res = await call(emu, "GET", "/echo.api/echo-api-cert.pem");
    const pem = await res.text();
    expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(emu.certUrl).toBe("http://emulator.test/echo.api/echo-api-cert.pem");
    expect((await call(emu, "GET", "/echo.api/other.pem")).status).toBe(404);
  });
});

describe("LWA token revocation", () => {
  it("makes Skill Messaging refuse tokens issued before it", async () => {
    const { emu, skill } = await setup();
    const { userId } = await enabledAlice(emu, skill);
    const token = await lwaToken(emu);
    emu.revokeLwaTokens();
    const path = `/v1/skillmessages/users/${userId}`;
    expect((await call(emu, "POST", path, { token, body: { data: {} } })).status).toBe(401);
    expect((await call(emu, "POST", path, { token: await lwaToken(emu), body: { data: {} } })).status).toBe(202);
  });
});
