/**
 * @module alexa-user/space-link
 * Which list space an Alexa user belongs to, and moving it (skill store;
 * src/space). The Alexa user's object keeps one row: the space, the app user
 * of the link that named it, and when that link (or unlink) happened. Rules:
 * - a user belongs to exactly one space at a time: the one named by its
 *   latest verified link, ordered by event time; an older link arriving late
 *   (a redelivered `SkillAccountLinked`) changes nothing;
 * - relinking moves it: the new space gets the member, the old one loses it,
 *   and the old app user no longer resolves to it (src/linking/app-user-link.ts);
 * - unlinking puts it back in its personal space;
 * - leaving a personal space for a linked one merges the personal lists into
 *   the linked space and erases the personal space; a 0.2 user's own tables
 *   (src/alexa-user/legacy-lists.ts) move into its space the same way, once.
 * Every remote step is idempotent and runs before the row is written, so a
 * failure (answered 503, redelivered by Alexa) simply runs them again.
 * With the household store there are no spaces: only the app user mapping moves.
 */
import type { Env } from "../env.ts";
import { listStoreKind } from "../shared/list-store.ts";
import type { JoinOutcome } from "../space/members.ts";
import { spaceStub } from "../space/rpc.ts";
import { personalSpaceId, spaceKind } from "../space/space-id.ts";
import type { Locale } from "../voice/intents.ts";
import { dropLegacyLists, legacyLists } from "./legacy-lists.ts";
import { whenCreated } from "../storage/schema.ts";

/** The user's space as of its latest link or unlink. */
export interface SpaceMembership {
  /** null with the household store. */
  spaceId: string | null;
  appUserId: string | null;
  /** When the link (or unlink, or first contact) happened, ms. */
  at: number;
}

/** What a request says about the user's link. */
export type LinkChange = { kind: "link"; appUserId: string; spaceId: string; at: number } | { kind: "unlink"; at: number } | { kind: "keep"; at: number };

/** What {@link SpaceLink.settle} found: the membership to commit (with `commit`), or a stale change. */
export type Settled = { stale: true; membership: SpaceMembership | null } | { stale: false; membership: SpaceMembership; joined: JoinOutcome | "erased" | null; commit: () => void };

interface Row extends Record<string, SqlStorageValue> {
  space_id: string | null;
  app_user_id: string | null;
  at: number;
}

/**
 * Creates the table (idempotent). Not part of the user's schema since its
 * version 5: a user is settled at its first use of the lists (a voice turn,
 * the REST API), not at `SkillEnabled`, so the table is created with its first
 * row ({@link SpaceLink.settle}'s commit) and read as "none" until then.
 * @example migrateSpaceLink(sql);
 */
export function migrateSpaceLink(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS space_membership (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    space_id TEXT,
    app_user_id TEXT,
    at INTEGER NOT NULL
  )`);
}

export interface SpaceLinkDeps {
  sql: SqlStorage;
  env: Env;
  userId: () => string;
}

/**
 * @example
 * const settled = await spaces.settle({ kind: "link", appUserId: "u1", spaceId: "fam-1", at }, "en-US");
 * if (!settled.stale) ctx.storage.transactionSync(settled.commit);
 */
export class SpaceLink {
  constructor(private readonly d: SpaceLinkDeps) {}

  /** The stored membership, or null before the first settle. @example spaces.current()?.spaceId */
  current(): SpaceMembership | null {
    const row = whenCreated(() => this.d.sql.exec<Row>(`SELECT space_id, app_user_id, at FROM space_membership WHERE id = 1`).toArray()[0], undefined);
    return row ? { spaceId: row.space_id, appUserId: row.app_user_id, at: row.at } : null;
  }

  /**
   * Works out the user's space after `change`, and does the remote steps
   * (join, leave, merge, app user mapping); the caller commits `commit` in
   * its transaction.
   * @example const s = await spaces.settle({ kind: "keep", at: now }, locale);
   */
  async settle(change: LinkChange, locale: Locale): Promise<Settled> {
    const { env } = this.d;
    const userId = this.d.userId();
    const skill = listStoreKind(env) !== "household";
    const cur = this.current();
    const personal = async (at: number): Promise<SpaceMembership> => ({ spaceId: skill ? await personalSpaceId(userId) : null, appUserId: null, at });
    let target: SpaceMembership;
    if (change.kind === "link") {
      const same = cur !== null && cur.appUserId === change.appUserId && (!skill || cur.spaceId === change.spaceId);
      if (!same && cur !== null && change.at < cur.at) return { stale: true, membership: cur };
      target = same ? cur : { spaceId: skill ? change.spaceId : null, appUserId: change.appUserId, at: change.at };
    } else if (change.kind === "unlink") {
      if (cur !== null && change.at < cur.at) return { stale: true, membership: cur };
      target = cur !== null && cur.appUserId === null ? cur : await personal(change.at);
    } else {
      target = cur ?? (await personal(change.at));
    }

    let joined: JoinOutcome | "erased" | null = null;
    const legacy = skill ? legacyLists(this.d.sql) : [];
    if (target.spaceId !== null) {
      const space = spaceStub(env, target.spaceId);
      joined = (await space.join(userId, target.appUserId, target.at)).outcome;
      if (cur?.spaceId && cur.spaceId !== target.spaceId) {
        const old = spaceStub(env, cur.spaceId);
        if (spaceKind(cur.spaceId) === "personal") {
          const lists = await old.exportLists();
          if (lists.some((l) => l.items.length > 0 || l.defaultKind === null) && joined !== "erased") await space.mergeIn(lists, locale);
          await old.eraseSpace();
        } else {
          await old.leave(userId, target.at);
        }
      }
      if (legacy.length > 0 && joined !== "erased") await space.mergeIn(legacy, locale);
    }
    if (cur?.appUserId && cur.appUserId !== target.appUserId) await env.APP_USERS.getByName(cur.appUserId).unlink(userId);
    if (target.appUserId !== null && (cur?.appUserId !== target.appUserId || cur.spaceId !== target.spaceId)) {
      await env.APP_USERS.getByName(target.appUserId).link(userId, target.at, target.spaceId);
    }
    const sql = this.d.sql;
    return {
      stale: false,
      membership: target,
      joined,
      commit: () => {
        migrateSpaceLink(sql);
        sql.exec(
          `INSERT INTO space_membership (id, space_id, app_user_id, at) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET space_id = excluded.space_id, app_user_id = excluded.app_user_id, at = excluded.at`,
          target.spaceId,
          target.appUserId,
          target.at,
        );
        if (legacy.length > 0) dropLegacyLists(sql);
      },
    };
  }

  /**
   * `SkillDisabled`: the user stops being a member of its space at once, so
   * its voice no longer reaches the lists while its erasure waits.
   * @example await spaces.leave(at);
   */
  async leave(at: number): Promise<void> {
    const cur = this.current();
    if (cur?.spaceId != null) await spaceStub(this.d.env, cur.spaceId).leave(this.d.userId(), at);
  }

  /**
   * Erasure (`SkillDisabled`): leaves a linked space (its lists stay, they
   * are the app's), erases a personal one. Best effort, logged.
   * @example await spaces.forget(now);
   */
  async forget(at: number): Promise<void> {
    const cur = this.current();
    if (cur?.spaceId == null) return;
    const space = spaceStub(this.d.env, cur.spaceId);
    if (spaceKind(cur.spaceId) === "personal") await space.eraseSpace();
    else await space.leave(this.d.userId(), at);
  }
}
