// The schema-version check (src/storage/schema.ts): a current database costs
// one SELECT per start; a new, erased or older one is migrated once.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { ALEXA_USER_HOUSEHOLD_SCHEMA, ALEXA_USER_OUTBOX_SCHEMA, ALEXA_USER_SCHEMA } from "../../src/alexa-user/user-schemas.ts";
import { ensureSchema, ensureSchemas, storedVersions, tableSql, type Schema } from "../../src/storage/schema.ts";
import { migrateDedupe, migrateDedupeIndex } from "../../src/alexa-user/dedupe.ts";
import { APP_USER_LINK_SCHEMA } from "../../src/linking/app-user-link.ts";
import { LIST_SPACE_SCHEMA } from "../../src/space/space-schema.ts";
import { newUserId } from "../alexa-user/fakes.ts";

/** `state` with its `exec` calls counted. */
function counting(state: DurableObjectState): { state: DurableObjectState; statements: () => number } {
  let n = 0;
  const sql = state.storage.sql;
  const counted = { exec: (q: string, ...b: SqlStorageValue[]) => (n++, sql.exec(q, ...b)) } as unknown as SqlStorage;
  const bound = (t: object, p: string | symbol): unknown => {
    const v: unknown = Reflect.get(t, p, t);
    return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(t) : v;
  };
  const storage = new Proxy(state.storage, { get: (t, p) => (p === "sql" ? counted : bound(t, p)) });
  const proxied = new Proxy(state, { get: (t, p) => (p === "storage" ? storage : bound(t, p)) });
  return { state: proxied, statements: () => n };
}

describe("ensureSchema", () => {
  it("an object whose tables are current runs one statement; a raised version migrates once", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("schema")), (_i: AlexaUser, real) => {
      const { state, statements } = counting(real);
      expect(ensureSchema(state, ALEXA_USER_SCHEMA)).toBe(false);
      expect(statements()).toBe(1);
      const runs: number[] = [];
      const next: Schema = { ...ALEXA_USER_SCHEMA, version: ALEXA_USER_SCHEMA.version + 1, migrate: () => void runs.push(1) };
      expect(ensureSchema(state, next)).toBe(true);
      expect(ensureSchema(state, next)).toBe(false);
      expect(runs).toHaveLength(1);
    });
  });

  it("several schemas of one object (ensureSchemas): one statement when all are current, one version write when some are not", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("schemas")), (_i: AlexaUser, real) => {
      const { state, statements } = counting(real);
      const all = [ALEXA_USER_SCHEMA, ALEXA_USER_HOUSEHOLD_SCHEMA, ALEXA_USER_OUTBOX_SCHEMA];
      expect(ensureSchemas(state, all)).toEqual([]);
      expect(statements()).toBe(1);
      const runs: string[] = [];
      const a: Schema = { name: "a", version: 1, migrate: () => void runs.push("a") };
      const b: Schema = { name: "b", version: 1, migrate: () => void runs.push("b") };
      expect(ensureSchemas(state, [...all, a, b])).toEqual(["a", "b"]);
      expect(runs).toEqual(["a", "b"]);
      expect(Object.fromEntries(storedVersions(real.storage.sql))).toMatchObject({ a: 1, b: 1, [ALEXA_USER_SCHEMA.name]: ALEXA_USER_SCHEMA.version });
      expect(ensureSchemas(state, [...all, a, b])).toEqual([]);
    });
  });

  it("after deleteAll() the tables are created again", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("schema-erase")), async (_i: AlexaUser, state) => {
      await state.storage.deleteAll();
      expect(ensureSchema(state, ALEXA_USER_SCHEMA)).toBe(true);
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM webhook_queue").one().n).toBe(0);
    });
  });

  it("a text-keyed table from before version 3 is rebuilt WITHOUT ROWID with its rows and its index", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("schema-rowid")), (_i: AlexaUser, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE handled_requests");
      sql.exec("CREATE TABLE handled_requests (key TEXT PRIMARY KEY, handled_at INTEGER NOT NULL, answer TEXT NOT NULL)");
      sql.exec("INSERT INTO handled_requests VALUES ('req:1', 5, '{}')");
      migrateDedupe(sql);
      // The index is the household schema's (this project runs ALEXA_LISTS=household), which follows.
      migrateDedupeIndex(sql);
      expect(tableSql(sql, "handled_requests")).toMatch(/WITHOUT ROWID/);
      expect(sql.exec("SELECT key, handled_at FROM handled_requests").toArray()).toEqual([{ key: "req:1", handled_at: 5 }]);
      expect(sql.exec("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'handled_requests_at'").one().n).toBe(1);
      expect(sql.exec("INSERT INTO handled_requests VALUES ('req:2', 6, '{}')").rowsWritten).toBe(2);
    });
  });

  it("a migration that throws leaves the old version (retried at the next start) and nothing half-made", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("schema-fail")), (_i: AlexaUser, state) => {
      const failing: Schema = {
        name: "t",
        version: 1,
        migrate: (sql) => {
          sql.exec("CREATE TABLE half (a)");
          throw new Error("boom");
        },
      };
      expect(() => ensureSchema(state, failing)).toThrow("boom");
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").one().n).toBe(0);
      expect(ensureSchema(state, { ...failing, migrate: (sql) => void sql.exec("CREATE TABLE half (a)") })).toBe(true);
    });
  });
});

