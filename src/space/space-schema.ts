/**
 * @module space/space-schema
 * The list space object's tables as one versioned schema
 * (src/storage/schema.ts): a cold start of an existing space runs one SELECT
 * instead of a CREATE per table and index. Only the tables a space uses: the
 * skill store's lists, items and undo journal, its members, webhook queue,
 * operation bookkeeping (outbox tables) and erasure tombstone. Raise
 * `version` with every change; each part's migration is idempotent.
 */
import { createOutboxTables } from "../shared/outbox/store.ts";
import { migrateTombstone } from "../shared/tombstone.ts";
import { migrateWebhookQueue } from "../shared/webhook-queue.ts";
import type { Schema } from "../storage/schema.ts";
import { migrateMembers } from "./members.ts";
import { migrateSkillLists } from "./skill-tables.ts";

/**
 * Version 1: space_meta, members (WITHOUT ROWID), skill lists (undo journal
 * without AUTOINCREMENT), webhook queue, outbox tables, tombstone.
 * Version 2: `skill_lists` and `skill_items` WITHOUT ROWID (items keyed by
 * list order), no AUTOINCREMENT, `skill_undo` as per-actor slots
 * (skill-tables.ts; rows kept).
 * @example ensureSchema(ctx, LIST_SPACE_SCHEMA);
 */
export const LIST_SPACE_SCHEMA: Schema = {
  name: "list-space",
  version: 2,
  migrate: (sql) => {
    sql.exec(`CREATE TABLE IF NOT EXISTS space_meta (id INTEGER PRIMARY KEY CHECK (id = 1), created_at INTEGER NOT NULL)`);
    migrateMembers(sql);
    migrateSkillLists(sql);
    migrateWebhookQueue(sql);
    createOutboxTables(sql);
    migrateTombstone(sql);
  },
};
