/**
 * @module alexa-user/op-progress
 * Bridge operations the object has started to apply but not finished, kept
 * durably so that a retry after a lost answer, a crash or an eviction knows
 * what the first try may already have done. One row per operation id:
 *
 * - `create`: an attempt, written (and flushed) before `createItem` is
 *   called; a retry looks for the item that attempt may have made
 *   (src/sync/adopt.ts) instead of creating a second one;
 * - `sync`: a full sync accepted and being applied after Alexa's answer
 *   (src/alexa-user/sync-runner.ts). The run itself lives in memory; a row left by
 *   an instance that died says so, until the operation is delivered again.
 *
 * A row is deleted in the transaction that completes or fails its operation.
 * Rows whose operation never came back (expired in the outbox, never
 * redelivered) are forgotten after {@link OP_PROGRESS_RETENTION_MS} by the
 * alarm. Synchronous SQL.
 */
import { ensureTable, notWithoutRowid } from "../storage/schema.ts";
import type { CreateAttempt } from "../sync/adopt.ts";
import type { AlarmParticipant } from "../shared/schedule.ts";

/**
 * How long an unfinished row is kept: longer than any redelivery of its
 * operation (at most 3 sends of at most 24 h each, plus backoff) and as long
 * as the outbox keeps finished operations (7 days).
 */
export const OP_PROGRESS_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Creates the table (idempotent).
 * @example migrateOpProgress(ctx.storage.sql);
 */
export function migrateOpProgress(sql: SqlStorage): void {
  // WITHOUT ROWID: the key is the table (one row per insert, not two); older databases are rebuilt.
  ensureTable(sql, "op_progress", (t) => `CREATE TABLE IF NOT EXISTS ${t} (
      op_id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      detail TEXT NOT NULL
    ) WITHOUT ROWID`, {
    columns: "op_id, kind, started_at, detail",
    outdated: notWithoutRowid,
  });
  sql.exec(`CREATE INDEX IF NOT EXISTS op_progress_started ON op_progress (started_at)`);
}

interface Row extends Record<string, SqlStorageValue> {
  op_id: string;
  kind: string;
  started_at: number;
  detail: string;
}

/**
 * @example
 * const progress = new OpProgress(sql);
 * progress.recordCreate("op_1", { listId, value: "milk", status: "active" }, now);
 * await ctx.storage.sync(); // durable before Amazon is called
 * progress.createAttempt("op_1")?.attemptedAt; // now
 */
export class OpProgress implements AlarmParticipant {
  readonly name = "op-progress";
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /**
   * Records a create attempt; a later attempt of the same operation keeps the
   * first one (its item, if any, is the oldest candidate).
   * @example progress.recordCreate(opId, { listId, value, status: "active" }, now);
   */
  recordCreate(opId: string, attempt: Omit<CreateAttempt, "attemptedAt">, now: number): void {
    const detail = JSON.stringify({ listId: attempt.listId, value: attempt.value, status: attempt.status });
    this.#sql.exec(
      `INSERT INTO op_progress (op_id, kind, started_at, detail) VALUES (?, 'create', ?, ?) ON CONFLICT (op_id) DO NOTHING`,
      opId,
      now,
      detail,
    );
  }

  /**
   * Marks a full sync as applying (again, after a run that died: the time is
   * that of the latest start).
   * @example progress.recordSync(opId, now);
   */
  recordSync(opId: string, now: number): void {
    this.#sql.exec(
      `INSERT INTO op_progress (op_id, kind, started_at, detail) VALUES (?, 'sync', ?, '{}')
       ON CONFLICT (op_id) DO UPDATE SET kind = 'sync', started_at = excluded.started_at`,
      opId,
      now,
    );
  }

  /** When the sync of `opId` was last accepted, or `null`. @example progress.syncStartedAt(opId) */
  syncStartedAt(opId: string): number | null {
    const row = this.#row(opId);
    return row?.kind === "sync" ? row.started_at : null;
  }

  /** The syncs marked as applying, oldest first. @example progress.syncs()[0]?.startedAt */
  syncs(): { opId: string; startedAt: number }[] {
    return this.#sql
      .exec<{ op_id: string; started_at: number }>(`SELECT op_id, started_at FROM op_progress WHERE kind = 'sync' ORDER BY started_at`)
      .toArray()
      .map((r) => ({ opId: r.op_id, startedAt: r.started_at }));
  }

  /** The create attempt on record for an operation, or `null`. @example progress.createAttempt(opId) */
  createAttempt(opId: string): CreateAttempt | null {
    const row = this.#row(opId);
    return row?.kind === "create" ? attemptOf(row) : null;
  }

  /**
   * Every create attempt on record (operations whose answer was lost), oldest first.
   * @example for (const { opId, attempt } of progress.createAttempts()) …
   */
  createAttempts(): { opId: string; attempt: CreateAttempt }[] {
    return this.#sql
      .exec<Row>(`SELECT * FROM op_progress WHERE kind = 'create' ORDER BY started_at, op_id`)
      .toArray()
      .map((r) => ({ opId: r.op_id, attempt: attemptOf(r) }));
  }

  /** Forgets an operation's progress (call in the transaction that finishes it). @example progress.clear(opId) */
  clear(opId: string): void {
    this.#sql.exec(`DELETE FROM op_progress WHERE op_id = ?`, opId);
  }

  /** When the oldest row expires, or `null`. @example progress.nextExpiry() */
  nextExpiry(): number | null {
    const oldest = this.#sql.exec<{ t: number | null }>(`SELECT MIN(started_at) AS t FROM op_progress`).one().t;
    return oldest === null ? null : oldest + OP_PROGRESS_RETENTION_MS;
  }

  /** Forgets rows past the retention. @example await progress.runDue(now) */
  async runDue(now: number): Promise<number | null> {
    this.#sql.exec(`DELETE FROM op_progress WHERE started_at + ? <= ?`, OP_PROGRESS_RETENTION_MS, now);
    return this.nextExpiry();
  }

  #row(opId: string): Row | undefined {
    return this.#sql.exec<Row>(`SELECT * FROM op_progress WHERE op_id = ?`, opId).toArray()[0];
  }
}

function attemptOf(row: Row): CreateAttempt {
  const d = JSON.parse(row.detail) as Omit<CreateAttempt, "attemptedAt">;
  return { listId: d.listId, value: d.value, status: d.status, attemptedAt: row.started_at };
}