describe("schemas after the list spaces (0.3)", () => {
  it("an app user's link of version 1 gets space_id; its row is kept, with no space", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("schema-link")), (_i: AlexaUser, state) => {
      const sql = state.storage.sql;
      sql.exec(`CREATE TABLE app_user_link (id INTEGER PRIMARY KEY CHECK (id = 1), user_id TEXT NOT NULL, linked_at INTEGER NOT NULL, previous_user_id TEXT)`);
      sql.exec(`INSERT INTO app_user_link VALUES (1, 'amzn1.ask.account.OLD', 5, NULL)`);
      sql.exec(`INSERT INTO schema_version (name, version) VALUES ('app-user-link', 1)`);
      expect(ensureSchema(state, APP_USER_LINK_SCHEMA)).toBe(true);
      expect(sql.exec(`SELECT user_id, linked_at, space_id FROM app_user_link`).toArray()).toEqual([{ user_id: "amzn1.ask.account.OLD", linked_at: 5, space_id: null }]);
      expect(ensureSchema(state, APP_USER_LINK_SCHEMA)).toBe(false);
    });
  });

  it("a list space: one statement when current; an undo journal with AUTOINCREMENT is rebuilt with its rows, as slots", async () => {
    await runInDurableObject(env.ALEXA_USER.getByName(newUserId("schema-space")), (_i: AlexaUser, real) => {
      const sql = real.storage.sql;
      sql.exec(`CREATE TABLE skill_undo (seq INTEGER PRIMARY KEY AUTOINCREMENT, actor TEXT NOT NULL, at INTEGER NOT NULL, entry TEXT NOT NULL)`);
      sql.exec(`INSERT INTO skill_undo (actor, at, entry) VALUES ('voice:A', 7, '{}')`);
      expect(ensureSchema(real, LIST_SPACE_SCHEMA)).toBe(true);
      expect(tableSql(sql, "skill_undo")).not.toMatch(/AUTOINCREMENT/i);
      expect(sql.exec(`SELECT actor, slot, n, at FROM skill_undo`).toArray()).toEqual([{ actor: "voice:A", slot: 0, n: 1, at: 7 }]);
      // One row per voice change: the key is the row (WITHOUT ROWID), no other index on the journal.
      expect(sql.exec(`INSERT INTO skill_undo (actor, slot, n, at, entry) VALUES ('voice:A', 1, 2, 8, '{}')`).rowsWritten).toBe(1);
      expect(sql.exec(`UPDATE skill_undo SET n = 3, at = 9, entry = '[]' WHERE actor = 'voice:A' AND slot = 0`).rowsWritten).toBe(1);
      const { state, statements } = counting(real);
      expect(ensureSchema(state, LIST_SPACE_SCHEMA)).toBe(false);
      expect(statements()).toBe(1);
    });
  });
});
