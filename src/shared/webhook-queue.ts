/**
 * @module shared/webhook-queue
 * The durable, ordered queue of webhooks from one object (an Alexa user's, or
 * a list space's) to the app
 * (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`).
 *
 * Guarantees:
 * - at least once: a webhook is a row written in the same SQL transaction as
 *   the state change that caused it, before Alexa gets its 200; it is removed
 *   only after the app answered 2xx;
 * - in order per user: only the oldest undelivered row is ever sent; while it
 *   fails, nothing behind it is tried;
 * - the same `webhook-id` (and body) on every try; `webhook-timestamp` and the
 *   signature are those of the attempt, as the spec requires;
 * - retries with exponential backoff and full jitter (plus the app's
 *   `Retry-After`) for {@link WEBHOOK_RETRY_WINDOW_MS} (24 h) from queuing;
 *   a row that still fails after that is kept as a dead letter (logged, never
 *   dropped silently) and the queue moves on, so one lost app day cannot block
 *   the user forever;
 * - `410 Gone` from the app dead-letters the row at once: in Standard Webhooks
 *   it means "never send this again", retrying it for a day would only delay
 *   everything behind it.
 *
 * Without `APP_WEBHOOK_URL` or `APP_WEBHOOK_SECRET` the queue still fills (so
 * nothing is lost while the app is being configured) but nothing is sent; this
 * is logged once per object instance. Unsent rows age like failing ones: a row
 * still unsent {@link WEBHOOK_RETRY_WINDOW_MS} after queuing becomes a dead
 * letter (kept and logged, like any other). Trade-off: a deployment that never
 * sets the app up gets dead letters instead of a queue that grows forever, and
 * above all the erasure of a user who disabled the skill (which waits for the
 * queue to drain so the app hears of it first) cannot be held back for ever
 * by a missing setting. Configured within the window, everything is sent.
 *
 * Delivery runs outside Alexa's request: {@link WebhookQueue.drain} is
 * single-flight and bounded ({@link WEBHOOK_TIMEOUT_MS} per attempt,
 * {@link MAX_PER_DRAIN} rows per run), started in the background after the
 * answer is decided and by the object's alarm.
 */
import type { WebhookPort } from "./ports.ts";
import type { AlarmParticipant } from "./schedule.ts";
import { backoffDelay, parseRetryAfter } from "../util/backoff.ts";
import { fetchWithTimeout } from "../util/fetch-timeout.ts";
import { MAX_WEBHOOK_BODY_BYTES } from "../sync/split.ts";
import { buildWebhookBody, webhookHeaders } from "../webhooks/standard-webhooks.ts";
import { rebuildTable, tableSql } from "../storage/schema.ts";

/** Thrown by {@link WebhookQueue.enqueue} for a body over {@link MAX_WEBHOOK_BODY_BYTES} (strict mode) or over the row cap. */
export class WebhookTooLargeError extends Error {
  override readonly name = "WebhookTooLargeError";
}

/** Beyond this a row cannot be written at all (Durable Object SQLite: 2 MB per row or string). */
const ROW_CAP_BYTES = 2_000_000;

/**
 * Each webhook is retried (or, while delivery is not configured, kept unsent)
 * for at least this long after it was queued; then it becomes a dead letter.
 */
export const WEBHOOK_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Deadline of one delivery attempt (headers and nothing else: the body is ignored). */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/**
 * Rows sent by one drain before it yields (the alarm continues at once, a new
 * invocation). With the outbox's send batch it keeps one invocation well
 * within Workers Free's 50 subrequests (docs/limits.md).
 */
export const MAX_PER_DRAIN = 20;
/** Backoff of the first retry (full jitter below the cap) and the largest delay. */
export const WEBHOOK_BACKOFF = { baseMs: 5_000, maxMs: 60 * 60 * 1000 } as const;
/** Smallest delay between two tries of the same webhook. */
export const WEBHOOK_MIN_RETRY_MS = 1_000;

