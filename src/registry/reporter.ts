/**
 * @module registry/reporter
 * The user object's side of the registry: remembers (in the object's own
 * SQLite) the entry it last wrote to its shard, and writes a new one only when
 * {@link needsReport} says the registry would otherwise be wrong in a way that
 * matters. A failed write is not remembered, so the next report retries it.
 */
import { needsReport, type RegistryEntry } from "./entry.ts";

/** Writes one user's entry to its shard (`null`: remove). */
export type RegistryWrite = (userId: string, entry: RegistryEntry | null) => Promise<void>;

/**
 * @example
 * const reporter = new RegistryReporter(ctx.storage.sql, (id, e) => shardFor(id).put(id, e));
 * await reporter.report(userId, entry);
 */
/**
 * Creates the reporter's table (idempotent; part of the owning object's schema, src/storage/schema.ts).
 * @example migrateRegistryReport(ctx.storage.sql);
 */
export function migrateRegistryReport(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS registry_report (id INTEGER PRIMARY KEY CHECK (id = 1), entry TEXT NOT NULL)");
}

export class RegistryReporter {
  readonly #sql: SqlStorage;
  readonly #write: RegistryWrite;

  constructor(sql: SqlStorage, write: RegistryWrite) {
    this.#sql = sql;
    this.#write = write;
  }

  /** The entry last written, or null. @example reporter.last()?.enabled */
  last(): RegistryEntry | null {
    const row = this.#sql.exec<{ entry: string }>("SELECT entry FROM registry_report WHERE id = 1").toArray()[0];
    return row ? (JSON.parse(row.entry) as RegistryEntry) : null;
  }

  /**
   * Records `entry` as what the registry holds (the shard wrote it itself,
   * e.g. from a sweep's answer).
   * @example reporter.remember(entry); return entry;
   */
  remember(entry: RegistryEntry): void {
    this.#sql.exec(
      "INSERT INTO registry_report (id, entry) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET entry = excluded.entry",
      JSON.stringify(entry),
    );
  }

  /**
   * Writes `entry` if the registry needs it; answers whether it wrote. Never
   * throws: the registry is a safety net, a failed write is logged and retried
   * at the next report.
   * @example await reporter.report(userId, entry);
   */
  async report(userId: string, entry: RegistryEntry): Promise<boolean> {
    if (!needsReport(this.last(), entry)) return false;
    try {
      await this.#write(userId, entry);
    } catch (e) {
      console.error("registry: report failed", userId, e);
      return false;
    }
    this.remember(entry);
    return true;
  }

  /**
   * Removes the user from the registry (erasure) and forgets what was written.
   * @example await reporter.forget(userId);
   */
  async forget(userId: string): Promise<void> {
    await this.#write(userId, null);
    this.#sql.exec("DELETE FROM registry_report");
  }
}
