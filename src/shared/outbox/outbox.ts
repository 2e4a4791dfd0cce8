/**
 * @module shared/outbox/outbox
 * The durable outbox of one Alexa user, inside their Durable Object: the
 * operations the app asked for (REST API) and the reconciliation syncs,
 * waiting to travel to Alexa as Skill Messaging messages and to be confirmed
 * by `Messaging.MessageReceived`.
 *
 * Lifecycle of an operation:
 * `queued` → (sent, HTTP 202) `sent` → (the inbound handler calls
 * {@link Outbox.complete}) `completed`; or `failed` (Amazon refused it with
 * 400/403/404, the receiver called {@link Outbox.fail}, transport retries ran
 * out, the LWA credentials are missing or refused, or the user disabled the
 * skill); or `expired` (sent {@link MAX_SENDS} times and never confirmed).
 * `completed` and `failed` queue the `outbox.completed` / `outbox.failed`
 * webhooks; `expired` queues `outbox.failed` with the reason.
 *
 * Sending happens in the object's alarm ({@link Outbox.runDue}, an
 * AlarmParticipant): operations go out in the order they were accepted, one
 * at a time. A transport failure (429, 5xx, timeout) holds the whole queue
 * until the retry time, which is never earlier than Amazon's `Retry-After`:
 * a rate limit is per skill, so the next message would fail too.
 *
 * Trade-offs:
 * - Alexa does not deliver messages in order. Operations on the same item
 *   (`itemRef`, or the `appItemId` of a create) therefore wait until the
 *   previous one on that item is finished, so an update can never overtake
 *   the create it refers to. Unrelated operations are not held back.
 * - Re-sends after a lost message or a timeout may deliver twice; the
 *   receiver drops duplicates by `opId`.
 * - A confirmation that arrives after an operation was declared `expired` or
 *   `failed` still wins (the change did happen in Alexa), and the app gets
 *   `outbox.completed` after the earlier `outbox.failed`.
 * - Finished operations are deleted {@link RETENTION_MS} after they finish,
 *   lazily, during later alarm runs; their idempotency keys go with them.
 */
import { encodeBridgeMessage, type BridgeOperation } from "../../protocol/bridge-message.ts";
import type { OperationView, OutboxPort, WebhookPort } from "../ports.ts";
import type { AlarmParticipant } from "../schedule.ts";
import { deliver, type Transport } from "./deliver.ts";
import {
  MAX_ATTEMPTS,
  MAX_SENDS,
  PRUNE_BATCH,
  RETENTION_MS,
  SEND_BATCH,
  deliveryDeadline,
  messageLifetimeS,
  retryAt,
} from "./policy.ts";
import { PENDING, canonicalJson, itemKeyOf, toView, type OpRow } from "./store.ts";

/** Where this user's messages go, or why they cannot go. */
export interface Recipient {
  userId: string;
  /** The user's region (`apiEndpoint` of their last request). */
  apiEndpoint: string;
  enabled: boolean;
}

export interface OutboxDeps {
  sql: SqlStorage;
  webhooks: WebhookPort;
  transport: Transport;
  /** The user as the object knows them; `null` when never seen. */
  recipient: () => Recipient | null;
  /** Asks the object's alarm to fire no later than `at` (fire and forget). */
  wake: (at: number) => void;
  now?: () => number;
  random?: () => number;
  newId?: () => string;
  /**
   * Whether the tables exist (default: always). An owner that creates them at
   * the first operation (the skill store's Alexa user, whose outbox carries
   * only the app's rare skill messages) answers false until then: every read
   * answers "nothing" without a statement, and the owner creates the tables
   * before it calls {@link Outbox.enqueue}.
   */
  present?: () => boolean;
}

export interface EnqueueOptions {
  /** The client's `Idempotency-Key`, scoped to this user. */
  idempotencyKey?: string;
  /** Message lifetime for each send (default 3600 s, at most 86 400 s). */
  expiresAfterSeconds?: number;
}