/** How long a dead letter is kept (default of `DEAD_LETTER_TTL_DAYS`: 14 days); then it is dropped, logged. */
export const DEAD_LETTER_TTL_MS = 14 * 24 * 60 * 60 * 1000;
/** Most dead letters kept per user; beyond it the oldest are dropped first, logged. */
export const DEAD_LETTER_CAP = 1000;

/**
 * `DEAD_LETTER_TTL_DAYS` in ms (a positive number of days), else the default.
 * @example deadLetterTtlMs("7") // 604800000
 */
export function deadLetterTtlMs(days: string | undefined): number {
  const n = Number(days);
  return days !== undefined && days.trim() !== "" && Number.isFinite(n) && n > 0 ? n * 24 * 60 * 60 * 1000 : DEAD_LETTER_TTL_MS;
}

/** A dead letter as the REST API shows it (no body: the app redrives it to see it again). */
export interface DeadLetter {
  msgId: string;
  type: string;
  /** ISO 8601. */
  createdAt: string;
  deadAt: string;
  attempts: number;
  lastError: string | null;
  /** Size of the webhook body in bytes. */
  bytes: number;
}

/** `last_error` of a row that became a dead letter without ever being sent. */
export const UNCONFIGURED_ERROR = "not sent: APP_WEBHOOK_URL or APP_WEBHOOK_SECRET not set";

/** `last_error` of a row that became a dead letter because `APP_WEBHOOK_URL` is not https. */
export const INSECURE_URL_ERROR = "not sent: APP_WEBHOOK_URL must be https outside development and test";

/** Where webhooks go; either missing means "queue, don't send". */
export interface WebhookConfig {
  url: string | undefined;
  secret: string | undefined;
  /** `ENVIRONMENT` is development or test: an http URL is allowed (the local fake app). Otherwise only https is sent to. */
  allowHttp?: boolean;
}

export interface WebhookQueueDeps {
  sql: SqlStorage;
  /** The Alexa user id the bodies carry (null: none, e.g. a space's webhook of an app operation). */
  userId: () => string | null;
  /** The app's user id (verified account linking) the bodies carry next to it, when known. */
  appUserId?: () => string | null;
  /** The list space the bodies name (a space's queue, src/space). */
  spaceId?: () => string;
  now: () => number;
  fetch: typeof fetch;
  config: WebhookConfig;
  /** Jitter source, [0, 1). Default `Math.random`. */
  random?: () => number;
  /** How long dead letters are kept. Default {@link DEAD_LETTER_TTL_MS}. */
  deadLetterTtlMs?: number;
  /** Most dead letters kept. Default {@link DEAD_LETTER_CAP}. */
  deadLetterCap?: number;
  /**
   * A body over {@link MAX_WEBHOOK_BODY_BYTES} throws (development and test:
   * every path must split its webhooks); otherwise it is logged and written
   * while it still fits a row.
   */
  strictSize?: boolean;
}

/** A queued webhook as {@link WebhookQueue.list} shows it. */
export interface QueuedWebhook {
  seq: number;
  msgId: string;
  type: string;
  body: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  deadAt: number | null;
}

interface Row extends Record<string, SqlStorageValue> {
  seq: number;
  msg_id: string;
  type: string;
  body: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  dead_at: number | null;
}

/**
 * Creates the table (idempotent). `seq` is a plain rowid and `msg_id` has no
 * UNIQUE index: every index entry and the AUTOINCREMENT counter are rows
 * written (and billed) with each webhook. Order holds without AUTOINCREMENT
 * (a new rowid is above every stored one, and only stored rows are ordered);
 * msg ids are random (122 bits) and never looked up.
 * @example migrateWebhookQueue(ctx.storage.sql);
 */
export function migrateWebhookQueue(sql: SqlStorage): void {
  const create = (t: string) => `CREATE TABLE IF NOT EXISTS ${t} (
    seq INTEGER PRIMARY KEY,
    msg_id TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    dead_at INTEGER
  )`;
  // Before schema version 2 the table had AUTOINCREMENT and a UNIQUE msg_id.
  if (/AUTOINCREMENT/i.test(tableSql(sql, "webhook_queue") ?? "")) {
    rebuildTable(sql, "webhook_queue", create, "seq, msg_id, type, body, created_at, attempts, next_attempt_at, last_error, dead_at");
  }
  sql.exec(create("webhook_queue"));
}

