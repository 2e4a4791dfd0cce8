/**
 * @module alexa-user/echo
 * The bridge's own List API writes of one user, remembered for
 * {@link ECHO_RETENTION_MS} so that the events they cause can be recognised
 * (src/sync/echo.ts decides). Two hours: Alexa retries an event for up to one
 * hour, and a write's event normally arrives within seconds.
 * Synchronous SQL; also the alarm part that forgets old writes.
 */
import { ensureTable, notWithoutRowid } from "../storage/schema.ts";
import type { OwnWrite } from "../sync/echo.ts";
import type { AlarmParticipant } from "../shared/schedule.ts";

/** How long an own write is remembered. */
export const ECHO_RETENTION_MS = 2 * 60 * 60 * 1000;

/** `version` column value of a delete (SQLite primary keys cannot hold NULL reliably). */
const DELETE_VERSION = -1;

/**
 * Creates the table (idempotent).
 * @example migrateEcho(ctx.storage.sql);
 */
export function migrateEcho(sql: SqlStorage): void {
  // WITHOUT ROWID: the key is the table (one row per insert, not two); older databases are rebuilt.
  ensureTable(sql, "own_writes", (t) => `CREATE TABLE IF NOT EXISTS ${t} (
      item_id TEXT NOT NULL,
      version INTEGER NOT NULL,
      list_id TEXT NOT NULL,
      written_at INTEGER NOT NULL,
      PRIMARY KEY (item_id, version)
    ) WITHOUT ROWID`, {
    columns: "item_id, version, list_id, written_at",
    outdated: notWithoutRowid,
  });
  sql.exec(`CREATE INDEX IF NOT EXISTS own_writes_at ON own_writes (written_at)`);
}

/**
 * @example
 * const echoes = new EchoLog(sql);
 * echoes.recordWrite(item.id, listId, item.version, now);
 * isOwnItemEcho(fetched, listId, echoes.writesFor(fetched.id)); // true
 */
export class EchoLog implements AlarmParticipant {
  readonly name = "echo";
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Remembers a create or update the bridge made. @example echoes.recordWrite("i1", "L", 1, now) */
  recordWrite(itemId: string, listId: string, version: number, now: number): void {
    this.#insert(itemId, listId, version, now);
  }

  /** Remembers a delete the bridge made. @example echoes.recordDelete("i1", "L", now) */
  recordDelete(itemId: string, listId: string, now: number): void {
    this.#insert(itemId, listId, DELETE_VERSION, now);
  }

  /** The remembered writes of one item. @example echoes.writesFor("i1") */
  writesFor(itemId: string): OwnWrite[] {
    return this.#sql
      .exec<{ item_id: string; list_id: string; version: number }>(
        `SELECT item_id, list_id, version FROM own_writes WHERE item_id = ?`,
        itemId,
      )
      .toArray()
      .map((r) => ({ itemId: r.item_id, listId: r.list_id, version: r.version === DELETE_VERSION ? null : r.version }));
  }

  /** Forgets old writes. @example await echoes.runDue(now) */
  async runDue(now: number): Promise<number | null> {
    this.#sql.exec(`DELETE FROM own_writes WHERE written_at + ? <= ?`, ECHO_RETENTION_MS, now);
    return this.nextExpiry();
  }

  /** When the oldest remembered write expires, or `null`. @example echoes.nextExpiry() */
  nextExpiry(): number | null {
    const oldest = this.#sql.exec<{ t: number | null }>(`SELECT MIN(written_at) AS t FROM own_writes`).one().t;
    return oldest === null ? null : oldest + ECHO_RETENTION_MS;
  }

  #insert(itemId: string, listId: string, version: number, now: number): void {
    this.#sql.exec(
      `INSERT INTO own_writes (item_id, version, list_id, written_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (item_id, version) DO UPDATE SET list_id = excluded.list_id, written_at = excluded.written_at`,
      itemId,
      version,
      listId,
      now,
    );
  }
}
