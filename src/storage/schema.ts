/**
 * @module storage/schema
 * The schema version of a Durable Object's SQLite database, checked once per
 * start. Durable Objects are evicted after seconds of idleness and Alexa's
 * traffic per user is sparse, so most requests start the object again; a
 * constructor that ran every `CREATE TABLE IF NOT EXISTS` paid ~30 statements
 * (and their rows read) each time. `PRAGMA user_version` is not available in
 * Durable Object SQLite, hence a one-row table of our own.
 *
 * A start of an object whose tables are current runs one statement (the
 * version `SELECT`). Otherwise (a new object, an object after `deleteAll()`,
 * or a deploy that raised the version) `migrate` runs synchronously, in one
 * transaction with the new version row: no request is delivered in between
 * (the same guarantee `ctx.blockConcurrencyWhile` gives, which workerd runs
 * after the constructor returns, too late for the parts built from the
 * tables), and a failed migration throws and leaves the old version, to be
 * retried at the next start. `migrate` must be
 * idempotent (`CREATE … IF NOT EXISTS`, guarded changes): it also runs on
 * databases older than the version table, whose tables exist already.
 */

/** What a Durable Object class keeps in SQLite, at which version. */
export interface Schema {
  /** The class's key in the version table (one database may hold several, e.g. after a merge of objects). */
  name: string;
  /** Raise it with every change to `migrate`. */
  version: number;
  /** Brings any older database (or none) to `version`; idempotent. */
  migrate: (sql: SqlStorage) => void;
}

const TABLE = "schema_version";

/** The stored version of `name`, or `null` (no version table yet: a new, erased or pre-versioning database). */
function storedVersion(sql: SqlStorage, name: string): number | null {
  try {
    return sql.exec<{ version: number }>(`SELECT version FROM ${TABLE} WHERE name = ?`, name).toArray()[0]?.version ?? null;
  } catch {
    // "no such table": nothing was ever versioned here.
    return null;
  }
}

/**
 * Every stored schema version by name, in one statement (empty: a new, erased
 * or pre-versioning database): for an object whose tables come in several
 * schemas (some only in one mode, some created at first use), so that a
 * start still costs one statement. Pass it to {@link ensureSchema}.
 * @example const versions = storedVersions(sql); ensureSchema(ctx, A, versions); ensureSchema(ctx, B, versions);
 */
export function storedVersions(sql: SqlStorage): Map<string, number> {
  try {
    return new Map(sql.exec<{ name: string; version: number }>(`SELECT name, version FROM ${TABLE}`).toArray().map((r) => [r.name, r.version]));
  } catch {
    return new Map();
  }
}

/**
 * Makes the object's tables current: call it in the constructor (and again
 * after `deleteAll()`), before anything reads them. Answers whether `migrate` ran.
 * With `versions` (from {@link storedVersions}) it reads no version itself, and
 * records the new one there.
 * @example
 * constructor(ctx: DurableObjectState, env: Env) {
 *   super(ctx, env);
 *   ensureSchema(ctx, { name: "list-space", version: 1, migrate: (sql) => migrateSkillLists(sql) });
 * }
 */
export function ensureSchema(ctx: DurableObjectState, schema: Schema, versions?: Map<string, number>): boolean {
  // Without `versions`, read only this schema's row (one row read, not the whole table).
  const stored = versions ? null : storedVersion(ctx.storage.sql, schema.name);
  const known = versions ?? new Map<string, number>(stored === null ? [] : [[schema.name, stored]]);
  return ensureSchemas(ctx, [schema], known).length > 0;
}

/**
 * {@link ensureSchema} for several schemas of one object, in order, with one
 * statement when all are current and one transaction when some are not (one
 * version table creation, one version write). Answers the names that migrated.
 * @example const migrated = ensureSchemas(ctx, [BASE, HOUSEHOLD], storedVersions(ctx.storage.sql));
 */
export function ensureSchemas(ctx: DurableObjectState, schemas: readonly Schema[], versions: Map<string, number> = storedVersions(ctx.storage.sql)): string[] {
  const outdated = schemas.filter((s) => versions.get(s.name) !== s.version);
  if (outdated.length === 0) return [];
  const sql = ctx.storage.sql;
  // Synchronous, in one transaction: no request can run between these statements
  // (no await: the object's input gate stays closed, as `blockConcurrencyWhile`
  // would keep it, but that runs its callback later, after the parts were built).
  ctx.storage.transactionSync(() => {
    // WITHOUT ROWID: the key is the table, no second index to write or store.
    sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID`);
    for (const s of outdated) s.migrate(sql);
    sql.exec(
      `INSERT INTO ${TABLE} (name, version) VALUES ${outdated.map(() => "(?, ?)").join(", ")} ON CONFLICT (name) DO UPDATE SET version = excluded.version`,
      ...outdated.flatMap((s) => [s.name, s.version]),
    );
  });
  for (const s of outdated) versions.set(s.name, s.version);
  return outdated.map((s) => s.name);
}

/**
 * A table's `CREATE` statement, or `null` when it does not exist: how a
 * migration tells which shape an older database has.
 * @example if (/AUTOINCREMENT/.test(tableSql(sql, "t") ?? "")) rebuildTable(…);
 */
export function tableSql(sql: SqlStorage, table: string): string | null {
  return sql.exec<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).toArray()[0]?.sql ?? null;
}

/**
 * Recreates `table` from `create(name)` keeping its rows (the listed columns),
 * for the changes SQLite cannot `ALTER` (AUTOINCREMENT, UNIQUE). Indexes on the
 * old table go with it: create them after.
 * @example rebuildTable(sql, "queue", (t) => `CREATE TABLE ${t} (seq INTEGER PRIMARY KEY, body TEXT)`, "seq, body");
 */
export function rebuildTable(sql: SqlStorage, table: string, create: (name: string) => string, columns: string): void {
  const tmp = `${table}_rebuild`;
  sql.exec(create(tmp));
  sql.exec(`INSERT INTO ${tmp} (${columns}) SELECT ${columns} FROM ${table}`);
  sql.exec(`DROP TABLE ${table}`);
  sql.exec(`ALTER TABLE ${tmp} RENAME TO ${table}`);
}

/**
 * Creates `table` from `create(name)`, or rebuilds it (rows kept) when its
 * stored `CREATE` is `outdated`; indexes come after (a rebuild drops them).
 * @example ensureTable(sql, "t", (n) => `CREATE TABLE IF NOT EXISTS ${n} (k TEXT PRIMARY KEY) WITHOUT ROWID`, { columns: "k", outdated: notWithoutRowid });
 */
export function ensureTable(sql: SqlStorage, table: string, create: (name: string) => string, opts: { columns: string; outdated: (stored: string) => boolean }): void {
  const stored = tableSql(sql, table);
  if (stored !== null && opts.outdated(stored)) rebuildTable(sql, table, create, opts.columns);
  sql.exec(create(table));
}

/**
 * True for a table stored with a rowid: its TEXT key was a second b-tree, one
 * more row written per insert (and one more page) than `WITHOUT ROWID`.
 * @example ensureTable(sql, "t", create, { columns, outdated: notWithoutRowid })
 */
export function notWithoutRowid(stored: string): boolean {
  return !/WITHOUT\s+ROWID/i.test(stored);
}
