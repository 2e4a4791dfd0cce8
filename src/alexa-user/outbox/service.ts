/**
 * @module alexa-user/outbox/service
 * Runtime glue between the user's Durable Object and the outbound side: builds
 * the {@link Outbox} with the real transport (Login-with-Amazon token cache +
 * Skill Messaging client, to the user's own region), and implements the
 * object's RPC methods for the REST API (`enqueueOperation`, `getOperation`)
 * and for the registry's cron sweep (`sweep`), plus the registry reports.
 *
 * The object owns one instance and forwards to it, so `alexa-user.ts` only
 * gains one-line methods.
 */
import type { Env } from "../../env.ts";
import { apiEndpointFor } from "../../alexa/endpoints.ts";
import { sendSkillMessage } from "../../alexa/skill-messaging.ts";
import { lwaTokenSourceFor } from "../../lwa-token-cache.ts";
import type { BridgeOperation } from "../../protocol/bridge-message.ts";
import { REGISTRY_DUE_GRACE_MS, nextSyncAt, syncIntervalMs, type RegistryEntry } from "../../registry/entry.ts";
import { RegistryReporter, type RegistryWrite, type ReportSlot } from "../../registry/reporter.ts";
import { shardName, shardOf } from "../../registry/shards.ts";
import { Outbox, type EnqueueOptions, type EnqueueResult } from "../../shared/outbox/outbox.ts";
import type { Refused } from "../../shared/list-store.ts";
import type { OperationView, UserProfile, WebhookPort } from "../../shared/ports.ts";
import { canReadLists } from "../profile.ts";
import type { AlarmParticipant } from "../../shared/schedule.ts";
import type { Transport } from "../../shared/outbox/deliver.ts";

export type EnqueueReply =
  | EnqueueResult
  | Refused
  | { outcome: "unknown_user" }
  | { outcome: "disabled_user" }
  /** {@link outboxMaxPending} operations are pending already: the app should retry after `retryAfterS`. */
  | { outcome: "too_many_pending"; limit: number; retryAfterS: number };

/** Default of `OUTBOX_MAX_PENDING`. */
export const DEFAULT_OUTBOX_MAX_PENDING = 1000;
/** The `Retry-After` of a refusal for too many pending operations. */
export const TOO_MANY_PENDING_RETRY_AFTER_S = 60;

/**
 * `OUTBOX_MAX_PENDING` as a positive integer, else the default.
 * @example outboxMaxPending({ OUTBOX_MAX_PENDING: "50" }) // 50
 */
export function outboxMaxPending(env: Pick<Env, "OUTBOX_MAX_PENDING">): number {
  const n = Number(env.OUTBOX_MAX_PENDING);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_OUTBOX_MAX_PENDING;
}
export type GetOperationReply = { outcome: "found"; view: OperationView } | { outcome: "unknown_user" } | { outcome: "not_found" };

export interface OutboundDeps {
  sql: SqlStorage;
  env: Env;
  /** The user as the object knows them (src/alexa-user/profile.ts), null before the first request. */
  profile: () => UserProfile | null;
  webhooks: WebhookPort;
  /** The object's shared alarm: fire no later than `at`. */
  wakeAt: (at: number) => Promise<void>;
  /** The object's fetch, resolved at call time (test spies apply). */
  http: typeof fetch;
  now: () => number;
  /** Overrides the Amazon side (tests, other runtimes). */
  transport?: Transport;
  /** Overrides the registry write (tests). */
  registryWrite?: RegistryWrite;
  /** Where the entry last written to the registry is kept (the profile row). */
  reportSlot: ReportSlot;
  /**
   * Takes an app operation in (the list store's `accept`, run in the object's
   * transaction); default: queue it in the outbox.
   */
  accept?: (op: BridgeOperation, opts: EnqueueOptions) => EnqueueResult | Refused;
  /** After an operation was taken in (the object starts sending the webhooks it queued). */
  afterAccept?: () => void;
  /** Whether the cron reconciles this user (the list store's rule); default: enabled with list read permission. */
  reconciles?: (p: UserProfile) => boolean;
  /** Whether the outbox's tables exist yet (default: always; see `OutboxDeps.present`). */
  outboxPresent?: () => boolean;
}

