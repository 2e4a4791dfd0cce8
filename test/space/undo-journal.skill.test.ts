// The undo journal on its own (src/space/undo-journal.ts): entries come
// back newest first, within the window, at most UNDO_DEPTH of them; what an
// entry means is the skill store's business (voice.skill.test.ts).
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrateSkillLists } from "../../src/space/skill-tables.ts";
import { UNDO_DEPTH, UNDO_ENTRY_MAX_BYTES, UNDO_STALE_MS, UNDO_WINDOW_MS, UndoJournal } from "../../src/space/undo-journal.ts";
import { newUserId, T0 } from "../alexa-user/fakes.ts";

interface Entry {
  n: number;
  values: string[];
}

/** A journal on a fresh object's SQLite (its own user, so an empty `skill_undo`). */
async function withJournal(tag: string, fn: (journal: UndoJournal<Entry>, sql: SqlStorage) => void): Promise<void> {
  await runInDurableObject(env.ALEXA_USER.getByName(newUserId(`undo-journal-${tag}`)), (_o, state) => {
    migrateSkillLists(state.storage.sql);
    fn(new UndoJournal<Entry>(state.storage.sql), state.storage.sql);
  });
}

const rows = (sql: SqlStorage): number => sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_undo`).one().n;

describe("UndoJournal", () => {
  it("an empty journal has nothing to give", async () => {
    await withJournal("empty", (journal) => {
      expect(journal.latest("voice:A", T0)).toBeNull();
      expect(journal.take("voice:A", T0)).toBeNull();
    });
  });

  it("hands back what it was given, as it was given (JSON), newest first; take goes further back", async () => {
    await withJournal("order", (journal, sql) => {
      journal.remember("voice:A", { n: 1, values: ["milk"] }, T0);
      journal.remember("voice:A", { n: 2, values: ["eggs", "salt & <pepper>"] }, T0 + 1000);
      expect(journal.latest("voice:A", T0 + 2000)).toEqual({ n: 2, values: ["eggs", "salt & <pepper>"] });
      // latest only looks.
      expect(journal.latest("voice:A", T0 + 2000)).toEqual({ n: 2, values: ["eggs", "salt & <pepper>"] });
      expect(rows(sql)).toBe(2);
      expect(journal.take("voice:A", T0 + 2000)).toMatchObject({ n: 2 });
      expect(journal.latest("voice:A", T0 + 2000)).toMatchObject({ n: 1 });
      expect(journal.take("voice:A", T0 + 2000)).toMatchObject({ n: 1 });
      expect(journal.take("voice:A", T0 + 2000)).toBeNull();
      expect(rows(sql)).toBe(0);
    });
  });

  it("the newest is the one remembered last, whatever its time", async () => {
    await withJournal("seq", (journal) => {
      journal.remember("voice:A", { n: 1, values: [] }, T0 + 5000);
      journal.remember("voice:A", { n: 2, values: [] }, T0);
      expect(journal.latest("voice:A", T0 + 6000)).toMatchObject({ n: 2 });
    });
  });

  it(`an entry counts for less than UNDO_WINDOW_MS (${UNDO_WINDOW_MS} ms), then neither latest nor take sees it`, async () => {
    await withJournal("window", (journal, sql) => {
      journal.remember("voice:A", { n: 1, values: ["milk"] }, T0);
      expect(journal.latest("voice:A", T0 + UNDO_WINDOW_MS - 1)).toMatchObject({ n: 1 });
      expect(journal.latest("voice:A", T0 + UNDO_WINDOW_MS)).toBeNull();
      expect(journal.take("voice:A", T0 + UNDO_WINDOW_MS)).toBeNull();
      // Too old to take, not deleted by looking.
      expect(rows(sql)).toBe(1);
    });
  });

  it("keeps each actor's entries apart: one actor's latest and take never see another's", async () => {
    await withJournal("actors", (journal) => {
      journal.remember("voice:A", { n: 1, values: ["milk"] }, T0);
      journal.remember("voice:B", { n: 2, values: ["eggs"] }, T0 + 1000);
      expect(journal.latest("voice:A", T0 + 2000)).toMatchObject({ n: 1 });
      expect(journal.take("voice:A", T0 + 2000)).toMatchObject({ n: 1 });
      expect(journal.take("voice:A", T0 + 2000)).toBeNull();
      expect(journal.take("voice:B", T0 + 2000)).toMatchObject({ n: 2 });
    });
  });

  it(`keeps the latest UNDO_DEPTH (${UNDO_DEPTH}) entries`, async () => {
    await withJournal("depth", (journal, sql) => {
      for (let n = 1; n <= UNDO_DEPTH + 5; n++) journal.remember("voice:A", { n, values: [] }, T0 + n);
      expect(rows(sql)).toBe(UNDO_DEPTH);
      const taken: number[] = [];
      for (let e = journal.take("voice:A", T0 + 100); e; e = journal.take("voice:A", T0 + 100)) taken.push(e.n);
      expect(taken).toEqual(Array.from({ length: UNDO_DEPTH }, (_, k) => UNDO_DEPTH + 5 - k));
    });
  });

  it(`an entry over UNDO_ENTRY_MAX_BYTES (${UNDO_ENTRY_MAX_BYTES}, half of SQLite's 2 MB row) is not kept, nor are the actor's older ones`, async () => {
    await withJournal("too-big", (journal, sql) => {
      expect(UNDO_ENTRY_MAX_BYTES).toBeLessThanOrEqual(1024 * 1024);
      expect(journal.remember("voice:A", { n: 1, values: ["milk"] }, T0)).toBe(true);
      // 1 MiB of 3-byte characters in fewer than 1 Mi UTF-16 units: measured in UTF-8, as SQLite stores it.
      const big = "€".repeat(Math.ceil(UNDO_ENTRY_MAX_BYTES / 3) + 1);
      expect(journal.remember("voice:A", { n: 2, values: [big] }, T0)).toBe(false);
      expect(rows(sql)).toBe(0);
      expect(journal.latest("voice:A", T0)).toBeNull();
      // An entry just within the bound is kept.
      const within = "a".repeat(UNDO_ENTRY_MAX_BYTES - JSON.stringify({ n: 3, values: [""] }).length);
      expect(journal.remember("voice:A", { n: 3, values: [within] }, T0)).toBe(true);
      expect(journal.latest("voice:A", T0)).toMatchObject({ n: 3 });
    });
  });
  it("a change writes one row, the journal full or not: the oldest slot (or an expired one) is overwritten in place", async () => {
    await withJournal("slots", (journal, sql) => {
      let cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
      const counted = new UndoJournal<Entry>({ exec: (q: string, ...b: SqlStorageValue[]) => { const c = sql.exec(q, ...b); cursors.push(c); return c; } } as unknown as SqlStorage);
      const written = (fn: () => void): number => {
        cursors = [];
        fn();
        return cursors.reduce((n, c) => n + c.rowsWritten, 0);
      };
      const each: number[] = [];
      for (let n = 1; n <= UNDO_DEPTH * 2; n++) each.push(written(() => counted.remember("voice:A", { n, values: [] }, T0 + n)));
      expect(each).toEqual(each.map(() => 1));
      expect(rows(sql)).toBe(UNDO_DEPTH);
      expect(journal.latest("voice:A", T0 + 100)).toMatchObject({ n: UNDO_DEPTH * 2 });
      // After the window: the next change reuses the oldest (expired) slot instead of adding one; the rest stay hidden.
      const later = T0 + UNDO_WINDOW_MS + 1000;
      journal.take("voice:A", T0 + 100);
      expect(rows(sql)).toBe(UNDO_DEPTH - 1);
      expect(written(() => counted.remember("voice:A", { n: 99, values: [] }, later))).toBe(1);
      expect(rows(sql)).toBe(UNDO_DEPTH - 1);
      expect(journal.take("voice:A", later)).toMatchObject({ n: 99 });
      expect(journal.take("voice:A", later)).toBeNull();
    });
  });

  it(`another actor's entries are dropped once UNDO_STALE_MS (${UNDO_STALE_MS} ms) past the window, with an actor's every UNDO_DEPTH-th change`, async () => {
    await withJournal("stale", (journal, sql) => {
      const stale = T0 + UNDO_WINDOW_MS + UNDO_STALE_MS;
      journal.remember("voice:B", { n: 0, values: ["eggs"] }, T0);
      for (let n = 1; n < UNDO_DEPTH; n++) journal.remember("voice:A", { n, values: [] }, stale + n);
      // A's 19 changes: B's entry is stale, not dropped yet.
      expect(sql.exec(`SELECT COUNT(*) AS n FROM skill_undo WHERE actor = 'voice:B'`).one().n).toBe(1);
      journal.remember("voice:A", { n: UNDO_DEPTH, values: [] }, stale + UNDO_DEPTH);
      expect(sql.exec(`SELECT COUNT(*) AS n FROM skill_undo WHERE actor = 'voice:B'`).one().n).toBe(0);
      // Not before UNDO_STALE_MS: C's entry, B's 20th change, C kept.
      journal.remember("voice:C", { n: 0, values: [] }, stale);
      for (let n = 1; n <= UNDO_DEPTH; n++) journal.remember("voice:B", { n, values: [] }, stale + UNDO_WINDOW_MS + UNDO_STALE_MS - 1);
      expect(sql.exec(`SELECT COUNT(*) AS n FROM skill_undo WHERE actor = 'voice:C'`).one().n).toBe(1);
    });
  });
});
