/**
 * @module alexa-user/profile
 * What the user's object knows of the user: one row (enabled, region
 * endpoint, accepted permissions, the account-linking token as received, the
 * last full sync, a pending erasure), plus the cached ids of the default
 * shopping and to-do lists (household store), and the app's user id once a
 * verified account was linked (src/linking: with verification configured the
 * raw linking token is not stored, only this id).
 *
 * All methods are synchronous SQL so that callers can combine them with other
 * parts in one `transactionSync`. The request's `apiAccessToken` is never
 * stored: it is short-lived and belongs to one request.
 *
 * The profile row is read several times per request (webhook bodies, the
 * outbox, the registry report, the erasure check), so the store keeps the last
 * row it read: this object is the row's only writer, every write here drops
 * the copy, and the owner calls {@link ProfileStore.invalidate} when a
 * transaction fails or storage is wiped (a copy read inside a transaction
 * that rolls back would otherwise outlive it). Each SQL statement costs the
 * Durable Object roughly 10 µs of CPU in workerd; the copy saved about six
 * per list event (BENCHMARKS.md).
 */
import type { UserProfile } from "../shared/ports.ts";
import type { DefaultListKind } from "../alexa/list-ids.ts";
import type { SpaceMembership } from "./space-link.ts";

/** The `acceptedPermissions[].scope` that lets the skill read the user's lists. */
export const LIST_READ_SCOPE = "alexa::household:lists:read";

/**
 * Whether the user granted list read permission, i.e. whether a full sync can
 * succeed at all. Without it every List API read answers 403.
 * @example if (p.enabled && canReadLists(p)) outbox.enqueue({ kind: "sync" });
 */
export function canReadLists(profile: Pick<UserProfile, "acceptedPermissions">): boolean {
  return profile.acceptedPermissions.includes(LIST_READ_SCOPE);
}

interface ProfileRow extends Record<string, SqlStorageValue> {
  user_id: string;
  enabled: number;
  api_endpoint: string | null;
  accepted_permissions: string;
  linked_access_token: string | null;
  last_full_sync_at: number | null;
  erase_requested_at: number | null;
  app_user_id: string | null;
  registry_entry: string | null;
  space_id: string | null;
  space_app_user_id: string | null;
  space_at: number | null;
}

/** Columns added to the profile by version 5 (an older table gets them by `ALTER`). */
const PROFILE_ADDED_COLUMNS = [
  ["app_user_id", "TEXT"],
  ["linked_at", "INTEGER"],
  ["registry_entry", "TEXT"],
  ["space_id", "TEXT"],
  ["space_app_user_id", "TEXT"],
  ["space_at", "INTEGER"],
] as const;

/** The one-row tables of version 4 folded into the profile row: their columns, and the profile's that take them. */
const FOLDED = [
  { table: "linked_account", from: "app_user_id, linked_at", into: "app_user_id, linked_at" },
  { table: "registry_report", from: "entry", into: "registry_entry" },
  { table: "space_membership", from: "space_id, app_user_id, at", into: "space_id, space_app_user_id, space_at" },
] as const;

/**
 * Creates the profile table (idempotent). Since version 5 of the user's
 * schema the app user id, the registry report and the space membership live
 * in the profile row (each was a one-row table of its own, `linked_account`,
 * `registry_report`, `space_membership`: a page and two rows written to
 * create, one statement more per request that read it); an older database
 * gets the columns, the values moved over and the old tables dropped.
 * @example migrateProfile(ctx.storage.sql);
 */
export function migrateProfile(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS profile (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    user_id TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    api_endpoint TEXT,
    accepted_permissions TEXT NOT NULL DEFAULT '[]',
    linked_access_token TEXT,
    last_full_sync_at INTEGER,
    erase_requested_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    app_user_id TEXT,
    linked_at INTEGER,
    registry_entry TEXT,
    space_id TEXT,
    space_app_user_id TEXT,
    space_at INTEGER
  )`);
  // One look at the catalogue: the profile's columns, and which one-row tables of older versions remain.
  const stored = new Map(
    sql
      .exec<{ name: string; sql: string }>(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('profile', ${FOLDED.map(() => "?").join(", ")})`, ...FOLDED.map((f) => f.table))
      .toArray()
      .map((r) => [r.name, r.sql]),
  );
  for (const [column, type] of PROFILE_ADDED_COLUMNS) {
    if (!new RegExp(`\\b${column}\\b`).test(stored.get("profile") ?? "")) sql.exec(`ALTER TABLE profile ADD COLUMN ${column} ${type}`);
  }
  for (const f of FOLDED) {
    if (!stored.has(f.table)) continue;
    sql.exec(`UPDATE profile SET (${f.into}) = (SELECT ${f.from} FROM ${f.table} WHERE id = 1) WHERE id = 1 AND EXISTS (SELECT 1 FROM ${f.table})`);
    sql.exec(`DROP TABLE ${f.table}`);
  }
}

