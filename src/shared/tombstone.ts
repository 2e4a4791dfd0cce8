/**
 * @module shared/tombstone
 * The mark an erasure leaves in an Alexa user's object (and, the same way, in
 * a list space's, src/space/list-space.ts): one row, no personal data
 * (the object's name is the Alexa user id; the row holds only when it was
 * erased and when the mark expires). While it exists, the object is retired:
 * every Alexa request for this id is acknowledged (200) with no effect and no
 * webhook, and the REST API finds no user. Without it, a late or reordered
 * `SkillEnabled`, `SkillAccountLinked`, list event or voice request (Alexa
 * redelivers for up to an hour, and events may arrive out of order) would
 * create a fresh, enabled profile for a user whose data was just erased.
 *
 * Alexa gives a new user id when the skill is enabled again, so nothing for
 * the old id can be legitimate after `SkillDisabled`. The mark lasts
 * {@link TOMBSTONE_TTL_MS}, beyond the 25 h for which the object remembers
 * handled deliveries (and Alexa's redelivery horizon); the object's alarm
 * removes it then.
 */

import type { AlarmParticipant } from "./schedule.ts";

/** How long the mark outlives the erasure: the 25 h redelivery horizon plus an hour of margin. */
export const TOMBSTONE_TTL_MS = 26 * 60 * 60 * 1000;

/**
 * Creates the table (idempotent).
 * @example migrateTombstone(ctx.storage.sql);
 */
export function migrateTombstone(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS erasure_tombstone (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    erased_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  )`);
}

/**
 * The erasure mark of one user's object.
 * @example
 * tombstone.write(now); // right after deleteAll()
 * if (tombstone.active(now)) return ACK;
 */
export class Tombstone implements AlarmParticipant {
  readonly name = "tombstone";
  readonly #sql: SqlStorage;
  readonly #present: () => boolean;

  /**
   * `present`: whether the table exists (default: always). An owner that
   * creates it only at an erasure (the Alexa user's object) answers false
   * until then: no mark, and no statement to find that out.
   */
  constructor(sql: SqlStorage, present: () => boolean = () => true) {
    this.#sql = sql;
    this.#present = present;
  }

  /** Marks the object erased at `now`. @example tombstone.write(now) */
  write(now: number): void {
    this.#sql.exec(
      `INSERT INTO erasure_tombstone (id, erased_at, expires_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET erased_at = excluded.erased_at, expires_at = excluded.expires_at`,
      now,
      now + TOMBSTONE_TTL_MS,
    );
  }

  /** When the mark expires, or `null` when there is none. @example tombstone.expiresAt() */
  expiresAt(): number | null {
    if (!this.#present()) return null;
    return this.#sql.exec<{ expires_at: number }>(`SELECT expires_at FROM erasure_tombstone WHERE id = 1`).toArray()[0]?.expires_at ?? null;
  }

  /** When the erasure happened, or `null` when there is no mark. @example tombstone.erasedAt() */
  erasedAt(): number | null {
    if (!this.#present()) return null;
    return this.#sql.exec<{ erased_at: number }>(`SELECT erased_at FROM erasure_tombstone WHERE id = 1`).toArray()[0]?.erased_at ?? null;
  }

  /** Removes the mark (a list space started again by a newer link or an app write). @example tombstone.clear() */
  clear(): void {
    if (!this.#present()) return;
    this.#sql.exec(`DELETE FROM erasure_tombstone WHERE id = 1`);
  }

  /** True while the mark stands (not yet expired). @example if (tombstone.active(now)) ... */
  active(now: number): boolean {
    const at = this.expiresAt();
    return at !== null && at > now;
  }

  /** Alarm part: drops an expired mark. @example await tombstone.runDue(now) */
  async runDue(now: number): Promise<number | null> {
    const at = this.expiresAt();
    if (at === null) return null;
    if (at > now) return at;
    this.#sql.exec(`DELETE FROM erasure_tombstone WHERE id = 1`);
    return null;
  }
}
