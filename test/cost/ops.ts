/**
 * @module test/cost/ops
 * The shared side of the cost tests: an operation is a name, a set-up, the
 * measured step and the upper bounds it must stay within; {@link costSuite}
 * turns a table of them into one test each (the measured counts are also
 * attached to the test's `meta.cost`, which `BENCH_ONLY=cost` reads from
 * vitest's JSON report). Adding an operation is one row.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import type { ListSpace } from "../../src/space/list-space.ts";
import { installMeter, measure, type Cost } from "./meter.ts";

/** Upper bounds, checked against what the operation measured. */
export interface Bounds {
  /** SQL statements over every object. */
  statements: number;
  rowsRead: number;
  /** SQL rows written plus `setAlarm()` calls, over every object. */
  rowsWritten: number;
  /** Durable Object calls (RPC and fetch). */
  calls?: number;
  fetches?: number;
  /** Statements in the user's object alone. */
  userStatements?: number;
}

/** One operation of the table. */
export interface Op<S> {
  name: string;
  /** Uncounted preparation (it waits for its own background work); its answer is passed to `run`. */
  setup: () => Promise<S>;
  /**
   * The measured step (its background work is waited for, and counted): `k`
   * is 0 for the counted run, 1…`time` for the timed ones (so a change can
   * name a new item each time and every timed run does the same work).
   */
  run: (s: S, k: number) => Promise<unknown>;
  /** The user object whose background work to wait for; null: one the operation does not reach (a settle would start it). */
  user: (s: S) => string | null;
  /** The list space the operation touches (its background work is waited for too); none: it touches no space. */
  space?: (s: S) => Promise<string>;
  /**
   * Also time `run` this many more times (wall time in this isolate, where
   * local timers advance during computation; the background work is waited
   * for between runs, untimed), recorded as `meta.ms` (mean). Only for
   * operations that can repeat on their own outcome (a change: a new item per `k`).
   */
  time?: number;
  /** Extra checks of the outcome (outside the measurement). */
  check?: (s: S, cost: Cost) => Promise<void> | void;
}

/** Waits for the user's object's background work (webhook sends, registry report), counting it. */
export async function settleUser(userId: string): Promise<void> {
  await runInDurableObject(env.ALEXA_USER.getByName(userId), (i: AlexaUser) => i.idle());
}

/** Waits for a list space's background work (its webhook sends), counting it. */
export async function settleSpace(spaceId: string): Promise<void> {
  await runInDurableObject(env.LIST_SPACES.getByName(spaceId), (o: ListSpace) => o.idle());
}

/**
 * One test per operation: measures it, records it, and checks it against
 * `bounds[name]`: [statements, rows read, rows written] (an operation without
 * bounds fails).
 */
export function costSuite(bounds: Record<string, [number, number, number] | Bounds>, ops: Op<never>[]): void {
  beforeAll(() => installMeter());
  for (const op of ops as unknown as Op<unknown>[]) {
    it(op.name, async (ctx) => {
      // The set-up waits for its own background work: a settle here would start an evicted or new object uncounted.
      const s = await op.setup();
      const spaceId = op.space ? await op.space(s) : null;
      const settle = async () => {
        const userId = op.user(s);
        if (userId) await settleUser(userId);
        if (spaceId) await settleSpace(spaceId);
      };
      const cost = await measure(async () => {
        await op.run(s, 0);
        await settle();
      });
      (ctx.task.meta as Record<string, unknown>).cost = cost;
      const b = bounds[op.name];
      const measured = JSON.stringify([cost.statements, cost.rowsRead, cost.billedRowsWritten]);
      expect(b, `bounds for "${op.name}": ${measured}`).toBeDefined();
      const max: Bounds = Array.isArray(b) ? { statements: b[0], rowsRead: b[1], rowsWritten: b[2] } : b!;
      const user = cost.byClass.ALEXA_USER;
      expect({
        statements: cost.statements <= max.statements ? "ok" : cost.statements,
        rowsRead: cost.rowsRead <= max.rowsRead ? "ok" : cost.rowsRead,
        rowsWritten: cost.billedRowsWritten <= max.rowsWritten ? "ok" : cost.billedRowsWritten,
        calls: max.calls === undefined || cost.calls <= max.calls ? "ok" : cost.calls,
        fetches: max.fetches === undefined || cost.fetches <= max.fetches ? "ok" : cost.fetches,
        userStatements: max.userStatements === undefined || (user?.statements ?? 0) <= max.userStatements ? "ok" : user?.statements,
      }, `${op.name}: measured [statements, rows read, rows written] ${measured}; ${JSON.stringify(cost)}`).toEqual({ statements: "ok", rowsRead: "ok", rowsWritten: "ok", calls: "ok", fetches: "ok", userStatements: "ok" });
      await op.check?.(s, cost);
      if (op.time) {
        // workerd's clock has whole-millisecond steps here: the mean over the runs, not a median of steps.
        let total = 0;
        for (let k = 0; k < op.time; k++) {
          const t0 = performance.now();
          await op.run(s, k + 1);
          total += performance.now() - t0;
          await settle();
        }
        (ctx.task.meta as Record<string, unknown>).ms = total / op.time;
      }
    });
  }
}

/** An op row with its set-up's type inferred. @example op({ name, setup, run, user, max }) */
export function op<S>(o: Op<S>): Op<never> {
  return o as unknown as Op<never>;
}
