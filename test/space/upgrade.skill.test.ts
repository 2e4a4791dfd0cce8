// The 0.2 → 0.3 upgrade: a 0.2 deployment kept the skill store's lists in
// each Alexa user's object. Here those tables are written as 0.2 wrote them
// (its DDL, its default list ids, an app item id), then the user's first
// request moves them into the user's space, exactly once.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { personalSpaceId } from "../../src/space/space-id.ts";
import { clock, newUserId, userStub } from "../alexa-user/fakes.ts";
import { apiCall, deliver, linkingEnv, useLinkingFakes, voiceEnvelope } from "../linking/linking-harness.ts";
import { slot, spaceStub } from "./skill-harness.ts";

const fx = useLinkingFakes();

const SHOPPING = btoa("alexa-list-bridge.skill-SHOPPING_ITEM");
const TODO = btoa("alexa-list-bridge.skill-TASK");

/** A user of 0.2: its profile, and its lists in its own object, in 0.2's tables. */
async function userOf02(tag: string): Promise<string> {
  const userId = newUserId(tag);
  await userStub(userId);
  await runInDurableObject(env.ALEXA_USER.getByName(userId), (o: AlexaUser, state) => {
    const sql = state.storage.sql;
    o.profile.touch(userId, null, clock.t);
    // 0.2's DDL (src/user/lists/skill-tables.ts of 0.2.0).
    sql.exec(`CREATE TABLE skill_lists (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
      default_kind TEXT UNIQUE, version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE skill_items (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, list_id TEXT NOT NULL, value TEXT NOT NULL,
      status TEXT NOT NULL, version INTEGER NOT NULL, app_item_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
    sql.exec(`CREATE INDEX skill_items_list ON skill_items (list_id, seq)`);
    sql.exec(`CREATE UNIQUE INDEX skill_items_app ON skill_items (app_item_id) WHERE app_item_id IS NOT NULL`);
    sql.exec(`CREATE TABLE skill_undo (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, entry TEXT NOT NULL)`);
    const t = clock.t - 86_400_000;
    sql.exec(`INSERT INTO skill_lists (id, name, name_key, default_kind, version, created_at, updated_at) VALUES (?, 'Shopping list', 'shopping list', 'shopping', 1, ?, ?)`, SHOPPING, t, t);
    sql.exec(`INSERT INTO skill_lists (id, name, name_key, default_kind, version, created_at, updated_at) VALUES (?, 'To-do list', 'to-do list', 'todo', 1, ?, ?)`, TODO, t, t);
    sql.exec(`INSERT INTO skill_lists (id, name, name_key, default_kind, version, created_at, updated_at) VALUES ('lst_hw', 'Hardware', 'hardware', NULL, 1, ?, ?)`, t, t);
    sql.exec(`INSERT INTO skill_items (id, list_id, value, status, version, app_item_id, created_at, updated_at) VALUES ('itm_milk', ?, 'milk', 'active', 3, 'app-1', ?, ?)`, SHOPPING, t, t);
    sql.exec(`INSERT INTO skill_items (id, list_id, value, status, version, app_item_id, created_at, updated_at) VALUES ('itm_eggs', ?, 'eggs', 'completed', 2, NULL, ?, ?)`, SHOPPING, t, t);
    sql.exec(`INSERT INTO skill_items (id, list_id, value, status, version, app_item_id, created_at, updated_at) VALUES ('itm_screws', 'lst_hw', 'screws', 'active', 1, NULL, ?, ?)`, t, t);
    sql.exec(`INSERT INTO skill_undo (at, entry) VALUES (?, '{}')`, t);
  });
  return userId;
}

const legacyTables = (userId: string) =>
  runInDurableObject(env.ALEXA_USER.getByName(userId), (_o: AlexaUser, state) =>
    state.storage.sql.exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'skill_%'`).toArray().length,
  );

type Lists = { name: string; listId: string; items: { id: string; value: string; status: string; appItemId: string | null }[] }[];

describe("upgrade from 0.2", () => {
  it("an unlinked user's lists move into its personal space on its first request (REST), keeping ids and app ids, exactly once", async () => {
    const e = linkingEnv();
    const u = await userOf02("v02-rest");
    await spaceStub(await personalSpaceId(u));
    const first = await apiCall(e, "GET", `/v1/users/${u}/lists`);
    expect(first.status).toBe(200);
    const lists = first.body.lists as Lists;
    expect(lists.map((l) => l.name)).toEqual(["Shopping list", "To-do list", "Hardware"]);
    expect(lists[0]!.items).toMatchObject([
      { id: "itm_milk", value: "milk", status: "active", appItemId: "app-1" },
      { id: "itm_eggs", value: "eggs", status: "completed", appItemId: null },
    ]);
    expect(lists[2]).toMatchObject({ listId: "lst_hw", items: [{ id: "itm_screws", value: "screws" }] });
    expect(await legacyTables(u)).toBe(0);
    // Again: nothing doubles.
    expect((await apiCall(e, "GET", `/v1/spaces/${await personalSpaceId(u)}/lists`)).body).toEqual(first.body);
    const r = await deliver(e, voiceEnvelope(u, { type: "IntentRequest", intent: { name: "ReadListIntent", confirmationStatus: "NONE", slots: { list: slot("list", "shopping", "shopping") } } }, null));
    expect(JSON.stringify(r.body)).toContain("milk");
  });

  it("a linked user's lists merge into its linked space on its first voice turn", async () => {
    const e = linkingEnv();
    const u = await userOf02("v02-voice");
    const space = `app-${crypto.randomUUID()}`;
    await spaceStub(space);
    await apiCall(e, "POST", `/v1/spaces/${space}/lists/shopping/items`, { value: "Milk" });
    const token = await fx.oauth.token({ sub: space });
    const r = await deliver(e, voiceEnvelope(u, { type: "IntentRequest", intent: { name: "ReadListIntent", confirmationStatus: "NONE", slots: { list: slot("list", "shopping", "shopping") } } }, token));
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).toMatch(/Milk/);
    const lists = (await apiCall(e, "GET", `/v1/spaces/${space}/lists`)).body.lists as Lists;
    expect(lists[0]!.items.map((i) => i.value)).toEqual(["Milk", "eggs"]);
    expect(lists.find((l) => l.name === "Hardware")!.items.map((i) => i.value)).toEqual(["screws"]);
    expect(await legacyTables(u)).toBe(0);
    expect((await apiCall(e, "GET", `/v1/spaces/${space}`)).body).toMatchObject({ kind: "linked", members: [{ userId: u, appUserId: space }] });
  });
});
