/**
 * @module alexa-user/sync-runner
 * Runs full syncs after Alexa's answer. A large household can take longer to
 * read than Alexa's 10 s budget; answering late makes Alexa redeliver and the
 * work start over. So a `kind:"sync"` message is only *accepted* while Alexa
 * waits: its operation is durably marked as applying (src/alexa-user/op-progress.ts;
 * the REST view still shows it `sent`) and Alexa gets its 200. The reads then
 * run in the background (`ctx.waitUntil`) with the request's
 * `apiAccessToken`, held in memory only, never stored; on success the
 * snapshot, the item map and the operation's completion commit in one
 * transaction, and the mark is cleared.
 *
 * Exactly once, and nothing lost:
 * - a delivery of the same opId while its sync is accepted or running is
 *   acknowledged at once and starts nothing (in memory: a run lives and dies
 *   with its instance);
 * - a run that fails for a transient reason (429/5xx/timeout) or dies with its
 *   instance (eviction, crash) leaves the operation incomplete and marked as
 *   applying: {@link SYNC_ORPHAN_MS} after its acceptance the alarm finds it
 *   with no run in this instance and has the outbox send it again at once
 *   (found by the soak: otherwise the app waited the message's lifetime, an
 *   hour), and that delivery (or any other, with a fresh token) finds no run
 *   in memory and starts one; the outbox's own re-send after the message's
 *   lifetime stays the backstop (at most 3 sends);
 *   a permanent failure (401/403, invalid answer) fails the operation;
 * - a delivery after completion finds the operation completed and does nothing.
 *
 * Trade-off: the run goes through the object's one-at-a-time request queue,
 * so no list event or operation is applied between its reads and its commit.
 * The item map and the snapshot therefore stay as consistent as a sync inside
 * the request was, and a snapshot never follows (in the app's webhook order)
 * an event newer than what it read. The price: this user's other requests
 * wait for the run, as they waited for the in-request sync before; only the
 * sync message itself (and its duplicates) no longer waits.
 */
import { ListApiError, type ListApi } from "../alexa/list-api.ts";
import type { InboundParts } from "./inbound/context.ts";
import type { AlarmParticipant } from "../shared/schedule.ts";
import { applySync, readHousehold } from "./inbound/full-sync.ts";

/**
 * How long after its acceptance a sync with no run in this instance counts as
 * lost (its instance died) and is sent again. Longer than the request that
 * accepted it takes to start the run; a run still going is never touched.
 */
export const SYNC_ORPHAN_MS = 2 * 60 * 1000;

/** What the inbound handler needs to hand a sync over. */
export interface SyncPort {
  /** True while a sync of `opId` is accepted or running in this instance. */
  busy(opId: string): boolean;
  /** Durably marks `opId` as applying and keeps `api` (its token) in memory for the run (call in the request's transaction). */
  accept(opId: string, api: ListApi, now: number): void;
}

export interface SyncRunnerDeps {
  parts: Pick<InboundParts, "items" | "profile" | "held" | "webhooks" | "outbox" | "progress">;
  /** The object's `transactionSync`. */
  commit: (fn: () => void) => void;
  /** After a commit: arm the alarm, send the webhooks, report to the registry. */
  afterCommit: (now: number) => Promise<void>;
  /** The object's one-at-a-time request queue. */
  serial: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Keeps the object alive for background work (`ctx.waitUntil`), logging failures. */
  background: (p: Promise<unknown>) => void;
  now: () => number;
}

/**
 * @example
 * const syncs = new SyncRunner({ parts, commit, afterCommit, serial, background, now });
 * transactionSync(() => syncs.accept(opId, api, now)); // in the request
 * syncs.startAccepted();                                // after its commit
 */
export class SyncRunner implements SyncPort, AlarmParticipant {
  readonly name = "sync-orphans";
  readonly #d: SyncRunnerDeps;
  /** Accepted in a request whose commit has not been followed by {@link startAccepted} yet. */
  readonly #accepted = new Map<string, ListApi>();
  readonly #running = new Set<string>();
  #cancelled = false;

  constructor(deps: SyncRunnerDeps) {
    this.#d = deps;
  }

  /** @example if (syncs.busy(opId)) return ACK; */
  busy(opId: string): boolean {
    return this.#accepted.has(opId) || this.#running.has(opId);
  }

  /** @example syncs.accept(opId, api, now); */
  accept(opId: string, api: ListApi, now: number): void {
    this.#d.parts.progress.recordSync(opId, now);
    this.#accepted.set(opId, api);
  }

  /**
   * Starts the runs accepted so far (after the accepting request committed).
   * @example await commitRequest(); syncs.startAccepted();
   */
  startAccepted(): void {
    for (const [opId, api] of this.#accepted) {
      this.#accepted.delete(opId);
      this.#running.add(opId);
      this.#d.background(this.#d.serial(() => this.#run(opId, api)).finally(() => this.#running.delete(opId)));
    }
  }

  /**
   * Alarm part: a sync marked as applying for {@link SYNC_ORPHAN_MS} with no
   * run in this instance lost its run; the outbox sends it again now.
   * @example schedule.register(syncs);
   */
  async runDue(now: number): Promise<number | null> {
    const { progress, outbox } = this.#d.parts;
    for (const s of progress.syncs()) {
      if (s.startedAt + SYNC_ORPHAN_MS > now || this.busy(s.opId)) continue;
      this.#d.commit(() => {
        progress.clear(s.opId);
        if (outbox.resend(s.opId)) console.warn(`sync ${s.opId}: its run died with an earlier instance; sent again`);
      });
    }
    return this.nextCheckAt(now);
  }

  /** When {@link runDue} next has something to look at, or `null`. @example syncs.nextCheckAt(now) */
  nextCheckAt(now: number): number | null {
    const times = this.#d.parts.progress.syncs().map((s) => (this.busy(s.opId) ? now + SYNC_ORPHAN_MS : s.startedAt + SYNC_ORPHAN_MS));
    return times.length > 0 ? Math.min(...times) : null;
  }

  /**
   * Abandons every run: the user's data is being erased, and a run must not
   * write into the fresh tables that follow.
   * @example syncs.cancel(); await ctx.storage.deleteAll();
   */
  cancel(): void {
    this.#cancelled = true;
    this.#accepted.clear();
  }

  async #run(opId: string, api: ListApi): Promise<void> {
    if (this.#cancelled) return;
    const { parts, commit } = this.#d;
    try {
      const lists = await readHousehold(api);
      if (this.#cancelled) return;
      const now = this.#d.now();
      commit(() => {
        applySync(parts, lists, opId, now);
        parts.progress.clear(opId);
      });
      await this.#d.afterCommit(now);
    } catch (e) {
      if (this.#cancelled || !(e instanceof ListApiError)) throw e;
      const now = this.#d.now();
      if (e.retryable) {
        // Left marked as applying: the alarm sends it again SYNC_ORPHAN_MS after its acceptance, as for a run
        // that died (not after the message's lifetime, an hour; found by the soak, docs/soak.md finding 13).
        console.warn(`sync ${opId}: List API ${e.code}; left unconfirmed, sent again by the alarm soon`);
        await this.#d.afterCommit(now);
        return;
      }
      console.warn(`sync ${opId}: List API ${e.code} (${e.message}); the operation failed`);
      commit(() => {
        parts.outbox.fail(opId, `${e.code}: ${e.message}`);
        parts.progress.clear(opId);
      });
      await this.#d.afterCommit(now);
    }
  }
}