/** The LWA token source, built at first use so a missing secret fails the send (with the reason), not the object. */
function lazyTransport(env: Env, http: typeof fetch): Transport {
  return {
    send: sendSkillMessage,
    fetch: http,
    tokens: {
      getToken: () => lwaTokenSourceFor(env).getToken(),
      invalidate: (token) => lwaTokenSourceFor(env).invalidate(token),
    },
  };
}

/**
 * Whether the cron queues reconciliation syncs for this user: enabled, and
 * allowed to have their lists read. A sync without read permission could only
 * fail (403) every interval, so none is queued and the registry entry carries
 * no sync time; granting the permission later (a skill event) rewrites the
 * entry with the usual sync time (now, for a user never synced). The app can
 * still ask for a sync itself (`POST /v1/users/{id}/sync`); that one is sent
 * and fails with Amazon's reason.
 */
function householdReconciles(p: UserProfile): boolean {
  return p.enabled && canReadLists(p);
}

function shardWrite(env: Env): RegistryWrite {
  return async (userId, entry) => {
    const shard = env.USER_REGISTRY.getByName(shardName(shardOf(userId)));
    if (entry === null) await shard.remove(userId);
    else await shard.put(userId, entry);
  };
}

/**
 * The outbound side of one user's object.
 * @example
 * this.outbound = new Outbound({ sql, env, profile: () => profile.get(), reportSlot, webhooks, wakeAt, http, now });
 * this.schedule.register(this.outbound.participant);
 * async enqueueOperation(op, opts) { return this.outbound.enqueueOperation(op, opts); }
 */
export class Outbound {
  readonly outbox: Outbox;
  /** Register this with the object's AlarmSchedule: sends, then keeps the registry current. */
  readonly participant: AlarmParticipant;
  readonly #d: OutboundDeps;
  readonly #reporter: RegistryReporter;

  constructor(deps: OutboundDeps) {
    this.#d = deps;
    const env = deps.env;
    this.outbox = new Outbox({
      sql: deps.sql,
      webhooks: deps.webhooks,
      transport: deps.transport ?? lazyTransport(env, deps.http),
      now: deps.now,
      recipient: () => {
        const p = deps.profile();
        if (!p) return null;
        return {
          userId: p.userId,
          enabled: p.enabled,
          // The stored endpoint was checked on the way in; checked again in case it predates the allow-list.
          apiEndpoint: apiEndpointFor(env, p.apiEndpoint),
        };
      },
      wake: (at) => {
        deps.wakeAt(at).catch((e: unknown) => console.error("outbox: could not set the alarm", e));
      },
      ...(deps.outboxPresent ? { present: deps.outboxPresent } : {}),
    });
    this.#reporter = new RegistryReporter(deps.reportSlot, deps.registryWrite ?? shardWrite(env));
    this.participant = {
      name: "outbox",
      runDue: async (now) => {
        const next = await this.outbox.runDue(now);
        await this.reportRegistry();
        return next;
      },
    };
  }

