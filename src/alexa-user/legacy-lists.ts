/**
 * @module alexa-user/legacy-lists
 * The upgrade from 0.2: a 0.2 deployment kept the skill store's lists in each
 * Alexa user's object (tables `skill_lists`, `skill_items`, `skill_undo`). On
 * that user's first request after the upgrade, src/alexa-user/space-link.ts
 * merges them into the user's list space (its linked space, or its personal
 * one) and drops the tables in the same transaction that records the
 * membership, so they move exactly once (a failure before the commit leaves
 * them, and the merge, being idempotent, runs again). The undo journal does
 * not move: its entries name items of the old tables.
 */
import { exportLists, type MovedList } from "../space/merge.ts";

/**
 * The 0.2 lists held in this object, or none (no tables, or nothing in them
 * but the two empty default lists).
 * @example const lists = legacyLists(ctx.storage.sql);
 */
export function legacyLists(sql: SqlStorage): MovedList[] {
  const tables = sql.exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('skill_lists', 'skill_items')`).toArray();
  if (tables.length < 2) return [];
  const lists = exportLists(sql);
  return lists.some((l) => l.items.length > 0 || l.defaultKind === null) ? lists : [];
}

/**
 * Drops the 0.2 tables (after their lists moved).
 * @example dropLegacyLists(ctx.storage.sql);
 */
export function dropLegacyLists(sql: SqlStorage): void {
  for (const t of ["skill_items", "skill_lists", "skill_undo"]) sql.exec(`DROP TABLE IF EXISTS ${t}`);
}
