import { afterEach, describe, expect, it } from "vitest";
import type { AlexaEmulator } from "../../../emulator/emulator.ts";
import { call, emulatorWithSkill, type FakeSkill, waitFor } from "./helpers.ts";

let current: AlexaEmulator | null = null;
afterEach(() => current?.close());

async function setup(): Promise<{ emu: AlexaEmulator; skill: FakeSkill }> {
  const made = await emulatorWithSkill();
  current = made.emu;
  return made;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience over many JSON shapes
type Json = any;

async function ctl(emu: AlexaEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await call(emu, method, `/_control${path}`, body === undefined ? {} : { body });
  const text = await res.text();
  return { status: res.status, json: text.startsWith("{") || text.startsWith("[") ? (JSON.parse(text) as Json) : text };
}

describe("control API", () => {
  it("drives a person through the app: enable, add by list name, edit by item text, move, show", async () => {
    const { emu, skill } = await setup();
    expect((await ctl(emu, "POST", "/people/alice/enable", { permissions: ["read", "write"] })).json.enabled).toBe(true);
    const added = await ctl(emu, "POST", "/people/alice/lists/shopping/items", { value: "Milk" });
    expect(added.status).toBe(201);
    expect(added.json.createdTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await ctl(emu, "PATCH", "/people/alice/lists/Alexa%20shopping%20list/items/milk", { status: "completed" })).json).toMatchObject({
      value: "Milk",
      status: "completed",
      version: 2,
    });
    expect((await ctl(emu, "POST", "/people/alice/lists/shopping/items/milk/move", { to: "todo" })).status).toBe(200);
    const lists = (await ctl(emu, "GET", "/people/alice/lists")).json as { kind: string; items: { value: string }[] }[];
    expect(lists.map((l) => [l.kind, l.items.map((i) => i.value)])).toEqual([
      ["shopping", []],
      ["todo", ["Milk"]],
    ]);
    await waitFor(() => skill.requests.length === 6);
    const deliveries = (await ctl(emu, "GET", "/deliveries?person=alice&limit=3")).json as { type: string; state: string }[];
    expect(deliveries.map((d) => d.type)).toEqual([
      "AlexaHouseholdListEvent.ItemsCreated",
      "AlexaHouseholdListEvent.ItemsDeleted",
      "AlexaHouseholdListEvent.ItemsUpdated",
    ]);
  });

  it("answers JSON errors: unknown person 404, bad input 400, conflicts 409, unknown route 404", async () => {
    const { emu } = await setup();
    expect(await ctl(emu, "POST", "/people/zed/enable")).toMatchObject({ status: 404, json: { error: "NOT_FOUND" } });
    expect(await ctl(emu, "POST", "/people/alice/enable", { permissions: ["admin"] })).toMatchObject({ status: 400, json: { error: "BAD_REQUEST" } });
    expect((await ctl(emu, "POST", "/people/alice/disable")).status).toBe(409);
    expect((await ctl(emu, "POST", "/people/alice/lists/shopping/items", { value: "" })).status).toBe(400);
    const bad = await call(emu, "POST", "/_control/people", { body: undefined, headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    const notJson = await emu.fetch(new Request("http://emulator.test/_control/people", { method: "POST", body: "{nope" }));
    expect(await notJson.json()).toMatchObject({ error: "BAD_JSON" });
    expect((await ctl(emu, "GET", "/nothing")).status).toBe(404);
    expect((await ctl(emu, "DELETE", "/people")).status).toBe(405);
  });

  it("adds people, who get their own households", async () => {
    const { emu } = await setup();
    const bob = (await ctl(emu, "POST", "/people", { name: "bob" })).json as { shoppingListId: string };
    expect(bob.shoppingListId).not.toBe(emu.person("alice").shoppingListId);
    expect(((await ctl(emu, "GET", "/people")).json as unknown[]).length).toBe(2);
  });

  it("injects, lists and removes faults; sets the clock skew; reports calls", async () => {
    const { emu } = await setup();
    const f = (await ctl(emu, "POST", "/faults", { api: "lists", mode: "429", count: 2, retryAfterSeconds: 3 })).json as { id: string };
    expect((await ctl(emu, "POST", "/faults", { api: "lists", mode: "418" })).status).toBe(400);
    const d = (await ctl(emu, "POST", "/delivery-faults", { mode: "drop", durationMs: 60_000 })).json as { id: string; until: string };
    expect(d.until).toBeTypeOf("string");
    expect((await ctl(emu, "GET", "/faults")).json).toMatchObject({ endpoint: [{ id: f.id, remaining: 2 }], delivery: [{ id: d.id }] });
    expect((await call(emu, "GET", "/v2/householdlists/")).status).toBe(429);
    expect((await ctl(emu, "GET", "/calls?api=lists")).json).toMatchObject({
      counts: { lists: 1, lwa: 0, messaging: 0 },
      calls: [{ api: "lists", status: 429, fault: `429 (${f.id})` }],
    });
    expect((await ctl(emu, "DELETE", `/faults/${f.id}`)).status).toBe(200);
    expect((await ctl(emu, "DELETE", `/faults/${f.id}`)).status).toBe(404);
    expect((await ctl(emu, "DELETE", "/faults")).status).toBe(200);
    expect((await ctl(emu, "GET", "/faults")).json).toEqual({ endpoint: [], delivery: [] });
    expect((await ctl(emu, "PUT", "/clock", { skewMs: -5000 })).json).toEqual({ skewMs: -5000 });
    expect(emu.skewMs).toBe(-5000);
    expect((await ctl(emu, "PUT", "/clock", { skewMs: "x" })).status).toBe(400);
  });

  it("shows the state the start script and CLI need: skill, CA, people", async () => {
    const { emu } = await setup();
    const state = (await ctl(emu, "GET", "/state")).json;
    expect(state.skill).toMatchObject({ skillId: emu.skillId, apiEndpoint: "http://emulator.test", endpoint: "http://skill.test/alexa" });
    expect(await (await call(emu, "GET", "/_control/ca.pem")).text()).toBe(emu.rootPem);
    expect((await ctl(emu, "PUT", "/skill", { endpoint: "http://127.0.0.1:9999/alexa" })).json).toEqual({ endpoint: "http://127.0.0.1:9999/alexa" });
    expect(emu.skillEndpoint).toBe("http://127.0.0.1:9999/alexa");
  });
});
