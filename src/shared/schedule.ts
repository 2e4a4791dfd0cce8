/**
 * @module shared/schedule
 * The one alarm of a user's Durable Object, shared by its parts (dedupe
 * expiry, webhook queue, held deletes, the outbox…). A Durable Object has a
 * single alarm, so each part registers as an {@link AlarmParticipant}; the
 * object's `alarm()` runs every part's due work and re-arms the alarm at the
 * earliest next time any part reported.
 *
 * Trade-off: parts ask for a wake-up with {@link AlarmSchedule.wakeAt}
 * ("no later than t") instead of exposing their next due time synchronously.
 * An alarm may therefore fire when nothing is due any more (work was done
 * early, or removed); that costs one cheap SQL query per part and keeps the
 * contract to a single method. Times are ms since the epoch, always passed in
 * (`now`), never read deep inside a part, so tests can move the clock.
 */

/** One part of the object that has timed work. */
export interface AlarmParticipant {
  /** For logs. */
  readonly name: string;
  /**
   * Does the work due at `now` and answers when it next has work
   * (ms since epoch), or `null` when it has none.
   * @example
   * async runDue(now) { this.purgeBefore(now - TTL); return this.oldestExpiry(); }
   */
  runDue(now: number): Promise<number | null>;
}

/** Delay before a part whose `runDue` threw is tried again. */
export const PARTICIPANT_ERROR_RETRY_MS = 30_000;

/**
 * Storage the schedule needs: the Durable Object alarm API (a subset of
 * `DurableObjectStorage`, so tests can pass a fake).
 */
export interface AlarmStorage {
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number | Date): Promise<void>;
  deleteAlarm(): Promise<void>;
}

/**
 * The alarm shared by the parts of one Durable Object.
 * @example
 * const schedule = new AlarmSchedule(ctx.storage);
 * schedule.register(webhookQueue);
 * await schedule.wakeAt(Date.now());          // after queuing work
 * async alarm() { await schedule.runAll(Date.now()); }
 */
export class AlarmSchedule {
  readonly #storage: AlarmStorage;
  readonly #participants: AlarmParticipant[] = [];
  /** Earliest wake-up asked for while `runAll` is running (merged at its end). */
  #requestedDuringRun: number | null = null;
  #running = false;

  constructor(storage: AlarmStorage) {
    this.#storage = storage;
  }

  /**
   * Adds a part; its `runDue` is called on every alarm, in registration order.
   * @example schedule.register({ name: "x", runDue: async () => null });
   */
  register(participant: AlarmParticipant): void {
    this.#participants.push(participant);
  }

  /**
   * Makes sure the alarm fires no later than `at` (an earlier alarm stays).
   * @example await schedule.wakeAt(now + 30_000);
   */
  async wakeAt(at: number): Promise<void> {
    if (this.#running) {
      this.#requestedDuringRun = minOrNull(this.#requestedDuringRun, at);
      return;
    }
    const current = await this.#storage.getAlarm();
    if (current === null || at < current) await this.#storage.setAlarm(at);
  }

  /**
   * The alarm handler: runs every part's due work, then sets the alarm to the
   * earliest next time reported (or deletes it). A part that throws is logged
   * and retried after {@link PARTICIPANT_ERROR_RETRY_MS}; the others still run.
   * @example async alarm() { await this.schedule.runAll(this.now()); }
   */
  async runAll(now: number): Promise<void> {
    this.#running = true;
    let next: number | null = null;
    try {
      for (const p of this.#participants) {
        try {
          next = minOrNull(next, await p.runDue(now));
        } catch (err) {
          console.error(`alarm participant ${p.name} failed`, err);
          next = minOrNull(next, now + PARTICIPANT_ERROR_RETRY_MS);
        }
      }
    } finally {
      this.#running = false;
      next = minOrNull(next, this.#requestedDuringRun);
      this.#requestedDuringRun = null;
    }
    if (next === null) await this.#storage.deleteAlarm();
    else await this.#storage.setAlarm(Math.max(next, now));
  }
}

function minOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