/**
 * The cached ids of Alexa's default lists (household store only: part of the
 * user's household schema, src/alexa-user/alexa-user.ts).
 * @example migrateDefaultLists(ctx.storage.sql);
 */
export function migrateDefaultLists(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS default_lists (
    kind TEXT PRIMARY KEY,
    list_id TEXT NOT NULL
  )`);
}

/**
 * The profile row of one user's object.
 * @example
 * const profile = new ProfileStore(ctx.storage.sql);
 * profile.touch("amzn1.ask.account.X", "https://api.eu.amazonalexa.com", now);
 * profile.get()?.apiEndpoint; // "https://api.eu.amazonalexa.com"
 */
export class ProfileStore {
  readonly #sql: SqlStorage;
  /** The last row read (`null`: read, no row; `undefined`: not read since the last write). */
  #cached: ProfileRow | null | undefined = undefined;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /**
   * Creates the row on first contact and records the region endpoint of the
   * latest request. A user we hear from has the skill enabled, unless a
   * `SkillDisabled` said otherwise (that flag is only changed by skill events).
   * Writes only when the row is missing or the endpoint changed: every request
   * touches, and a row written is billed, so a read that rewrote the same
   * values cost a row. `updated_at` is therefore the last change, not the
   * last request (nothing reads it as activity).
   * @example profile.touch(userId, envelope.context.System.apiEndpoint, now);
   */
  touch(userId: string, apiEndpoint: string | null, now: number): void {
    const row = this.#row();
    if (row && (apiEndpoint === null || apiEndpoint === row.api_endpoint)) return;
    this.#write(
      `INSERT INTO profile (id, user_id, api_endpoint, created_at, updated_at) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET
         api_endpoint = COALESCE(excluded.api_endpoint, profile.api_endpoint),
         updated_at = excluded.updated_at`,
      userId,
      apiEndpoint,
      now,
      now,
    );
  }

  /** The profile, or `null` before the first request. @example profile.get()?.enabled */
  get(): UserProfile | null {
    const row = this.#row();
    if (!row) return null;
    return {
      userId: row.user_id,
      enabled: row.enabled === 1,
      apiEndpoint: row.api_endpoint,
      acceptedPermissions: parseStringArray(row.accepted_permissions),
      linkedAccessToken: row.linked_access_token,
      lastFullSyncAt: row.last_full_sync_at,
    };
  }

  /** The user id, or `null` before the first request. @example profile.userId() */
  userId(): string | null {
    return this.#row()?.user_id ?? null;
  }

  /**
   * Enables or disables. Enabling never cancels a pending erasure: Alexa
   * gives a new user id when the skill is enabled again, so a `SkillEnabled`
   * for an id that was disabled is stale (reordered or redelivered), and
   * letting it win would keep data the user asked to be rid of. (The object
   * does not even handle it: src/alexa-user/alexa-user.ts, `#retired`.)
   * @example profile.setEnabled(false, now);
   */
  setEnabled(enabled: boolean, now: number): void {
    // A new user's row was just inserted enabled (the default): no second write of the same value.
    if (this.#row()?.enabled === (enabled ? 1 : 0)) return;
    this.#write(`UPDATE profile SET enabled = ?, updated_at = ? WHERE id = 1`, enabled ? 1 : 0, now);
  }

  /** Stores the account-linking token as received. @example profile.setLinkedAccessToken("tok", now); */
  setLinkedAccessToken(token: string | null, now: number): void {
    this.#write(`UPDATE profile SET linked_access_token = ?, updated_at = ? WHERE id = 1`, token, now);
  }

  /**
   * The app's user id (the verified `sub` of the linked account), or `null`.
   * @example profile.appUserId() // "app-user-1"
   */
  appUserId(): string | null {
    return this.#row()?.app_user_id ?? null;
  }

  /**
   * Records the verified app user id (and, with it, that no raw token is
   * kept). The row exists: every request touches it first, in the same transaction.
   * @example profile.setAppUserId("app-user-1", now);
   */
  setAppUserId(appUserId: string, now: number): void {
    this.#write(`UPDATE profile SET app_user_id = ?, linked_at = ? WHERE id = 1`, appUserId, now);
  }

  /** Forgets the app user id (the user unlinked). @example profile.clearAppUserId(); */
  clearAppUserId(): void {
    this.#write(`UPDATE profile SET app_user_id = NULL, linked_at = NULL WHERE id = 1`);
  }

  /**
   * The registry entry last written to the user's shard, as JSON (src/registry/reporter.ts), or `null`.
   * @example new RegistryReporter({ read: () => profile.registryEntry(), write: (t) => profile.setRegistryEntry(t) }, write)
   */
  registryEntry(): string | null {
    return this.#row()?.registry_entry ?? null;
  }

  /** Records the registry entry last written (`null`: none). The row exists: a user is reported after its first request. @example profile.setRegistryEntry(json) */
  setRegistryEntry(entry: string | null): void {
    this.#write(`UPDATE profile SET registry_entry = ? WHERE id = 1`, entry);
  }

  /**
   * The user's list space as of its latest link or unlink (src/alexa-user/space-link.ts), or `null` before the first settle.
   * @example new SpaceLink({ sql, env, userId, membership: { read: () => profile.membership(), write: (m) => profile.setMembership(m) } })
   */
  membership(): SpaceMembership | null {
    const row = this.#row();
    return row && row.space_at !== null ? { spaceId: row.space_id, appUserId: row.space_app_user_id, at: row.space_at } : null;
  }

  /** Records the membership (in the transaction that touched the row). @example profile.setMembership({ spaceId, appUserId: null, at }) */
  setMembership(m: SpaceMembership): void {
    this.#write(`UPDATE profile SET space_id = ?, space_app_user_id = ?, space_at = ? WHERE id = 1`, m.spaceId, m.appUserId, m.at);
  }

  /** @example profile.setAcceptedPermissions(["alexa::household:lists:read"], now); */
  setAcceptedPermissions(scopes: readonly string[], now: number): void {
    this.#write(
      `UPDATE profile SET accepted_permissions = ?, updated_at = ? WHERE id = 1`,
      JSON.stringify(scopes),
      now,
    );
  }

  /** @example profile.setLastFullSyncAt(now); */
  setLastFullSyncAt(at: number): void {
    this.#write(`UPDATE profile SET last_full_sync_at = ?, updated_at = ? WHERE id = 1`, at, at);
  }

  /**
   * Marks the user's data for erasure once the webhook queue has drained.
   * @example profile.requestErase(now);
   */
  requestErase(now: number): void {
    this.#write(`UPDATE profile SET erase_requested_at = ?, updated_at = ? WHERE id = 1`, now, now);
  }

  /** When erasure was requested, or `null`. @example if (profile.eraseRequestedAt() !== null) ... */
  eraseRequestedAt(): number | null {
    return this.#row()?.erase_requested_at ?? null;
  }

  /** The cached id of a default list. @example profile.defaultListId("shopping") */
  defaultListId(kind: DefaultListKind): string | null {
    const rows = this.#sql
      .exec<{ list_id: string }>(`SELECT list_id FROM default_lists WHERE kind = ?`, kind)
      .toArray();
    return rows[0]?.list_id ?? null;
  }

  /** Caches the id of a default list. @example profile.setDefaultListId("todo", listId); */
  setDefaultListId(kind: DefaultListKind, listId: string): void {
    this.#sql.exec(
      `INSERT INTO default_lists (kind, list_id) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET list_id = excluded.list_id`,
      kind,
      listId,
    );
  }

  /**
   * Forgets the copy of the row, so the next read goes to SQL. Call after a
   * failed transaction or after wiping storage.
   * @example try { storage.transactionSync(fn); } catch (e) { profile.invalidate(); throw e; }
   */
  invalidate(): void {
    this.#cached = undefined;
  }

  #row(): ProfileRow | undefined {
    if (this.#cached === undefined) {
      this.#cached = this.#sql.exec<ProfileRow>(`SELECT * FROM profile WHERE id = 1`).toArray()[0] ?? null;
    }
    return this.#cached ?? undefined;
  }

  #write(query: string, ...bindings: SqlStorageValue[]): void {
    this.#cached = undefined;
    this.#sql.exec(query, ...bindings);
  }
}

function parseStringArray(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];
  } catch {
    return [];
  }
}