/**
 * The webhook queue of one user's object.
 * @example
 * const queue = new WebhookQueue({ sql, userId: () => id, now: Date.now, fetch, config });
 * ctx.storage.transactionSync(() => { changeState(); queue.enqueue("alexa.user.enabled", {}); });
 * ctx.waitUntil(queue.drain());
 */
export class WebhookQueue implements WebhookPort, AlarmParticipant {
  readonly name = "webhooks";
  readonly #deps: WebhookQueueDeps;
  #current: Promise<number | null> | null = null;
  #again = false;
  #warnedUnconfigured = false;

  constructor(deps: WebhookQueueDeps) {
    this.#deps = deps;
  }

  /**
   * Queues `{type, userId, appUserId?, timestamp, data}` (synchronous SQL: call it inside
   * the transaction of the state change). Returns the row's sequence number.
   * @example queue.enqueue("alexa.list.items.created", { listId, items });
   */
  enqueue(type: string, data: unknown): number {
    const now = this.#deps.now();
    const msgId = `msg_${crypto.randomUUID().replaceAll("-", "")}`;
    const body = buildWebhookBody(type, this.#deps.userId(), new Date(now).toISOString(), data, this.#deps.appUserId?.(), this.#deps.spaceId?.());
    this.#checkSize(type, body);
    return this.#deps.sql
      .exec<{ seq: number }>(
        `INSERT INTO webhook_queue (msg_id, type, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)
         RETURNING seq`,
        msgId,
        type,
        body,
        now,
        now,
      )
      .one().seq;
  }

  /** The size guard of every row: see {@link WebhookQueueDeps.strictSize}. */
  #checkSize(type: string, body: string): void {
    // UTF-8 is at most 3 bytes per UTF-16 unit: most bodies need no encoding to be known small.
    if (body.length * 3 <= MAX_WEBHOOK_BODY_BYTES) return;
    const bytes = new TextEncoder().encode(body).byteLength;
    if (bytes <= MAX_WEBHOOK_BODY_BYTES) return;
    const message = `webhook ${type}: body of ${bytes} bytes exceeds ${MAX_WEBHOOK_BODY_BYTES} (split it: src/sync/split.ts)`;
    if (this.#deps.strictSize || bytes > ROW_CAP_BYTES) throw new WebhookTooLargeError(message);
    console.error(message);
  }

  /** True when the app can be called at all. @example if (!queue.configured) ... */
  get configured(): boolean {
    return Boolean(this.#deps.config.url && this.#deps.config.secret) && this.#insecure() === false;
  }

  /** The URL is set but not https where only https is allowed. */
  #insecure(): boolean {
    const { url, allowHttp } = this.#deps.config;
    if (!url || allowHttp) return false;
    try {
      return new URL(url).protocol !== "https:";
    } catch {
      return true;
    }
  }

  /** Rows not yet delivered nor dead. @example queue.pendingCount() */
  pendingCount(): number {
    return this.#deps.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM webhook_queue WHERE dead_at IS NULL`).one().n;
  }

  /** Every row still stored (pending and dead letters), oldest first. @example queue.list() */
  list(): QueuedWebhook[] {
    return this.#deps.sql
      .exec<Row>(`SELECT * FROM webhook_queue ORDER BY seq`)
      .toArray()
      .map((r) => ({
        seq: r.seq,
        msgId: r.msg_id,
        type: r.type,
        body: r.body,
        createdAt: r.created_at,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at,
        lastError: r.last_error,
        deadAt: r.dead_at,
      }));
  }

  /**
   * Sends due webhooks in order until the queue is empty, the head must wait,
   * or {@link MAX_PER_DRAIN} were sent. Single-flight: a call during a drain
   * joins it (and makes it look again before finishing, so rows queued
   * meanwhile are not left behind). Never throws for app failures. Answers
   * when it next has work (ms since epoch), or `null`.
   * @example const next = await queue.drain(); if (next !== null) await schedule.wakeAt(next);
   */
  drain(): Promise<number | null> {
    if (this.#current) {
      this.#again = true;
      return this.#current;
    }
    const run = async (): Promise<number | null> => {
      let next: number | null;
      do {
        this.#again = false;
        next = await this.#drainOnce();
      } while (this.#again && next === null);
      return next;
    };
    this.#current = run().finally(() => {
      this.#current = null;
    });
    return this.#current;
  }

