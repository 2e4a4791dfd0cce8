/**
 * @module test/storage/alexa-user-v4
 * The Alexa user's object as version 4 of its schema left it (0.3, before the
 * tables were split by list store): the DDL as SQLite stored it, and a helper
 * that writes it, with rows, into an object, so the tests can start the
 * current code on it. Literal on purpose: it must not follow later changes.
 */

/** Every `CREATE` of version 4, as stored in `sqlite_master`. */
export const ALEXA_USER_V4_DDL: readonly string[] = [
  "CREATE TABLE profile ( id INTEGER PRIMARY KEY CHECK (id = 1), user_id TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, api_endpoint TEXT, accepted_permissions TEXT NOT NULL DEFAULT '[]', linked_access_token TEXT, last_full_sync_at INTEGER, erase_requested_at INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL )",
  "CREATE TABLE linked_account ( id INTEGER PRIMARY KEY CHECK (id = 1), app_user_id TEXT NOT NULL, linked_at INTEGER NOT NULL )",
  "CREATE TABLE default_lists ( kind TEXT PRIMARY KEY, list_id TEXT NOT NULL )",
  "CREATE TABLE handled_requests ( key TEXT PRIMARY KEY, handled_at INTEGER NOT NULL, answer TEXT NOT NULL ) WITHOUT ROWID",
  "CREATE INDEX handled_requests_at ON handled_requests (handled_at)",
  "CREATE TABLE item_map ( alexa_item_id TEXT PRIMARY KEY, list_id TEXT NOT NULL, app_item_id TEXT, version INTEGER, updated_at INTEGER NOT NULL ) WITHOUT ROWID",
  "CREATE UNIQUE INDEX item_map_app ON item_map (app_item_id) WHERE app_item_id IS NOT NULL",
  "CREATE INDEX item_map_list ON item_map (list_id)",
  "CREATE TABLE own_writes ( item_id TEXT NOT NULL, version INTEGER NOT NULL, list_id TEXT NOT NULL, written_at INTEGER NOT NULL, PRIMARY KEY (item_id, version) ) WITHOUT ROWID",
  "CREATE INDEX own_writes_at ON own_writes (written_at)",
  "CREATE TABLE held_deletes ( item_id TEXT PRIMARY KEY, list_id TEXT NOT NULL, held_at INTEGER NOT NULL, release_at INTEGER NOT NULL ) WITHOUT ROWID",
  "CREATE INDEX held_deletes_release ON held_deletes (release_at)",
  "CREATE TABLE op_progress ( op_id TEXT PRIMARY KEY, kind TEXT NOT NULL, started_at INTEGER NOT NULL, detail TEXT NOT NULL ) WITHOUT ROWID",
  "CREATE INDEX op_progress_started ON op_progress (started_at)",
  "CREATE TABLE webhook_queue ( seq INTEGER PRIMARY KEY, msg_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT, dead_at INTEGER )",
  "CREATE TABLE erasure_tombstone ( id INTEGER PRIMARY KEY CHECK (id = 1), erased_at INTEGER NOT NULL, expires_at INTEGER NOT NULL )",
  "CREATE TABLE outbox_ops ( seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, op TEXT NOT NULL, item_key TEXT, status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, lifetime_s INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, sends INTEGER NOT NULL DEFAULT 0, next_at INTEGER, result TEXT, error TEXT, last_error TEXT, idem_key TEXT )",
  "CREATE UNIQUE INDEX outbox_ops_idem ON outbox_ops(idem_key) WHERE idem_key IS NOT NULL",
  "CREATE INDEX outbox_ops_due ON outbox_ops(status, next_at)",
  "CREATE INDEX outbox_ops_item ON outbox_ops(item_key, seq) WHERE item_key IS NOT NULL",
  "CREATE INDEX outbox_ops_updated ON outbox_ops(updated_at)",
  "CREATE TABLE outbox_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)",
  "CREATE TABLE registry_report (id INTEGER PRIMARY KEY CHECK (id = 1), entry TEXT NOT NULL)",
  "CREATE TABLE space_membership ( id INTEGER PRIMARY KEY CHECK (id = 1), space_id TEXT, app_user_id TEXT, at INTEGER NOT NULL )",
];

/** What a version-4 object holds in these tests: a linked user with an app operation queued and a handled request. */
/** The names of the tables and indexes version 4 created. */
export const V4_NAMES: readonly string[] = ALEXA_USER_V4_DDL.map((d) => /^CREATE (?:UNIQUE )?(?:TABLE|INDEX) (\w+)/.exec(d)![1]!);

export interface V4Rows {
  userId: string;
  appUserId: string;
  opId: string;
  /** The queued operation's kind (`message` for a skill-store user). */
  opKind: "message" | "create";
  /** The membership's space (a skill-store user's personal space; null with the household store). */
  spaceId: string | null;
  now: number;
  /** An erasure mark standing until then (the object was erased; its profile is left here only to see it kept). */
  tombstoneUntil?: number;
}

/**
 * Replaces the object's database with version 4's tables and rows. Call in `runInDurableObject`, then rebuild the object.
 * @example await writeV4(state, rows); (instance as unknown as { build(): void }).build();
 */
export async function writeV4(state: DurableObjectState, r: V4Rows): Promise<void> {
  await state.storage.deleteAll();
  const sql = state.storage.sql;
  for (const ddl of ALEXA_USER_V4_DDL) sql.exec(ddl);
  sql.exec("CREATE TABLE schema_version (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID");
  sql.exec("INSERT INTO schema_version (name, version) VALUES ('alexa-user', 4)");
  sql.exec("INSERT INTO profile (id, user_id, api_endpoint, created_at, updated_at) VALUES (1, ?, 'https://api.amazonalexa.com', ?, ?)", r.userId, r.now, r.now);
  sql.exec("INSERT INTO linked_account (id, app_user_id, linked_at) VALUES (1, ?, ?)", r.appUserId, r.now);
  sql.exec("INSERT INTO space_membership (id, space_id, app_user_id, at) VALUES (1, ?, ?, ?)", r.spaceId, r.appUserId, r.now);
  sql.exec("INSERT INTO registry_report (id, entry) VALUES (1, ?)", JSON.stringify({ enabled: true, nextSyncAt: null, nextDueAt: null, at: r.now }));
  sql.exec("INSERT INTO handled_requests (key, handled_at, answer) VALUES ('req:v4', ?, '{}')", r.now);
  if (r.tombstoneUntil !== undefined) sql.exec("INSERT INTO erasure_tombstone (id, erased_at, expires_at) VALUES (1, ?, ?)", r.now, r.tombstoneUntil);
  const op = r.opKind === "message" ? { kind: "message", data: { from: "v4" } } : { kind: "create", list: "shopping", value: "milk" };
  sql.exec(
    `INSERT INTO outbox_ops (id, kind, op, status, created_at, updated_at, lifetime_s, next_at) VALUES (?, ?, ?, 'queued', ?, ?, 3600, ?)`,
    r.opId,
    r.opKind,
    JSON.stringify(op),
    r.now,
    r.now,
    r.now,
  );
}
