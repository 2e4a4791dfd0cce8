/**
 * @module space/undo-journal
 * The skill store's memory for "undo": the latest voice changes, newest last,
 * in the `skill_undo` table (created by migrateSkillLists, skill-tables.ts),
 * kept per actor (src/space/actor.ts: `actorKey`), so that in a shared space
 * "undo" reverts the speaker's own latest change, never a family member's.
 * It only stores and hands back entries, each as opaque JSON: what a change's
 * inverse is, and applying it, stay with the skill store. Kept apart so the
 * window and the depth are one small thing to read and test.
 *
 * Size: an entry is one row, and SQLite in a Durable Object refuses a value
 * over 2 MB, which would fail that voice turn every time. An entry holds what
 * one change touched, at most one list's items (500), so a remove or clear
 * of a full list of 256-character items with 256-character app ids stays
 * near 0.5 MB; {@link UNDO_ENTRY_MAX_BYTES} is the hard stop beyond that.
 */

/** How long "undo" can revert a voice change. */
export const UNDO_WINDOW_MS = 60 * 60 * 1000;
/** Voice changes kept for "undo" per actor (undo after undo goes further back). */
export const UNDO_DEPTH = 20;
/**
 * Most bytes (UTF-8 JSON) one entry may take: half of SQLite's 2 MB row limit.
 * A change whose entry would be larger is not kept (see {@link UndoJournal.remember}).
 */
export const UNDO_ENTRY_MAX_BYTES = 1024 * 1024;

const utf8 = new TextEncoder();
/** Over {@link UNDO_ENTRY_MAX_BYTES} in UTF-8; a UTF-16 unit takes at most 3 bytes, so most entries need no encoding to tell. */
function tooBig(json: string): boolean {
  return json.length * 3 > UNDO_ENTRY_MAX_BYTES && utf8.encode(json).length > UNDO_ENTRY_MAX_BYTES;
}

/**
 * How long an entry of another actor is kept after it expired (an actor
 * silent that long, e.g. a member who left): an actor's own expired entries
 * are overwritten by its next change, so they cost no delete; dropping
 * everyone else's at the window's end would cost one row written per entry
 * in a space with several speakers.
 */
export const UNDO_STALE_MS = 7 * 24 * 60 * 60 * 1000;

interface SlotRow extends Record<string, SqlStorageValue> {
  slot: number;
  n: number;
  at: number;
}

/**
 * The latest voice changes' entries (JSON) in `skill_undo`: at most
 * {@link UNDO_DEPTH} per actor, of which those younger than {@link UNDO_WINDOW_MS} count.
 *
 * Layout (skill-tables.ts): each actor has up to {@link UNDO_DEPTH} slots
 * (`PRIMARY KEY (actor, slot)`), each entry numbered `n` (the actor's newest
 * is the highest). A new entry takes a new slot while the actor has fewer
 * than {@link UNDO_DEPTH}, else it overwrites the actor's oldest (or an
 * expired one): one row written per change, with the journal full or not,
 * where an INSERT and a prune DELETE wrote two.
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
   * Keeps `entry` as the actor's newest, made at `at`; beyond
   * {@link UNDO_DEPTH} it replaces the actor's oldest; with every
   * {@link UNDO_DEPTH}-th of the actor's changes, other actors' entries
   * {@link UNDO_STALE_MS} past the window are dropped.
   * An entry over {@link UNDO_ENTRY_MAX_BYTES} is not kept, and neither are the
   * actor's older ones (undo would otherwise skip this change and revert one
   * before it): returns false, and the actor's "undo" then has nothing to undo.
   * @example journal.remember("voice:A", { summary, inverse }, now); // true
   */
  remember(actor: string, entry: Entry, at: number): boolean {
    const json = JSON.stringify(entry);
    if (tooBig(json)) {
      this.#sql.exec(`DELETE FROM skill_undo WHERE actor = ?`, actor);
      return false;
    }
    // Sorted here: ORDER BY on the unindexed `n` would read the actor's rows twice (billed rows read).
    const slots = this.#sql.exec<SlotRow>(`SELECT slot, n, at FROM skill_undo WHERE actor = ?`, actor).toArray().sort((a, b) => a.n - b.n);
    const n = (slots.at(-1)?.n ?? 0) + 1;
    const oldest = slots[0];
    if (oldest && (slots.length >= UNDO_DEPTH || oldest.at <= at - UNDO_WINDOW_MS)) {
      this.#sql.exec(`UPDATE skill_undo SET n = ?, at = ?, entry = ? WHERE actor = ? AND slot = ?`, n, at, json, actor, oldest.slot);
    } else {
      const used = new Set(slots.map((r) => r.slot));
      let slot = 0;
      while (used.has(slot)) slot++;
      this.#sql.exec(`INSERT INTO skill_undo (actor, slot, n, at, entry) VALUES (?, ?, ?, ?, ?)`, actor, slot, n, at, json);
    }
    // Every UNDO_DEPTH-th change of an actor: the DELETE scans the table (every actor's rows read, billed).
    if (n % UNDO_DEPTH === 0) this.#sql.exec(`DELETE FROM skill_undo WHERE at <= ? AND actor <> ?`, at - UNDO_WINDOW_MS - UNDO_STALE_MS, actor);
    return true;
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
    this.#sql.exec(`DELETE FROM skill_undo WHERE actor = ? AND slot = ?`, actor, newest.slot);
    return newest.entry;
  }

  #newest(actor: string, now: number): { slot: number; entry: Entry } | null {
    const row = this.#sql
      .exec<{ slot: number; entry: string }>(
        `SELECT slot, entry FROM skill_undo WHERE actor = ? AND at > ? ORDER BY n DESC LIMIT 1`,
        actor,
        now - UNDO_WINDOW_MS,
      )
      .toArray()[0];
    return row ? { slot: row.slot, entry: JSON.parse(row.entry) as Entry } : null;
  }
}
