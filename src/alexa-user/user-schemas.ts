/**
 * @module alexa-user/user-schemas
 * The Alexa user's object's tables, as four schemas (src/storage/schema.ts),
 * so that each user pays (in rows written to create, and 4 KiB pages to
 * keep) only for the tables it uses: every table is at least a page and two
 * rows written, and most users use the skill store and are never erased.
 * - {@link ALEXA_USER_SCHEMA}: what every store uses, at every start;
 * - {@link ALEXA_USER_HOUSEHOLD_SCHEMA}: the household store's, at every start
 *   with `ALEXA_LISTS=household` (so a deployment that switches gets them);
 * - {@link ALEXA_USER_OUTBOX_SCHEMA}: with the household store at every start,
 *   with the skill store at the app's first skill message;
 * - {@link ALEXA_USER_TOMBSTONE_SCHEMA}: at the erasure that writes the mark.
 * {@link ensureUserSchemas} checks them all with one statement and says
 * which of the last two exist (their parts read nothing until then).
 */
import { migrateDedupe, migrateDedupeIndex } from "./dedupe.ts";
import { migrateEcho } from "./echo.ts";
import { migrateHeldDeletes } from "./held-deletes.ts";
import { migrateItemMap } from "./item-map.ts";
import { migrateOpProgress } from "./op-progress.ts";
import { migrateDefaultLists, migrateProfile } from "./profile.ts";
import { createOutboxTables } from "../shared/outbox/store.ts";
import { migrateTombstone } from "../shared/tombstone.ts";
import { migrateWebhookQueue } from "../shared/webhook-queue.ts";
import { ensureSchemas, storedVersions, type Schema } from "../storage/schema.ts";

/**
 * The user object's tables every store uses. Raise `version` with every
 * change to a part's tables; the migration functions are idempotent. Version
 * 2: the webhook queue without AUTOINCREMENT and UNIQUE msg_id (fewer rows
 * per webhook). Version 3: the tables keyed by text (dedupe, op progress, own
 * writes, held deletes, item map) WITHOUT ROWID (one row per insert instead
 * of two). Version 4: the space membership (space-link.ts); the skill store's
 * tables left for the list space's object (0.2's move once: legacy-lists.ts).
 * Version 5: only what every store uses (each table is at least a 4 KiB page
 * and two rows written to create): the household store's tables went to
 * {@link ALEXA_USER_HOUSEHOLD_SCHEMA}, the outbox to {@link ALEXA_USER_OUTBOX_SCHEMA},
 * the erasure mark to {@link ALEXA_USER_TOMBSTONE_SCHEMA}; the app user id, the
 * registry report and the space membership (space-link.ts) moved into the
 * profile row. An older database keeps its
 * tables (a skill store user's household tables stay, empty and unread).
 * @example ensureSchemas(ctx, [ALEXA_USER_SCHEMA]);
 */
export const ALEXA_USER_SCHEMA: Schema = {
  name: "alexa-user",
  version: 5,
  migrate: (sql) => {
    migrateProfile(sql);
    migrateDedupe(sql);
    migrateWebhookQueue(sql);
  },
};

/**
 * The household store's tables (`ALEXA_LISTS=household`): Alexa's item ids,
 * echoes of its own writes, held deletes, operations in progress, the default
 * lists' ids, and the dedupe index its list events need. Ensured at every
 * start with that store, so a deployment that switches to it later gets them
 * then. Must come after {@link ALEXA_USER_SCHEMA}: it indexes its dedupe table
 * (a change that rebuilds that table must raise this version too).
 * @example ensureSchemas(ctx, [ALEXA_USER_SCHEMA, ALEXA_USER_HOUSEHOLD_SCHEMA]);
 */
export const ALEXA_USER_HOUSEHOLD_SCHEMA: Schema = {
  name: "alexa-user-household",
  version: 1,
  migrate: (sql) => {
    migrateDefaultLists(sql);
    migrateDedupeIndex(sql);
    migrateItemMap(sql);
    migrateEcho(sql);
    migrateHeldDeletes(sql);
    migrateOpProgress(sql);
  },
};

/**
 * The outbox (app operations sent by Skill Messaging): always with the
 * household store; with the skill store it carries only the app's skill
 * messages, so it is created at the first one (or found, in an object of an
 * older version or of the household store).
 * @example if (!present.outbox) ensureSchema(ctx, ALEXA_USER_OUTBOX_SCHEMA);
 */
export const ALEXA_USER_OUTBOX_SCHEMA: Schema = {
  name: "alexa-user-outbox",
  version: 1,
  migrate: (sql) => createOutboxTables(sql),
};

/**
 * The erasure mark (src/shared/tombstone.ts), created by the erasure that
 * writes it: an object never erased reads no mark, without a statement.
 * @example await ctx.storage.deleteAll(); ensureSchema(ctx, ALEXA_USER_TOMBSTONE_SCHEMA); tombstone.write(now);
 */
export const ALEXA_USER_TOMBSTONE_SCHEMA: Schema = {
  name: "alexa-user-tombstone",
  version: 1,
  migrate: (sql) => migrateTombstone(sql),
};

/** The schemas created at first use, and the table that tells an older database (before version 5) has one already. */
const CREATED_AT_FIRST_USE: readonly [Schema, string][] = [
  [ALEXA_USER_OUTBOX_SCHEMA, "outbox_ops"],
  [ALEXA_USER_TOMBSTONE_SCHEMA, "erasure_tombstone"],
];

/**
 * Makes the object's schemas current (one `SELECT` when they are) and answers
 * which of those created at first use exist. Run at every start (and after
 * an erasure's `deleteAll()`).
 * @example const present = ensureUserSchemas(ctx, listStoreKind(env) === "household"); if (present.outbox) …
 */
export function ensureUserSchemas(ctx: DurableObjectState, household: boolean): { outbox: boolean; tombstone: boolean } {
  const sql = ctx.storage.sql;
  const versions = storedVersions(sql);
  const migrated = ensureSchemas(ctx, household ? [ALEXA_USER_SCHEMA, ALEXA_USER_HOUSEHOLD_SCHEMA, ALEXA_USER_OUTBOX_SCHEMA] : [ALEXA_USER_SCHEMA], versions);
  if (migrated.length > 0) {
    // An object from before version 5 has these tables already (skill messages pending, an erasure mark standing).
    const unknown = CREATED_AT_FIRST_USE.filter(([schema]) => !versions.has(schema.name));
    const found = new Set(
      unknown.length === 0
        ? []
        : sql
            .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${unknown.map(() => "?").join(", ")})`, ...unknown.map(([, table]) => table))
            .toArray()
            .map((r) => r.name),
    );
    const present = unknown.filter(([, table]) => found.has(table)).map(([schema]) => schema);
    if (present.length > 0) ensureSchemas(ctx, present, versions);
  }
  return { outbox: versions.has(ALEXA_USER_OUTBOX_SCHEMA.name), tombstone: versions.has(ALEXA_USER_TOMBSTONE_SCHEMA.name) };
}
