/**
 * @module space/undo-journal
 * The skill store's memory for "undo": the latest voice changes, newest last,
 * in the `skill_undo` table (created by migrateSkillLists, skill-tables.ts),
 * kept per actor (src/space/actor.ts: `actorKey`), so that in a shared space
 * "undo" reverts the speaker's own latest change, never a family member's.
 * It only stores and hands back entries, each as opaque JSON: what a change's
 * inverse is, and applying it, stay with the skill store. Kept apart so the
 * window and the depth are one small thing to read and test.
 */

/** How long "undo" can revert a voice change. */
export const UNDO_WINDOW_MS = 60 * 60 * 1000;
/** Voice changes kept for "undo" per actor (undo after undo goes further back). */
export const UNDO_DEPTH = 20;

/**
 * The latest voice changes' entries (JSON) in `skill_undo`: at most
 * {@link UNDO_DEPTH} per actor, of which those younger than {@link UNDO_WINDOW_MS} count.
 * @example
 * const journal = new UndoJournal<{ summary: string }>(sql);
 * journal.remember("voice:A", { summary: "add milk" }, now);
 * journal.latest("voice:A", now); // { summary: "add milk" }
 * journal.latest("voice:B", now); // null: B's undo never reverts A's change
 * journal.take("voice:A", now); // { summary: "add milk" }, and it is gone
 */
export class UndoJournal<Entry> {
  readonly #sql: SqlStorage;

  /** @example const journal = new UndoJournal<UndoEntry>(ctx.storage.sql); */
  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /**
   * Keeps `entry` as the actor's newest, made at `at`; the actor's oldest
   * beyond {@link UNDO_DEPTH} are dropped, and anyone's older than the window.
   * @example journal.remember("voice:A", { summary, inverse }, now);
   */
  remember(actor: string, entry: Entry, at: number): void {
    this.#sql.exec(`INSERT INTO skill_undo (actor, at, entry) VALUES (?, ?, ?)`, actor, at, JSON.stringify(entry));
    this.#sql.exec(
      `DELETE FROM skill_undo WHERE actor = ? AND seq NOT IN (SELECT seq FROM skill_undo WHERE actor = ? ORDER BY seq DESC LIMIT ?)`,
      actor,
      actor,
      UNDO_DEPTH,
    );
    this.#sql.exec(`DELETE FROM skill_undo WHERE at <= ?`, at - UNDO_WINDOW_MS);
  }

  /**
   * The actor's newest entry made within {@link UNDO_WINDOW_MS} before `now`, or null (none, or it is too old).
   * @example journal.latest("voice:A", now)?.summary
   */
  latest(actor: string, now: number): Entry | null {
    return this.#newest(actor, now)?.entry ?? null;
  }

  /**
   * Like {@link latest}, and removes it, so the next take goes further back.
   * @example const entry = journal.take("voice:A", now); if (entry) revert(entry.inverse);
   */
  take(actor: string, now: number): Entry | null {
    const newest = this.#newest(actor, now);
    if (!newest) return null;
    this.#sql.exec(`DELETE FROM skill_undo WHERE seq = ?`, newest.seq);
    return newest.entry;
  }

  #newest(actor: string, now: number): { seq: number; entry: Entry } | null {
    const row = this.#sql
      .exec<{ seq: number; entry: string }>(
        `SELECT seq, entry FROM skill_undo WHERE actor = ? AND at > ? ORDER BY seq DESC LIMIT 1`,
        actor,
        now - UNDO_WINDOW_MS,
      )
      .toArray()[0];
    return row ? { seq: row.seq, entry: JSON.parse(row.entry) as Entry } : null;
  }
}
