// The schema-version check (src/storage/schema.ts): a current database costs
// one SELECT per start; a new, erased or older one is migrated once.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ALEXA_USER_SCHEMA, type AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { ensureSchema, tableSql, type Schema } from "../../src/storage/schema.ts";
import { migrateDedupe } from "../../src/alexa-user/dedupe.ts";
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
