/**
 * @module test/storage/schema-probe
 * What the schema tests look at in an object's database: its tables and
 * indexes, the statements a call runs, and a rebuild of the Alexa user's
 * parts (what a start does), shared by the household and skill schema tests.
 */
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";

/** The object's tables and indexes, by name (SQLite's and workerd's own left out). @example expect(tables(sql)).toContain("profile") */
export function tables(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name")
    .toArray()
    .map((r) => r.name);
}

/** Builds the user's parts again, as a start does. @example rebuild(o) */
export const rebuild = (o: AlexaUser) => (o as unknown as { build(): void }).build();

/** Statements `fn` runs on `sql` (its `exec` counted for the call). @example expect(statementsOf(sql, () => rebuild(o))).toBe(1) */
export function statementsOf(sql: SqlStorage, fn: () => void): number {
  const exec = sql.exec;
  let n = 0;
  sql.exec = ((...a: Parameters<SqlStorage["exec"]>) => (n++, exec.apply(sql, a))) as SqlStorage["exec"];
  try {
    fn();
  } finally {
    sql.exec = exec;
  }
  return n;
}
