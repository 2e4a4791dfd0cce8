// The list space's schema 2 (src/space/skill-tables.ts): `skill_items`
// WITHOUT ROWID keyed by list order, `skill_undo` as per-actor slots. A space
// of schema 1 (its DDL, written here as 0.3.0 wrote it) keeps its items (ids,
// order, app ids) and its undo entries; and a `seq` that comes back (no
// AUTOINCREMENT any more) never collides with an item "undo" puts back.
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Outbox } from "../../src/shared/outbox/outbox.ts";
import { ensureSchema, tableSql } from "../../src/storage/schema.ts";
import type { VoiceActor } from "../../src/space/actor.ts";
import { SkillStore } from "../../src/space/skill-store.ts";
import { DEFAULT_LIST_ID } from "../../src/space/skill-tables.ts";
import { UNDO_DEPTH } from "../../src/space/undo-journal.ts";
import { LIST_SPACE_SCHEMA } from "../../src/space/space-schema.ts";
import { newUserId, T0 } from "../alexa-user/fakes.ts";
import { useFakes } from "../alexa-user/harness.ts";
import { settleSpace, spaceStub } from "./skill-harness.ts";

useFakes();

const SHOPPING = DEFAULT_LIST_ID.shopping;
const A: VoiceActor = { kind: "voice", userId: "amzn1.ask.account.A", appUserId: null };
const B: VoiceActor = { kind: "voice", userId: "amzn1.ask.account.B", appUserId: null };

/** A store on `sql`, with the webhooks it queues kept in order. */
function storeOn(sql: SqlStorage, now: number): { store: SkillStore; hooks: { type: string; data: unknown }[] } {
  const hooks: { type: string; data: unknown }[] = [];
  const outbox = { applied: () => Promise.reject(new Error("no app operations here")) } as unknown as Pick<Outbox, "applied">;
  return { store: new SkillStore({ sql, webhooks: { enqueue: (type, data) => void hooks.push({ type, data }) }, outbox, now: () => now }), hooks };
}

const order = (store: SkillStore, listId: string) => store.rows.itemRows(listId).map((r) => `${r.value}:${r.seq}`);