  /** Resolves when no drain is running. @example await queue.idle(); */
  async idle(): Promise<void> {
    while (this.#current) await this.#current.catch(() => null);
  }

  /** Alarm part: delivers what is due. @example await queue.runDue(now) */
  runDue(_now: number): Promise<number | null> {
    return this.drain();
  }

  /** Dead letters, oldest first (at most `limit`). @example queue.deadLetters(100) */
  deadLetters(limit = DEAD_LETTER_CAP): DeadLetter[] {
    return this.#deps.sql
      .exec<Row & { bytes: number }>(
        `SELECT seq, msg_id, type, created_at, dead_at, attempts, last_error, LENGTH(CAST(body AS BLOB)) AS bytes
         FROM webhook_queue WHERE dead_at IS NOT NULL ORDER BY seq LIMIT ?`,
        limit,
      )
      .toArray()
      .map((r) => ({
        msgId: r.msg_id,
        type: r.type,
        createdAt: new Date(r.created_at).toISOString(),
        deadAt: new Date(r.dead_at!).toISOString(),
        attempts: r.attempts,
        lastError: r.last_error,
        bytes: r.bytes,
      }));
  }

  /** Number of dead letters. @example queue.deadLetterCount() */
  deadLetterCount(): number {
    return this.#deps.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM webhook_queue WHERE dead_at IS NOT NULL`).one().n;
  }

  /** Deletes every dead letter; answers how many. @example queue.deleteDeadLetters() */
  deleteDeadLetters(): number {
    return this.#deps.sql.exec(`DELETE FROM webhook_queue WHERE dead_at IS NOT NULL`).rowsWritten;
  }

  /**
   * Alarm part: drops dead letters older than the TTL (logged); answers when
   * the next one expires, or `null`.
   * @example schedule.register({ name: "dead-letters", runDue: (now) => queue.expireDeadLetters(now) });
   */
  async expireDeadLetters(now: number): Promise<number | null> {
    const ttl = this.#deps.deadLetterTtlMs ?? DEAD_LETTER_TTL_MS;
    const dropped = this.#deps.sql.exec(`DELETE FROM webhook_queue WHERE dead_at IS NOT NULL AND dead_at <= ?`, now - ttl).rowsWritten;
    if (dropped > 0) console.warn(`webhooks: ${dropped} dead letters older than ${Math.round(ttl / 86_400_000)} days dropped`);
    return this.nextDeadLetterExpiry();
  }

  /** When the oldest dead letter expires, or `null`. @example queue.nextDeadLetterExpiry() */
  nextDeadLetterExpiry(): number | null {
    const t = this.#deps.sql.exec<{ t: number | null }>(`SELECT MIN(dead_at) AS t FROM webhook_queue WHERE dead_at IS NOT NULL`).one().t;
    return t === null ? null : t + (this.#deps.deadLetterTtlMs ?? DEAD_LETTER_TTL_MS);
  }

  /**
   * Puts dead letters back in the queue (at their original place, so they go
   * next), with a fresh retry window. Called by the REST API
   * (`POST /v1/users/{userId}/dead-letters/redrive`).
   * @example queue.redriveDeadLetters();
   */
  redriveDeadLetters(): number {
    const now = this.#deps.now();
    return this.#deps.sql.exec(
      `UPDATE webhook_queue SET dead_at = NULL, attempts = 0, created_at = ?, next_attempt_at = ? WHERE dead_at IS NOT NULL`,
      now,
      now,
    ).rowsWritten;
  }

  async #drainOnce(): Promise<number | null> {
    const { sql } = this.#deps;
    for (let sent = 0; sent < MAX_PER_DRAIN; sent++) {
      const head = sql
        .exec<Row>(`SELECT * FROM webhook_queue WHERE dead_at IS NULL ORDER BY seq LIMIT 1`)
        .toArray()[0];
      if (!head) return null;
      const now = this.#deps.now();
      if (head.next_attempt_at > now) return head.next_attempt_at;
      const { url, secret } = this.#deps.config;
      const insecure = this.#insecure();
      if (!url || !secret || insecure) {
        if (!this.#warnedUnconfigured) {
          this.#warnedUnconfigured = true;
          console.warn(
            insecure
              ? "webhooks: APP_WEBHOOK_URL is not https (required outside development and test); webhooks are queued, not sent"
              : "webhooks: APP_WEBHOOK_URL or APP_WEBHOOK_SECRET not set; webhooks are queued, not sent",
          );
        }
        const deadline = head.created_at + WEBHOOK_RETRY_WINDOW_MS;
        if (now < deadline) return deadline;
        this.#deadLetter(head, head.attempts, insecure ? INSECURE_URL_ERROR : UNCONFIGURED_ERROR, now, "delivery not configured");
        continue;
      }
      const outcome = await this.#attempt(url, secret, head, now);
      if (outcome.ok) {
        sql.exec(`DELETE FROM webhook_queue WHERE seq = ?`, head.seq);
        continue;
      }
      const at = this.#deps.now();
      const attempts = head.attempts + 1;
      const expired = at - head.created_at >= WEBHOOK_RETRY_WINDOW_MS;
      if (outcome.gone || expired) {
        this.#deadLetter(head, attempts, outcome.error, at, outcome.gone ? "410 Gone" : "retry window exhausted");
        continue;
      }
      const backoff = backoffDelay(attempts - 1, { ...WEBHOOK_BACKOFF, random: this.#deps.random });
      // A Retry-After beyond the backoff cap is not honoured: the row would outlive its window untried.
      const retryAfter = Math.min(outcome.retryAfterMs ?? 0, WEBHOOK_BACKOFF.maxMs);
      const next = at + Math.max(WEBHOOK_MIN_RETRY_MS, backoff, retryAfter);
      sql.exec(
        `UPDATE webhook_queue SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE seq = ?`,
        attempts,
        outcome.error,
        next,
        head.seq,
      );
      return next;
    }
    return this.#deps.now();
  }

  /** Keeps the row, out of the queue's way, and says so. */
  #deadLetter(row: Row, attempts: number, error: string, at: number, reason: string): void {
    this.#deps.sql.exec(
      `UPDATE webhook_queue SET attempts = ?, last_error = ?, dead_at = ? WHERE seq = ?`,
      attempts,
      error,
      at,
      row.seq,
    );
    console.error("webhooks: dead letter", { msgId: row.msg_id, type: row.type, attempts, error, reason });
    const cap = this.#deps.deadLetterCap ?? DEAD_LETTER_CAP;
    const over = this.deadLetterCount() - cap;
    if (over > 0) {
      this.#deps.sql.exec(
        `DELETE FROM webhook_queue WHERE seq IN (SELECT seq FROM webhook_queue WHERE dead_at IS NOT NULL ORDER BY seq LIMIT ?)`,
        over,
      );
      console.warn(`webhooks: more than ${cap} dead letters; the ${over} oldest dropped`);
    }
  }

  async #attempt(
    url: string,
    secret: string,
    row: Row,
    now: number,
  ): Promise<{ ok: true } | { ok: false; gone: boolean; error: string; retryAfterMs: number | null }> {
    try {
      const headers = await webhookHeaders(secret, row.msg_id, Math.floor(now / 1000), row.body);
      const res = await fetchWithTimeout(
        this.#deps.fetch,
        url,
        // A redirect is not followed (it would re-send the signed body elsewhere): a 3xx is a failed try.
        { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: row.body, redirect: "manual" },
        WEBHOOK_TIMEOUT_MS,
      );
      // The body is not needed; release the connection.
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return { ok: true };
      return {
        ok: false,
        gone: res.status === 410,
        error: `HTTP ${res.status}`,
        retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), now),
      };
    } catch (err) {
      return { ok: false, gone: false, error: err instanceof Error ? err.message : String(err), retryAfterMs: null };
    }
  }
}
