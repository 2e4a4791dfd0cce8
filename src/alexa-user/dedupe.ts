/**
 * @module alexa-user/dedupe
 * Recently handled deliveries of one user, so that a redelivered request
 * (same `requestId`) or a bridge message delivered twice (same `opId`, any
 * `requestId`) is acknowledged again without repeating its side effects.
 *
 * Two layers:
 * - durable: `handled_requests` keeps the answer of every handled key for
 *   {@link DEDUPE_RETENTION_MS} (25 h, longer than Alexa's 1 h event retries
 *   and the 24 h maximum message expiry); the alarm purges older rows;
 * - in memory: {@link InFlight} joins concurrent deliveries of the same key to
 *   the first one, because a Durable Object's input gate opens during every
 *   `await fetch(...)`, so a second copy could otherwise start its own effects.
 *
 * Only acknowledged (handled) answers are recorded; a 5xx is not, so Alexa's
 * redelivery tries again.
 */
import { ensureTable, notWithoutRowid } from "../storage/schema.ts";
import type { ResponseEnvelope } from "ask-sdk-model";
import type { AlarmParticipant } from "../shared/schedule.ts";

/** How long a handled key is remembered. */
export const DEDUPE_RETENTION_MS = 25 * 60 * 60 * 1000;

/** An answer to Alexa, as stored and as returned by the object. */
export interface AlexaAnswer {
  status: number;
  body: AlexaAnswerBody;
}

/** `{"version":"1.0","response":{}}`, a voice answer, or an error. */
export type AlexaAnswerBody =
  | { version: "1.0"; response: Record<string, never> }
  | ResponseEnvelope
  | { error: string; message?: string };

/**
 * Creates the table (idempotent).
 * @example migrateDedupe(ctx.storage.sql);
 */
export function migrateDedupe(sql: SqlStorage): void {
  // WITHOUT ROWID: the key is the table (one row per insert, not two); older databases are rebuilt.
  ensureTable(sql, "handled_requests", (t) => `CREATE TABLE IF NOT EXISTS ${t} (
      key TEXT PRIMARY KEY,
      handled_at INTEGER NOT NULL,
      answer TEXT NOT NULL
    ) WITHOUT ROWID`, {
    columns: "key, handled_at, answer",
    outdated: notWithoutRowid,
  });
}

/**
 * The index on `handled_at` that pruning and the next-expiry lookup use
 * (household store only, whose list events fill the table: a few hundred
 * rows a day). With the skill store only skill events and skill messages are
 * recorded, a handful a day: scanning them costs less than an index entry
 * written with every record (and its page).
 * @example migrateDedupeIndex(sql);
 */
export function migrateDedupeIndex(sql: SqlStorage): void {
  sql.exec(`CREATE INDEX IF NOT EXISTS handled_requests_at ON handled_requests (handled_at)`);
}

/** Dedupe key of an Alexa request id. @example requestKey("amzn1.echo-api.request.1") */
export function requestKey(requestId: string): string {
  return `req:${requestId}`;
}

/** Dedupe key of a bridge operation id. @example opKey("op_123") */
export function opKey(opId: string): string {
  return `op:${opId}`;
}

/**
 * The durable record of handled keys; also the alarm part that expires them.
 * @example
 * const dedupe = new DedupeStore(sql);
 * const seen = dedupe.lookup([requestKey(id)]);
 * if (seen) return seen;
 * // ... handle, then inside the same transaction as the effects:
 * dedupe.record([requestKey(id)], answer, now);
 */
export class DedupeStore implements AlarmParticipant {
  readonly name = "dedupe";
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** The stored answer of the first handled key among `keys`, or `null`. @example dedupe.lookup(keys) */
  lookup(keys: readonly string[]): AlexaAnswer | null {
    for (const key of keys) {
      const row = this.#sql
        .exec<{ answer: string }>(`SELECT answer FROM handled_requests WHERE key = ?`, key)
        .toArray()[0];
      if (row) return JSON.parse(row.answer) as AlexaAnswer;
    }
    return null;
  }

  /** Remembers `answer` for every key (call inside the effects' transaction). @example dedupe.record(keys, ack, now); */
  record(keys: readonly string[], answer: AlexaAnswer, now: number): void {
    const text = JSON.stringify(answer);
    for (const key of keys) {
      this.#sql.exec(
        `INSERT INTO handled_requests (key, handled_at, answer) VALUES (?, ?, ?)
         ON CONFLICT (key) DO NOTHING`,
        key,
        now,
        text,
      );
    }
  }

  /** Number of remembered keys (for tests and diagnostics). @example dedupe.size() */
  size(): number {
    return this.#sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM handled_requests`).one().n;
  }

  /** The earliest time a record expires, or `null` when there is none. @example dedupe.nextExpiry() */
  nextExpiry(): number | null {
    const oldest = this.#sql
      .exec<{ t: number | null }>(`SELECT MIN(handled_at) AS t FROM handled_requests`)
      .one().t;
    return oldest === null ? null : oldest + DEDUPE_RETENTION_MS;
  }

  /** Deletes records older than the retention and reports the next expiry. @example await dedupe.runDue(now) */
  async runDue(now: number): Promise<number | null> {
    this.#sql.exec(`DELETE FROM handled_requests WHERE handled_at + ? <= ?`, DEDUPE_RETENTION_MS, now);
    return this.nextExpiry();
  }
}

/**
 * Joins concurrent work on the same keys: the first caller runs `work`, later
 * callers with any overlapping key wait for it and get the same result.
 * In memory only: it covers one object instance, which is all there is at a
 * time; across restarts the durable {@link DedupeStore} takes over.
 * @example
 * const inflight = new InFlight<AlexaAnswer>();
 * return inflight.run(keys, () => handle(envelope));
 */
export class InFlight<T> {
  readonly #running = new Map<string, Promise<T>>();

  /** @example await inflight.run(["req:1"], () => work()) */
  run(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    for (const key of keys) {
      const existing = this.#running.get(key);
      if (existing) return existing;
    }
    const p = work().finally(() => {
      for (const key of keys) if (this.#running.get(key) === p) this.#running.delete(key);
    });
    for (const key of keys) this.#running.set(key, p);
    return p;
  }

  /** Number of keys in flight. @example inflight.size */
  get size(): number {
    return this.#running.size;
  }
}
