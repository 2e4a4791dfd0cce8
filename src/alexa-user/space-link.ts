/**
 * @module alexa-user/space-link
 * Which list space an Alexa user belongs to, and moving it (skill store;
 * src/space). The Alexa user's object keeps (in its profile row) the space,
 * the app user of the link that named it, and when that link (or unlink)
 * happened. Rules:
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

/**
 * Where the membership is kept: columns of the Alexa user's profile row
 * (src/alexa-user/profile.ts), which every request reads anyway; a one-row
 * table of its own cost a page, two rows to create and a statement per read.
 * Written in the caller's transaction, after the profile row exists.
 */
export interface MembershipSlot {
  read(): SpaceMembership | null;
  write(m: SpaceMembership): void;
}

export interface SpaceLinkDeps {
  sql: SqlStorage;
  env: Env;
  userId: () => string;
  membership: MembershipSlot;
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
    return this.d.membership.read();
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
        this.d.membership.write(target);
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
