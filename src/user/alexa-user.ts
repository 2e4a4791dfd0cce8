/**
 * @module user/alexa-user
 * The Durable Object of one Alexa user (SQLite-backed, addressed by the user
 * id). A thin composition root: the constructor creates each part's tables and
 * wires the parts together; `alarm()` runs every part's due work through the
 * shared {@link AlarmSchedule}. Work lives in the parts (src/user/*.ts).
 *
 * Seams for tests: `now` (the clock) and `http` (the fetch used for Amazon and
 * the app; it calls `globalThis.fetch` at call time, so `vi.spyOn(globalThis,
 * "fetch")` intercepts it).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { AlarmSchedule, type AlarmParticipant } from "./schedule.ts";

export class AlexaUser extends DurableObject<Env> {
  /** The clock of every part (ms since epoch). Tests may replace it. */
  now: () => number = () => Date.now();
  /** The fetch of every part. Resolved per call so test spies take effect. */
  http: typeof fetch = (input, init) => globalThis.fetch(input, init);
  /** The object's single alarm, shared by its parts. */
  readonly schedule: AlarmSchedule;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.schedule = new AlarmSchedule(ctx.storage);
    // Parts register here (each: create tables, then `this.schedule.register(part)`).
  }

  /** Registers a part's timed work. @example this.addParticipant(outbox); */
  addParticipant(participant: AlarmParticipant): void {
    this.schedule.register(participant);
  }

  /**
   * Makes the alarm fire no later than `at` (default: now). Parts call it after
   * queuing timed work. @example await this.reschedule(this.now() + 60_000);
   */
  async reschedule(at: number = this.now()): Promise<void> {
    await this.schedule.wakeAt(at);
  }

  override async alarm(): Promise<void> {
    await this.schedule.runAll(this.now());
  }
}
