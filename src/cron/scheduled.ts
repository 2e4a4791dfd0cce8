/**
 * @module cron/scheduled
 * The cron trigger (`*\/5 * * * *`): a safety sweep of users with due outbox
 * work, and reconciliation (every enabled user who granted list read
 * permission gets a full sync queued once per `SYNC_INTERVAL`, so changes
 * that list events missed still reach the app). Users are found through the
 * registry (src/registry): each run asks
 * the cursor object for the next {@link CronLimits.shardsPerRun} shards,
 * and each of those shards pokes at most {@link CronLimits.usersPerShard} of
 * its due users (earliest first). The cursor is persisted and wraps, so every
 * shard is visited every `64 / 16 = 4` runs (20 minutes).
 *
 * Capacity (defaults: 64 shards, 16 shards per run, 500 users per shard visit,
 * 6 calls in flight):
 * - Subrequests: the cron invocation makes 1 (cursor) + 16 (shards) = 17; each
 *   shard visit pokes at most 500 users, 40 per invocation (the shard's alarm
 *   continues the visit, each batch a new invocation with its own budget).
 *   Both stay under the free plan's 50 per invocation (paid: 10,000);
 *   docs/limits.md.
 * - Throughput: 16 × 500 = 8,000 user pokes per run, × 288 runs a day =
 *   2.3 million a day. A million users syncing daily need ~1 million pokes a
 *   day (3,500 per run on average): 2.3× headroom, and a backlog drains
 *   earliest-first at up to 8,000 per run.
 * - Latency: a due user waits at most one cursor cycle (20 min) for its poke
 *   (the user's own Durable Object alarm is the primary sender; the sweep only
 *   re-arms alarms that were lost).
 * - CPU: one indexed SQL query per shard batch plus the RPC calls; the cron
 *   invocation itself only awaits I/O (well within the free plan's 10 ms).
 * - Storage: a million users are ~15,600 rows per shard (~2 MB); a user writes
 *   its entry about twice a day (see src/registry/entry.ts), ~0.5 writes/s
 *   per shard.
 */
import type { Env } from "../env.ts";
import { mapLimit } from "../registry/map-limit.ts";
import { CURSOR_OBJECT, REGISTRY_SHARDS, shardName } from "../registry/shards.ts";
import type { CursorWindow, ShardRunReport } from "../registry/user-registry.ts";

export interface CronLimits {
  /** Registry shards visited per run. */
  shardsPerRun: number;
  /** Users poked per shard visit. */
  usersPerShard: number;
  /** Calls in flight at once (shards from the cron, users from a shard). */
  concurrency: number;
}

export const DEFAULT_CRON_LIMITS: CronLimits = { shardsPerRun: 16, usersPerShard: 500, concurrency: 6 };

export interface CronReport {
  window: CursorWindow;
  due: number;
  poked: number;
  removed: number;
  failed: number;
  /** Shards whose visit threw (they are visited again next cycle). */
  shardErrors: number;
}

/**
 * One cron run at time `now`.
 * @example
 * async scheduled(controller, env, ctx) { ctx.waitUntil(runCron(env, controller.scheduledTime)); }
 */
export async function runCron(env: Env, now: number, limits: CronLimits = DEFAULT_CRON_LIMITS): Promise<CronReport> {
  const window = await env.USER_REGISTRY.getByName(CURSOR_OBJECT).advanceCursor(REGISTRY_SHARDS, limits.shardsPerRun);
  const report: CronReport = { window, due: 0, poked: 0, removed: 0, failed: 0, shardErrors: 0 };
  const results = await mapLimit(window.shards, limits.concurrency, async (i): Promise<ShardRunReport | null> => {
    try {
      return await env.USER_REGISTRY.getByName(shardName(i)).runDue(now, limits.usersPerShard, limits.concurrency);
    } catch (e) {
      console.error("cron: registry shard failed", i, e);
      return null;
    }
  });
  for (const r of results) {
    if (r === null) {
      report.shardErrors++;
      continue;
    }
    report.due += r.due;
    report.poked += r.poked;
    report.removed += r.removed;
    report.failed += r.failed;
  }
  console.log("cron", JSON.stringify({ ...report, window: { from: window.from, to: window.to, wrapped: window.wrapped } }));
  return report;
}