/** Schema 1's skill tables (src/space/skill-tables.ts of 0.3.0) and its version row. */
function schema1(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE skill_lists (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
    default_kind TEXT UNIQUE, version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
  sql.exec(`CREATE TABLE skill_items (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, list_id TEXT NOT NULL, value TEXT NOT NULL,
    status TEXT NOT NULL, version INTEGER NOT NULL, app_item_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
  sql.exec(`CREATE INDEX skill_items_list ON skill_items (list_id, seq)`);
  sql.exec(`CREATE UNIQUE INDEX skill_items_app ON skill_items (app_item_id) WHERE app_item_id IS NOT NULL`);
  sql.exec(`CREATE TABLE skill_undo (seq INTEGER PRIMARY KEY, actor TEXT NOT NULL, at INTEGER NOT NULL, entry TEXT NOT NULL)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS schema_version (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID`);
  sql.exec(`INSERT INTO schema_version (name, version) VALUES ('list-space', 1)`);
}

describe("list space schema 2", () => {
  it("a space of schema 1 keeps its items (ids, order, app ids) and its undo entries, which still undo", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("space-schema-1")), (_o, state) => {
      const sql = state.storage.sql;
      schema1(sql);
      const t = T0 - 60_000;
      for (const [kind, name] of [["shopping", "Shopping list"], ["todo", "To-do list"]] as const) {
        sql.exec(`INSERT INTO skill_lists (id, name, name_key, default_kind, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)`, DEFAULT_LIST_ID[kind], name, name.toLowerCase(), kind, t, t);
      }
      sql.exec(`INSERT INTO skill_lists (id, name, name_key, default_kind, version, created_at, updated_at) VALUES ('lst_hw', 'Hardware', 'hardware', NULL, 1, ?, ?)`, t, t);
      const item = (seq: number, id: string, list: string, value: string, app: string | null) =>
        sql.exec(`INSERT INTO skill_items VALUES (?, ?, ?, ?, 'active', 1, ?, ?, ?)`, seq, id, list, value, app, t, t);
      item(1, "itm_milk", SHOPPING, "milk", "app-1");
      item(3, "itm_screws", "lst_hw", "screws", null);
      item(4, "itm_eggs", SHOPPING, "eggs", "app-2");
      // Bread (seq 2, between milk and eggs) was removed by A's latest voice change: its entry restores it.
      const bread = { seq: 2, id: "itm_bread", list_id: SHOPPING, value: "bread", status: "active", version: 1, app_item_id: null, created_at: t, updated_at: t };
      const remove = { summary: { kind: "remove", listId: SHOPPING, listName: "Shopping list", defaultKind: "shopping" }, inverse: { kind: "restore", items: [bread] } };
      const add = (id: string) => ({ summary: { kind: "add", listId: SHOPPING, listName: "Shopping list", defaultKind: "shopping", values: ["x"] }, inverse: { kind: "delete", items: [{ id, version: 1 }] } });
      sql.exec(`INSERT INTO skill_undo (seq, actor, at, entry) VALUES (1, ?, ?, ?)`, "voice:amzn1.ask.account.A", t, JSON.stringify(add("itm_gone")));
      sql.exec(`INSERT INTO skill_undo (seq, actor, at, entry) VALUES (2, ?, ?, ?)`, "voice:amzn1.ask.account.B", t, JSON.stringify(add("itm_screws")));
      sql.exec(`INSERT INTO skill_undo (seq, actor, at, entry) VALUES (3, ?, ?, ?)`, "voice:amzn1.ask.account.A", t, JSON.stringify(remove));

      expect(ensureSchema(state, LIST_SPACE_SCHEMA)).toBe(true);
      expect(tableSql(sql, "skill_items")).toMatch(/WITHOUT ROWID/i);
      expect(sql.exec(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'skill_items_list'`).toArray()).toEqual([]);
      // The journal: each actor's entries, in their order, in slots.
      expect(sql.exec(`SELECT actor, n FROM skill_undo ORDER BY actor, n`).toArray()).toEqual([
        { actor: "voice:amzn1.ask.account.A", n: 1 },
        { actor: "voice:amzn1.ask.account.A", n: 3 },
        { actor: "voice:amzn1.ask.account.B", n: 2 },
      ]);

      const { store, hooks } = storeOn(sql, T0);
      // The lists: ids, names, default kinds and order kept; a new one comes after them.
      expect(tableSql(sql, "skill_lists")).toMatch(/WITHOUT ROWID/i);
      expect(store.rows.summaries().map((l) => [l.id, l.name, l.defaultKind])).toEqual([
        [SHOPPING, "Shopping list", "shopping"],
        [DEFAULT_LIST_ID.todo, "To-do list", "todo"],
        ["lst_hw", "Hardware", null],
      ]);
      expect(store.rows.createList("Garden", T0).seq).toBe(4);
      expect(() => store.rows.createList("hardware", T0)).toThrow(/already a list/);
      expect(order(store, SHOPPING)).toEqual(["milk:1", "eggs:4"]);
      expect(order(store, "lst_hw")).toEqual(["screws:3"]);
      expect(store.rows.itemByAppId("app-1")?.id).toBe("itm_milk");
      expect(store.rows.itemRow("itm_eggs")?.app_item_id).toBe("app-2");
      // A's newest entry (from schema 1) undoes: bread back at its place, between milk and eggs.
      expect(store.viewFor(A).lastChange()).toMatchObject({ kind: "remove", values: ["bread"] });
      store.applyVoice({ kind: "undo" }, T0, A);
      expect(order(store, SHOPPING)).toEqual(["milk:1", "bread:2", "eggs:4"]);
      expect(hooks.map((h) => h.type)).toEqual(["alexa.list.items.created"]);
      // An add goes to the end of its list; B's undo is still B's own (it removes the screws it added).
      store.applyVoice({ kind: "add", listId: SHOPPING, values: ["butter"] }, T0, A);
      expect(order(store, SHOPPING)).toEqual(["milk:1", "bread:2", "eggs:4", "butter:5"]);
      store.applyVoice({ kind: "undo" }, T0, B);
      expect(order(store, "lst_hw")).toEqual([]);
      expect(ensureSchema(state, LIST_SPACE_SCHEMA)).toBe(false);
    });
  });

  it("an item writes 2 rows (3 with an app id); a voice add with a full journal 3 (its item and one journal row)", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("space-schema-rows")), (_o, state) => {
      const sql = state.storage.sql;
      ensureSchema(state, LIST_SPACE_SCHEMA);
      let cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
      const counted = { exec: (q: string, ...b: SqlStorageValue[]) => { const c = sql.exec(q, ...b); cursors.push(c); return c; } } as unknown as SqlStorage;
      const written = (fn: () => void): number => {
        cursors = [];
        fn();
        return cursors.reduce((n, c) => n + c.rowsWritten, 0);
      };
      const { store } = storeOn(counted, T0);
      store.rows.ensureDefaults();
      const list = store.rows.listByRef("shopping");
      expect(written(() => store.rows.addItems(list, [{ value: "milk" }], T0))).toBe(2);
      expect(written(() => store.rows.addItems(list, [{ value: "eggs", appItemId: "app-eggs" }], T0))).toBe(3);
      const adds: number[] = [];
      for (let k = 1; k <= UNDO_DEPTH + 5; k++) adds.push(written(() => store.applyVoice({ kind: "add", listId: list.id, values: [`item ${k}`] }, T0 + k, A)));
      expect(adds).toEqual(adds.map(() => 3));
      expect(sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_undo`).one().n).toBe(UNDO_DEPTH);
      // Undo still goes back through the latest UNDO_DEPTH, newest first.
      store.applyVoice({ kind: "undo" }, T0 + 100, A);
      expect(store.rows.itemRows(list.id).at(-1)?.value).toBe(`item ${UNDO_DEPTH + 4}`);
    });
  });

  it("a seq given again (the list's last item removed, another added after): undo puts the removed item back at the end, both kept", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("space-schema-seq")), (_o, state) => {
      const sql = state.storage.sql;
      ensureSchema(state, LIST_SPACE_SCHEMA);
      const { store, hooks } = storeOn(sql, T0);
      store.applyVoice({ kind: "add", listId: SHOPPING, values: ["milk", "eggs"] }, T0, A);
      const eggs = store.rows.itemRows(SHOPPING)[1]!;
      expect(eggs.seq).toBe(2);
      store.applyVoice({ kind: "remove", listId: SHOPPING, itemIds: [eggs.id] }, T0 + 1, A);
      // B's add takes seq 2 again (no AUTOINCREMENT: the list's highest + 1).
      store.applyVoice({ kind: "add", listId: SHOPPING, values: ["bread"] }, T0 + 2, B);
      expect(order(store, SHOPPING)).toEqual(["milk:1", "bread:2"]);
      hooks.length = 0;
      store.applyVoice({ kind: "undo" }, T0 + 3, A);
      expect(order(store, SHOPPING)).toEqual(["milk:1", "bread:2", "eggs:3"]);
      expect(store.rows.itemRow(eggs.id)).toMatchObject({ value: "eggs", version: eggs.version + 1 });
      expect(hooks).toMatchObject([{ type: "alexa.list.items.created", data: { listId: SHOPPING, items: [{ id: eggs.id, value: "eggs" }] } }]);
      // B's undo removes B's bread; the item put back stays.
      store.applyVoice({ kind: "undo" }, T0 + 4, B);
      expect(order(store, SHOPPING)).toEqual(["milk:1", "eggs:3"]);
    });
  });

  it("a space object of schema 1 migrates at its next start and serves its items (ids, app ids, order) as before", async () => {
    const id = `app-schema-${crypto.randomUUID()}`;
    const stub = await spaceStub(id);
    for (const [value, appItemId] of [["milk", "a-milk"], ["eggs", null], ["bread", "a-bread"]] as const) {
      const r = await stub.enqueueOperation({ kind: "create", list: "shopping", value, ...(appItemId ? { appItemId } : {}) }, {});
      expect(r.outcome).not.toBe("refused");
    }
    await settleSpace(id);
    const before = await stub.readLists();
    // Back to schema 1's tables with the same rows (its DDL, a global AUTOINCREMENT seq), as a 0.3.0 space holds them.
    await runInDurableObject(stub, (_o, state) => {
      const sql = state.storage.sql;
      const lists = sql.exec(`SELECT * FROM skill_lists ORDER BY seq`).toArray();
      const items = sql.exec(`SELECT * FROM skill_items ORDER BY list_id, seq`).toArray();
      sql.exec(`DROP TABLE skill_lists`);
      sql.exec(`DROP TABLE skill_items`);
      sql.exec(`DROP TABLE skill_undo`);
      sql.exec(`DELETE FROM schema_version WHERE name = 'list-space'`);
      schema1(sql);
      for (const l of lists) {
        sql.exec(`INSERT INTO skill_lists (id, name, name_key, default_kind, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, l.id, l.name, l.name_key, l.default_kind, l.version, l.created_at, l.updated_at);
      }
      for (const i of items) {
        sql.exec(`INSERT INTO skill_items (id, list_id, value, status, version, app_item_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, i.id, i.list_id, i.value, i.status, i.version, i.app_item_id, i.created_at, i.updated_at);
      }
    });
    await evictDurableObject(stub);
    const after = await (await spaceStub(id)).readLists();
    expect(after).toEqual(before);
    expect(after.outcome === "found" && after.lists[0]!.items.map((i) => [i.value, i.appItemId])).toEqual([["milk", "a-milk"], ["eggs", null], ["bread", "a-bread"]]);
    await runInDurableObject(stub, (_o, state) => {
      expect(tableSql(state.storage.sql, "skill_items")).toMatch(/WITHOUT ROWID/i);
      expect(state.storage.sql.exec(`SELECT version FROM schema_version WHERE name = 'list-space'`).one().version).toBe(LIST_SPACE_SCHEMA.version);
    });
  });
});