export type EnqueueResult =
  /** A new operation was stored. */
  | { outcome: "created"; view: OperationView }
  /** The key was seen with the same request: the original operation. */
  | { outcome: "replayed"; view: OperationView }
  /** The key was seen with a different request. */
  | { outcome: "conflict"; existingId: string };

const TERMINAL = "('completed','failed','expired')";
const HOLD_KEY = "hold_until";
/** Operations whose previous operation on the same item is still pending. */
const NOT_BLOCKED = `(o.item_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM outbox_ops p WHERE p.item_key = o.item_key AND p.seq < o.seq AND p.status IN ${PENDING}))`;

function fingerprint(op: BridgeOperation, lifetimeS: number): string {
  return `${lifetimeS}|${canonicalJson(op)}`;
}

function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/**
 * The outbox; one per user object, sharing the object's SQL storage.
 * @example
 * const outbox = new Outbox({ sql: ctx.storage.sql, webhooks, transport, recipient, wake });
 * schedule.register(outbox);
 * const r = outbox.enqueue({ kind: "sync" }, { idempotencyKey: "k1" });
 */
export class Outbox implements OutboxPort, AlarmParticipant {
  readonly name = "outbox";
  readonly #d: OutboxDeps;
  readonly #now: () => number;
  #running = false;
  #loggedConfigurationFailure: string | null = null;

  constructor(deps: OutboxDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  #present(): boolean {
    return this.#d.present?.() ?? true;
  }

  /**
   * Stores an operation (or finds the one stored under the same idempotency
   * key) and asks for an immediate send. Synchronous: durable once the
   * caller's turn commits.
   * @example
   * const r = outbox.enqueue({ kind: "create", list: "shopping", value: "milk" }, {});
   * if (r.outcome !== "conflict") return json(r.view, 202);
   */
  enqueue(op: BridgeOperation, opts: EnqueueOptions = {}): EnqueueResult {
    const lifetime = messageLifetimeS(opts.expiresAfterSeconds);
    const prior = this.#prior(op, opts, lifetime);
    if (prior) return prior;
    const now = this.#now();
    const row = this.#insert(this.#newId(), op, opts, lifetime, now, { status: "queued", nextAt: now, result: null });
    this.#d.wake(now);
    return { outcome: "created", view: toView(row) };
  }

  /**
   * Records an operation that is applied at once, where there is no message
   * to send (the skill store): the same idempotency rules as {@link enqueue},
   * then `apply(opId)` makes the change and answers its result, the row is
   * stored `completed` and `outbox.completed` is queued after whatever `apply`
   * queued. Synchronous: call it in the transaction of the change. What
   * `apply` throws propagates (the caller's transaction rolls back).
   * @example
   * const r = outbox.applied(op, { idempotencyKey }, (opId) => store.create(op, opId));
   */
  applied(op: BridgeOperation, opts: EnqueueOptions, apply: (opId: string) => unknown): EnqueueResult {
    const lifetime = messageLifetimeS(opts.expiresAfterSeconds);
    const prior = this.#prior(op, opts, lifetime);
    if (prior) return prior;
    const id = this.#newId();
    const result = apply(id) ?? null;
    const row = this.#insert(id, op, opts, lifetime, this.#now(), { status: "completed", nextAt: null, result: JSON.stringify(result) });
    this.#d.webhooks.enqueue("outbox.completed", { opId: id, kind: op.kind, result, source: "app" });
    return { outcome: "created", view: toView(row) };
  }

