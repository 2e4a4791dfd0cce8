/**
 * @module space/members
 * Who belongs to a space: the Alexa userIds whose latest verified link names
 * it (with their app user and link time), or, for a personal space, its one
 * Alexa user. A member who left (relinked elsewhere, unlinked, disabled the
 * skill) keeps a row marked `left` with the time it left, so that a late,
 * redelivered link older than that departure does not bring it back: joins
 * and departures are ordered by the time they happened, not by arrival.
 */

interface MemberRow extends Record<string, SqlStorageValue> {
  user_id: string;
  app_user_id: string | null;
  state: "member" | "left";
  at: number;
}

/** A member as `GET /v1/spaces/{spaceId}` shows it (`linkedAt` ms here; the route formats it). */
export interface Member {
  userId: string;
  appUserId: string | null;
  linkedAt: number;
}

/** What {@link Members.join} did. */
export type JoinOutcome = "joined" | "unchanged" | "stale";

/**
 * Creates the table (idempotent). WITHOUT ROWID: keyed by text, so one row
 * written per join instead of a table row and an index entry. @example migrateMembers(ctx.storage.sql);
 */
export function migrateMembers(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS space_members (
    user_id TEXT PRIMARY KEY,
    app_user_id TEXT,
    state TEXT NOT NULL,
    at INTEGER NOT NULL
  ) WITHOUT ROWID`);
}

/**
 * @example
 * members.join("amzn1.ask.account.A", "app-user-1", at); // "joined"
 * members.leave("amzn1.ask.account.A", later); // true
 */
export class Members {
  constructor(private readonly sql: SqlStorage) {}

  /** Adds or updates a member as of `at`, unless something later is known of it. @example members.join(userId, appUserId, at) */
  join(userId: string, appUserId: string | null, at: number): JoinOutcome {
    const row = this.#row(userId);
    if (row && row.at > at) return "stale";
    if (row && row.state === "member" && row.app_user_id === appUserId) return "unchanged";
    this.sql.exec(
      `INSERT INTO space_members (user_id, app_user_id, state, at) VALUES (?, ?, 'member', ?)
       ON CONFLICT (user_id) DO UPDATE SET app_user_id = excluded.app_user_id, state = 'member', at = excluded.at`,
      userId,
      appUserId,
      at,
    );
    return "joined";
  }

  /** Marks a member gone as of `at`, unless it joined later; true when it was a member. @example members.leave(userId, at) */
  leave(userId: string, at: number): boolean {
    const row = this.#row(userId);
    if (row && row.at > at) return false;
    this.sql.exec(
      `INSERT INTO space_members (user_id, app_user_id, state, at) VALUES (?, NULL, 'left', ?)
       ON CONFLICT (user_id) DO UPDATE SET app_user_id = NULL, state = 'left', at = excluded.at`,
      userId,
      at,
    );
    return row?.state === "member";
  }

  /** The member's row if it is one now. @example members.get(userId)?.appUserId */
  get(userId: string): Member | null {
    const row = this.#row(userId);
    return row && row.state === "member" ? { userId: row.user_id, appUserId: row.app_user_id, linkedAt: row.at } : null;
  }

  /** Current members, earliest link first. @example members.list().length */
  list(): Member[] {
    return this.sql
      .exec<MemberRow>(`SELECT * FROM space_members WHERE state = 'member' ORDER BY at, user_id`)
      .toArray()
      .map((r) => ({ userId: r.user_id, appUserId: r.app_user_id, linkedAt: r.at }));
  }

  #row(userId: string): MemberRow | null {
    return this.sql.exec<MemberRow>(`SELECT * FROM space_members WHERE user_id = ?`, userId).toArray()[0] ?? null;
  }
}
