/**
 * @module space/undo-journal
 * The skill store's memory for "undo": the latest voice changes, newest last,
 * in the `skill_undo` table (created by migrateSkillLists, skill-tables.ts).
 * It only stores and hands back entries, each as opaque JSON: what a change's
 * inverse is, and applying it, stay with the skill store. Kept apart so the
 * window and the depth are one small thing to read and test.
 */

/** How long "undo" can revert a voice change. */
export const UNDO_WINDOW_MS = 60 * 60 * 1000;
/** Voice changes kept for "undo" (undo after undo goes further back). */
export const UNDO_DEPTH = 20;

/**
 * The latest voice changes' entries (JSON) in `skill_undo`: at most
 * {@link UNDO_DEPTH}, of which those younger than {@link UNDO_WINDOW_MS} count.
 * @example
 * const journal = new UndoJournal<{ summary: string }>(sql);
 * journal.remember({ summary: "add milk" }, now);
 * journal.latest(now); // { summary: "add milk" }
 * journal.take(now); // { summary: "add milk" }, and it is gone
 */
export class UndoJournal<Entry> {
  readonly #sql: SqlStorage;

  /** @example const journal = new UndoJournal<UndoEntry>(ctx.storage.sql); */
  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /**
   * Keeps `entry` as the newest, made at `at`; the oldest beyond {@link UNDO_DEPTH} are dropped.
   * @example journal.remember({ summary, inverse }, now);
   */
  remember(entry: Entry, at: number): void {
    this.#sql.exec(`INSERT INTO skill_undo (at, entry) VALUES (?, ?)`, at, JSON.stringify(entry));
    this.#sql.exec(`DELETE FROM skill_undo WHERE seq NOT IN (SELECT seq FROM skill_undo ORDER BY seq DESC LIMIT ?)`, UNDO_DEPTH);
  }

  /**
   * The newest entry made within {@link UNDO_WINDOW_MS} before `now`, or null (none, or it is too old).
   * @example journal.latest(now)?.summary
   */
  latest(now: number): Entry | null {
    return this.#newest(now)?.entry ?? null;
  }

  /**
   * Like {@link latest}, and removes it, so the next take goes further back.
   * @example const entry = journal.take(now); if (entry) revert(entry.inverse);
   */
  take(now: number): Entry | null {
    const newest = this.#newest(now);
    if (!newest) return null;
    this.#sql.exec(`DELETE FROM skill_undo WHERE seq = ?`, newest.seq);
    return newest.entry;
  }

  #newest(now: number): { seq: number; entry: Entry } | null {
    const row = this.#sql
      .exec<{ seq: number; entry: string }>(`SELECT seq, entry FROM skill_undo WHERE at > ? ORDER BY seq DESC LIMIT 1`, now - UNDO_WINDOW_MS)
      .toArray()[0];
    return row ? { seq: row.seq, entry: JSON.parse(row.entry) as Entry } : null;
  }
}