  /** Stores a new operation row: queued (to send at `nextAt`) or already completed (applied at once). */
  #insert(
    id: string,
    op: BridgeOperation,
    opts: EnqueueOptions,
    lifetime: number,
    now: number,
    state: { status: "queued" | "completed"; nextAt: number | null; result: string | null },
  ): OpRow {
    return this.#d.sql
      .exec<OpRow>(
        `INSERT INTO outbox_ops (id, kind, op, item_key, status, created_at, updated_at, lifetime_s, next_at, idem_key, result)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        id,
        op.kind,
        JSON.stringify(op),
        itemKeyOf(op),
        state.status,
        now,
        now,
        lifetime,
        state.nextAt,
        opts.idempotencyKey ?? null,
        state.result,
      )
      .one();
  }

  /** The operation stored under the request's idempotency key, as a replay or a conflict; null when new. */
  #prior(op: BridgeOperation, opts: EnqueueOptions, lifetime: number): EnqueueResult | null {
    if (opts.idempotencyKey === undefined) return null;
    const prior = this.#d.sql.exec<OpRow>("SELECT * FROM outbox_ops WHERE idem_key = ?", opts.idempotencyKey).toArray()[0];
    if (!prior) return null;
    const same = fingerprint(JSON.parse(prior.op) as BridgeOperation, prior.lifetime_s) === fingerprint(op, lifetime);
    return same ? { outcome: "replayed", view: toView(prior) } : { outcome: "conflict", existingId: prior.id };
  }

  #newId(): string {
    return this.#d.newId?.() ?? `op_${crypto.randomUUID().replaceAll("-", "")}`;
  }

  /** Operations still in the outbox's hands (queued, or sent and unconfirmed). @example outbox.pendingCount() */
  pendingCount(): number {
    if (!this.#present()) return 0;
    return this.#d.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox_ops WHERE status IN ${PENDING}`).one().n;
  }

  /**
   * The operation as stored (what the app asked for), or `null` for an id
   * this outbox never stored (or pruned).
   * @example outbox.operation("op_123")?.kind // "create"
   */
  operation(opId: string): BridgeOperation | null {
    if (!this.#present()) return null;
    const row = this.#d.sql.exec<{ op: string }>("SELECT op FROM outbox_ops WHERE id = ?", opId).toArray()[0];
    return row ? (JSON.parse(row.op) as BridgeOperation) : null;
  }

  /** @example outbox.get("op_123")?.status // "sent" */
  get(opId: string): OperationView | null {
    if (!this.#present()) return null;
    const row = this.#d.sql.exec<OpRow>("SELECT * FROM outbox_ops WHERE id = ?", opId).toArray()[0];
    return row ? toView(row) : null;
  }

  /**
   * Marks a delivered operation done and queues `outbox.completed`. A
   * duplicate confirmation is ignored; an unknown id (pruned) too.
   * @example outbox.complete(msg.opId, { alexaItemId, listId, version });
   */
  complete(opId: string, result: unknown): void {
    if (!this.#present()) return;
    const now = this.#now();
    const row = this.#d.sql
      .exec<{ kind: string }>(
        `UPDATE outbox_ops SET status = 'completed', result = ?, error = NULL, next_at = NULL, updated_at = ?
         WHERE id = ? AND status != 'completed' RETURNING kind`,
        JSON.stringify(result ?? null),
        now,
        opId,
      )
      .toArray()[0];
    if (!row) return;
    this.#d.webhooks.enqueue("outbox.completed", { opId, kind: row.kind, result: result ?? null, source: "app" });
    this.#wakeForUnblocked();
  }

  /**
   * Marks a pending operation failed for good and queues `outbox.failed`.
   * @example outbox.fail(msg.opId, "ITEM_NOT_FOUND: no item a1 in the shopping list");
   */
  fail(opId: string, reason: string): void {
    if (!this.#present()) return;
    if (this.#finish(opId, "failed", reason)) this.#wakeForUnblocked();
  }

  /**
   * Sends a sent, unconfirmed operation again now instead of at its delivery
   * deadline: the receiver knows it lost the work (a full sync whose run died
   * with its instance). Bounded like any re-send by {@link MAX_SENDS}.
   * @example if (orphaned) outbox.resend(opId);
   */
  resend(opId: string): boolean {
    if (!this.#present()) return false;
    const now = this.#now();
    const changed = this.#d.sql.exec(
      `UPDATE outbox_ops SET status = 'queued', attempts = 0, next_at = ?, updated_at = ? WHERE id = ? AND status = 'sent' AND sends < ?`,
      now,
      now,
      opId,
      MAX_SENDS,
    ).rowsWritten;
    if (changed > 0) this.#d.wake(now);
    return changed > 0;
  }

  /**
   * The earliest time this outbox has work (ms since epoch), or `null`.
   * @example const at = outbox.nextDueAt(); if (at !== null) await schedule.wakeAt(at);
   */
  nextDueAt(): number | null {
    if (!this.#present()) return null;
    const sql = this.#d.sql;
    const queued = sql
      .exec<{ t: number | null }>(`SELECT MIN(o.next_at) AS t FROM outbox_ops o WHERE o.status = 'queued' AND ${NOT_BLOCKED}`)
      .one().t;
    const sent = sql.exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM outbox_ops WHERE status = 'sent'").one().t;
    return minOrNull(queued === null ? null : Math.max(queued, this.#holdUntil()), sent);
  }

  /**
   * Whether an operation of `kind` is still pending, and when the latest one
   * of that kind was accepted (for reconciliation: one sync at a time).
   * @example const { pending, lastCreatedAt } = outbox.kindState("sync");
   */
  kindState(kind: BridgeOperation["kind"]): { pending: boolean; lastCreatedAt: number | null } {
    if (!this.#present()) return { pending: false, lastCreatedAt: null };
    const r = this.#d.sql
      .exec<{ pending: number; last: number | null }>(
        `SELECT COALESCE(SUM(status IN ${PENDING}), 0) AS pending, MAX(created_at) AS last FROM outbox_ops WHERE kind = ?`,
        kind,
      )
      .one();
    return { pending: r.pending > 0, lastCreatedAt: r.last };
  }

  /**
   * Fails every pending operation (queued, or sent and unconfirmed) with
   * `reason`, queuing `outbox.failed` for each: the user disabled the skill,
   * so nothing more will be delivered, and the app must hear so before the
   * user's data is erased.
   * @example if (!profile.enabled) outbox.abandonPending("USER_DISABLED: …");
   */
  abandonPending(reason: string): number {
    if (!this.#present()) return 0;
    const ids = this.#d.sql.exec<{ id: string }>(`SELECT id FROM outbox_ops WHERE status IN ${PENDING} ORDER BY seq`).toArray();
    let n = 0;
    for (const { id } of ids) if (this.#finish(id, "failed", reason)) n++;
    return n;
  }

  /**
   * The alarm's work: expire or re-queue unconfirmed sends, drop old finished
   * operations, then send what is due, in order. Answers the next due time.
   * @example schedule.register(outbox); // the schedule calls runDue(now)
   */
  async runDue(now: number): Promise<number | null> {
    // The alarm never overlaps itself; this guards direct callers.
    if (this.#running || !this.#present()) return this.nextDueAt();
    this.#running = true;
    try {
      this.#expireOverdue(now);
      this.#prune(now);
      await this.#sendDue(now);
    } finally {
      this.#running = false;
    }
    return this.nextDueAt();
  }

  async #sendDue(now: number): Promise<void> {
    const sql = this.#d.sql;
    const who = this.#d.recipient();
    if (!who || !who.enabled) {
      this.abandonPending(who ? "USER_DISABLED: the user disabled the skill" : "USER_UNKNOWN: the user was never seen");
      return;
    }
    if (this.#holdUntil() > now) return;
    const due = sql
      .exec<OpRow>(
        `SELECT * FROM outbox_ops o WHERE o.status = 'queued' AND o.next_at <= ? AND ${NOT_BLOCKED}
         ORDER BY o.seq LIMIT ?`,
        now,
        SEND_BATCH,
      )
      .toArray();
    // Set by the first configuration failure of this run: the rest of the batch fails the same way without asking LWA again.
    let configurationFailure: string | null = null;
    for (const row of due) {
      // Earlier sends awaited the network: the receiver may have finished this one meanwhile.
      const current = sql.exec<{ status: string }>("SELECT status FROM outbox_ops WHERE id = ?", row.id).toArray()[0];
      if (current?.status !== "queued") continue;
      if (configurationFailure !== null) {
        this.#finish(row.id, "failed", configurationFailure);
        continue;
      }
      const message = encodeBridgeMessage({ opId: row.id, op: JSON.parse(row.op) as BridgeOperation });
      const out = await deliver(this.#d.transport, {
        apiEndpoint: who.apiEndpoint,
        userId: who.userId,
        data: message,
        expiresAfterSeconds: row.lifetime_s,
      });
      const t = this.#now();
      if (out.kind === "sent") {
        sql.exec(
          `UPDATE outbox_ops SET status = 'sent', sends = sends + 1, attempts = 0, next_at = ?, updated_at = ?
           WHERE id = ? AND status = 'queued'`,
          deliveryDeadline(t, row.lifetime_s),
          t,
          row.id,
        );
      } else if (out.kind === "fail") {
        this.#finish(row.id, "failed", out.reason);
        if (out.configuration) {
          configurationFailure = out.reason;
          this.#logConfigurationFailure(out.reason);
        }
      } else {
        const attempts = row.attempts + 1;
        if (attempts >= MAX_ATTEMPTS) {
          this.#finish(row.id, "failed", `gave up after ${attempts} attempts: ${out.reason}`);
          continue;
        }
        const at = retryAt(t, attempts, out.retryAfterMs, this.#d.random);
        sql.exec(
          "UPDATE outbox_ops SET attempts = ?, next_at = ?, last_error = ?, updated_at = ? WHERE id = ? AND status = 'queued'",
          attempts,
          at,
          out.reason,
          t,
          row.id,
        );
        sql.exec("INSERT INTO outbox_meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", HOLD_KEY, at);
        return;
      }
    }
  }

  /**
   * One line per object (and per distinct reason), not one per operation: a
   * missing secret would otherwise log once for every operation of every user.
   */
  #logConfigurationFailure(reason: string): void {
    if (this.#loggedConfigurationFailure === reason) return;
    this.#loggedConfigurationFailure = reason;
    console.error(`outbox: skill messages cannot be sent, failing operations at once until fixed: ${reason}`);
  }

  /** Sent but unconfirmed past the deadline: send again, or give up. */
  #expireOverdue(now: number): void {
    const sql = this.#d.sql;
    const overdue = sql
      .exec<OpRow>("SELECT * FROM outbox_ops WHERE status = 'sent' AND next_at <= ? ORDER BY seq", now)
      .toArray();
    for (const row of overdue) {
      if (row.sends < MAX_SENDS) {
        sql.exec(
          "UPDATE outbox_ops SET status = 'queued', attempts = 0, next_at = ?, updated_at = ? WHERE id = ? AND status = 'sent'",
          now,
          now,
          row.id,
        );
      } else {
        const reason = `not confirmed by Alexa after ${row.sends} sends (message lifetime ${row.lifetime_s} s)`;
        this.#finish(row.id, "expired", reason);
      }
    }
  }

  #prune(now: number): void {
    this.#d.sql.exec(
      `DELETE FROM outbox_ops WHERE seq IN (
         SELECT seq FROM outbox_ops WHERE updated_at < ? AND status IN ${TERMINAL} LIMIT ?)`,
      now - RETENTION_MS,
      PRUNE_BATCH,
    );
  }

  /** Ends a pending operation as failed/expired and tells the app. */
  #finish(opId: string, status: "failed" | "expired", reason: string): boolean {
    const row = this.#d.sql
      .exec<{ kind: string }>(
        `UPDATE outbox_ops SET status = ?, error = ?, next_at = NULL, updated_at = ?
         WHERE id = ? AND status IN ${PENDING} RETURNING kind`,
        status,
        reason,
        this.#now(),
        opId,
      )
      .toArray()[0];
    if (!row) return false;
    this.#d.webhooks.enqueue("outbox.failed", { opId, kind: row.kind, status, reason, source: "app" });
    return true;
  }

  #holdUntil(): number {
    return this.#d.sql.exec<{ v: number }>("SELECT v FROM outbox_meta WHERE k = ?", HOLD_KEY).toArray()[0]?.v ?? 0;
  }

  /** A finished operation may unblock the next one on the same item. */
  #wakeForUnblocked(): void {
    const next = this.nextDueAt();
    if (next !== null) this.#d.wake(next);
  }
}
