/**
 * @module alexa-user/held-deletes
 * Deletes held back for a possible move (see src/sync/moves.ts), stored
 * durably so that an eviction or a restart cannot lose them: the object's
 * alarm releases them. Synchronous SQL.
 */
import { ensureTable, notWithoutRowid } from "../storage/schema.ts";
import type { HeldDelete } from "../sync/moves.ts";

/**
 * Creates the table (idempotent).
 * @example migrateHeldDeletes(ctx.storage.sql);
 */
export function migrateHeldDeletes(sql: SqlStorage): void {
  // WITHOUT ROWID: the key is the table (one row per insert, not two); older databases are rebuilt.
  ensureTable(sql, "held_deletes", (t) => `CREATE TABLE IF NOT EXISTS ${t} (
      item_id TEXT PRIMARY KEY,
      list_id TEXT NOT NULL,
      held_at INTEGER NOT NULL,
      release_at INTEGER NOT NULL
    ) WITHOUT ROWID`, {
    columns: "item_id, list_id, held_at, release_at",
    outdated: notWithoutRowid,
  });
  sql.exec(`CREATE INDEX IF NOT EXISTS held_deletes_release ON held_deletes (release_at)`);
}

interface Row extends Record<string, SqlStorageValue> {
  item_id: string;
  list_id: string;
  held_at: number;
  release_at: number;
}

/**
 * @example
 * const held = new HeldDeletes(sql);
 * held.hold({ itemId, listId, heldAt: now, releaseAt: now + DELETE_HOLD_MS });
 * held.due(now + DELETE_HOLD_MS); // [that delete]
 */
export class HeldDeletes {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Holds a delete; a second hold of the same item keeps the first time. @example held.hold(d) */
  hold(d: HeldDelete): void {
    this.#sql.exec(
      `INSERT INTO held_deletes (item_id, list_id, held_at, release_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (item_id) DO UPDATE SET list_id = excluded.list_id`,
      d.itemId,
      d.listId,
      d.heldAt,
      d.releaseAt,
    );
  }

  /** @example held.get("i1") */
  get(itemId: string): HeldDelete | null {
    const r = this.#sql.exec<Row>(`SELECT * FROM held_deletes WHERE item_id = ?`, itemId).toArray()[0];
    return r ? toHeld(r) : null;
  }

  /** @example held.remove("i1") */
  remove(itemId: string): void {
    this.#sql.exec(`DELETE FROM held_deletes WHERE item_id = ?`, itemId);
  }

  /** Holds whose time has come, oldest first. @example held.due(now) */
  due(now: number): HeldDelete[] {
    return this.#sql
      .exec<Row>(`SELECT * FROM held_deletes WHERE release_at <= ? ORDER BY held_at, item_id`, now)
      .toArray()
      .map(toHeld);
  }

  /** The next release time, or `null`. @example held.nextReleaseAt() */
  nextReleaseAt(): number | null {
    return this.#sql.exec<{ t: number | null }>(`SELECT MIN(release_at) AS t FROM held_deletes`).one().t;
  }
}

function toHeld(r: Row): HeldDelete {
  return { itemId: r.item_id, listId: r.list_id, heldAt: r.held_at, releaseAt: r.release_at };
}
