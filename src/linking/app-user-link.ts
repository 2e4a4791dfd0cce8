/**
 * @module linking/app-user-link
 * The mapping appUserId → current Alexa userId: one Durable Object per app
 * user (class `AppUserLink`, binding `APP_USERS`, named by the verified `sub`),
 * holding one row. Alexa gives a new userId whenever a person disables and
 * re-enables the skill; when the same `sub` links on a new userId the row
 * moves to it, so the app keeps addressing its own user
 * (`/v1/app-users/{appUserId}/…`, webhooks' `appUserId`).
 *
 * Why its own class and not the registry's namespace with a name prefix: the
 * registry's objects create their tables and take part in the cron sweep; an
 * object here holds one row and is only ever asked "who is it now". A
 * separate class keeps each schema to one purpose, at the cost of one more
 * `[[migrations]]` entry (wrangler.toml, `v3`).
 *
 * Ordering: Alexa's events may arrive out of order and late, so each link
 * carries the time it happened (the event's creation time, or the request's
 * time); an older link than the one held does not move the row back.
 * The Alexa user's object calls {@link AppUserLink.unlink} when it erases
 * itself, when it relinks to another app user and when it is unlinked, which
 * clears the row only if it still names that user: an app user no longer
 * linked to an Alexa user does not resolve to it (nor to its list space).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { ensureSchema, type Schema } from "../storage/schema.ts";

interface LinkRow extends Record<string, SqlStorageValue> {
  user_id: string;
  linked_at: number;
  previous_user_id: string | null;
  space_id: string | null;
}

/** What {@link AppUserLink.link} did. @example if (r.outcome === "moved") console.log(r.previous); */
export type LinkOutcome = { outcome: "linked" | "unchanged" } | { outcome: "moved"; previous: string } | { outcome: "stale"; current: string };

/**
 * The link's table. Version 2 (0.3): the list space of the link (skill
 * store); rows of 0.2 have none (resolved through the Alexa user), so
 * existing rows keep NULL.
 * @example ensureSchema(ctx, APP_USER_LINK_SCHEMA);
 */
export const APP_USER_LINK_SCHEMA: Schema = {
  name: "app-user-link",
  version: 2,
  migrate: (sql) => {
    sql.exec(`CREATE TABLE IF NOT EXISTS app_user_link (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      user_id TEXT NOT NULL,
      linked_at INTEGER NOT NULL,
      previous_user_id TEXT,
      space_id TEXT
    )`);
    if (!sql.exec(`PRAGMA table_info(app_user_link)`).toArray().some((c) => c.name === "space_id")) {
      sql.exec(`ALTER TABLE app_user_link ADD COLUMN space_id TEXT`);
    }
  },
};

/**
 * One app user's current Alexa userId.
 * @example
 * await env.APP_USERS.getByName("app-user-1").link("amzn1.ask.account.NEW", Date.now());
 * await env.APP_USERS.getByName("app-user-1").resolve(); // "amzn1.ask.account.NEW"
 */
export class AppUserLink extends DurableObject<Env> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    ensureSchema(ctx, APP_USER_LINK_SCHEMA);
  }

  /**
   * Points this app user at `userId` as of `at` (ms), unless a later link is held.
   * @example await stub.link("amzn1.ask.account.X", Date.parse(event.eventCreationTime));
   */
  async link(userId: string, at: number, spaceId: string | null = null): Promise<LinkOutcome> {
    const row = this.#row();
    if (row && row.user_id === userId) {
      if (at > row.linked_at || (spaceId !== null && row.space_id !== spaceId && at >= row.linked_at)) {
        this.#sql.exec(`UPDATE app_user_link SET linked_at = ?, space_id = ? WHERE id = 1`, Math.max(at, row.linked_at), spaceId ?? row.space_id);
      }
      return { outcome: "unchanged" };
    }
    if (row && at < row.linked_at) return { outcome: "stale", current: row.user_id };
    this.#sql.exec(
      `INSERT INTO app_user_link (id, user_id, linked_at, previous_user_id, space_id) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, linked_at = excluded.linked_at, previous_user_id = excluded.previous_user_id,
         space_id = excluded.space_id`,
      userId,
      at,
      row?.user_id ?? null,
      spaceId,
    );
    return row ? { outcome: "moved", previous: row.user_id } : { outcome: "linked" };
  }

  /** The current Alexa userId, or null (never linked, or unlinked). @example await stub.resolve() */
  async resolve(): Promise<string | null> {
    return this.#row()?.user_id ?? null;
  }

  /**
   * The current Alexa userId and the list space of that link (null for a link
   * written before 0.3, or with the household store), or null.
   * @example await stub.whereIs() // { userId: "amzn1.ask.account.X", spaceId: "fam-1" }
   */
  async whereIs(): Promise<{ userId: string; spaceId: string | null } | null> {
    const row = this.#row();
    return row ? { userId: row.user_id, spaceId: row.space_id } : null;
  }

  /**
   * Forgets the mapping if it still names `userId` (that user's data was erased).
   * @example await stub.unlink("amzn1.ask.account.OLD") // true
   */
  async unlink(userId: string): Promise<boolean> {
    return this.#sql.exec(`DELETE FROM app_user_link WHERE id = 1 AND user_id = ?`, userId).rowsWritten > 0;
  }

  #row(): LinkRow | undefined {
    return this.#sql.exec<LinkRow>(`SELECT user_id, linked_at, previous_user_id, space_id FROM app_user_link WHERE id = 1`).toArray()[0];
  }
}