  /**
   * REST API: stores the operation (known, enabled users only) and arms the
   * alarm so it is sent at once. The 202 goes out after this returns, i.e.
   * after the row is committed.
   * @example const reply = await stub.enqueueOperation({ kind: "sync" }, { idempotencyKey: "k" });
   */
  async enqueueOperation(op: BridgeOperation, opts: EnqueueOptions): Promise<EnqueueReply> {
    const p = this.#d.profile();
    if (!p) return { outcome: "unknown_user" };
    if (!p.enabled) return { outcome: "disabled_user" };
    // Bounded per user: an app that queues faster than Alexa confirms must back off, not fill the object.
    const limit = outboxMaxPending(this.#d.env);
    if (this.outbox.pendingCount() >= limit) {
      console.warn(`outbox: ${limit} operations pending; refusing more (429) until some finish`);
      return { outcome: "too_many_pending", limit, retryAfterS: TOO_MANY_PENDING_RETRY_AFTER_S };
    }
    const result = this.#d.accept ? this.#d.accept(op, opts) : this.outbox.enqueue(op, opts);
    if (result.outcome === "created") {
      this.#d.afterAccept?.();
      try {
        await this.#d.wakeAt(this.#d.now());
      } catch (e) {
        // The operation is stored: answering an error now would invite a
        // retry that queues it twice. The registry's sweep re-arms the alarm
        // for overdue work, so the 202 stays true.
        console.error("outbox: operation stored but the alarm could not be armed; the cron sweep will send it", e);
      }
      // Not awaited: the registry is the safety net behind the alarm just
      // armed, and a slow shard must not delay the 202. report() never throws.
      void this.reportRegistry();
    }
    return result;
  }

  /**
   * REST API: an operation's status. Works for disabled users too, so the app
   * can still read how their last operations ended.
   * @example const reply = await stub.getOperation("op_…");
   */
  getOperation(opId: string): GetOperationReply {
    if (!this.#d.profile()) return { outcome: "unknown_user" };
    const view = this.outbox.get(opId);
    return view ? { outcome: "found", view } : { outcome: "not_found" };
  }

  /**
   * The registry's poke (cron): queue a reconciliation sync if one is due,
   * make sure the alarm is armed for any due work, and answer the user's
   * fresh registry entry (`null` for a user this object never saw, so the
   * registry forgets them).
   * @example const entry = await env.ALEXA_USER.getByName(userId).sweep(Date.now());
   */
  async sweep(now: number): Promise<RegistryEntry | null> {
    const p = this.#d.profile();
    if (!p) return null;
    if (this.#reconciles(p)) {
      const sync = this.outbox.kindState("sync");
      if (!sync.pending && nextSyncAt(p.lastFullSyncAt, sync.lastCreatedAt, this.#interval()) <= now) {
        this.outbox.enqueue({ kind: "sync" });
      }
    }
    const due = this.outbox.nextDueAt();
    if (due !== null) await this.#d.wakeAt(Math.max(due, now));
    const entry = this.entry();
    if (entry) this.#reporter.remember(entry);
    return entry;
  }

  /**
   * After each Alexa request's commit: a user who disabled the skill gets
   * every pending operation failed (`outbox.failed`, reason USER_DISABLED)
   * now, so the app hears of it before the user's data is erased.
   * @example outbound.afterRequest(); // then count pending webhooks
   */
  afterRequest(): void {
    const p = this.#d.profile();
    if (p && !p.enabled) this.outbox.abandonPending("USER_DISABLED: the user disabled the skill");
  }

  /**
   * The user's registry entry as of now, or null before the first request.
   * @example outbound.entry()?.nextSyncAt
   */
  entry(): RegistryEntry | null {
    const p = this.#d.profile();
    if (!p) return null;
    const sync = this.outbox.kindState("sync");
    const now = this.#d.now();
    const due = this.outbox.nextDueAt();
    return {
      enabled: p.enabled,
      nextSyncAt: this.#reconciles(p) ? nextSyncAt(p.lastFullSyncAt, sync.lastCreatedAt, this.#interval()) : null,
      nextDueAt: due === null ? null : Math.max(due, now + REGISTRY_DUE_GRACE_MS),
      at: now,
    };
  }

  /**
   * Writes the user's registry entry if it changed in a way that matters
   * (cheap: one local SQL read when nothing changed). Call after anything
   * that may change the profile (skill events, a finished sync) or the outbox.
   * @example ctx.waitUntil(outbound.reportRegistry());
   */
  async reportRegistry(): Promise<void> {
    const p = this.#d.profile();
    const entry = this.entry();
    if (!p || !entry) return;
    await this.#reporter.report(p.userId, entry);
  }

  /**
   * Erasure: removes the user from the registry.
   * @example await outbound.forgetRegistry();
   */
  async forgetRegistry(userId: string): Promise<void> {
    await this.#reporter.forget(userId);
  }

  #reconciles(p: UserProfile): boolean {
    return (this.#d.reconciles ?? householdReconciles)(p);
  }

  #interval(): number {
    return syncIntervalMs(this.#d.env.SYNC_INTERVAL);
  }
}
