/**
 * @module registry/user-registry
 * The user registry: {@link REGISTRY_SHARDS} Durable Objects of this class
 * (named `shard-<i>`), each holding its users' entries in SQLite with an index
 * on "next wake-up", plus one more (named `cursor`) that holds the cron's
 * cursor over the shards.
 *
 * Why shard Durable Objects and not a KV listing: a shard answers "who is due
 * now" exactly with one indexed query, so the cron reads no user that has
 * nothing to do; and each shard pokes its own due users from its own
 * invocation, so the cron's own subrequest budget is spent on shards, not
 * users. The capacity math is in src/cron/scheduled.ts.
 *
 * A shard pokes a due user by calling that user's object (`sweep(now)`); the
 * answer is the user's fresh entry (written back) or `null` for a user the
 * object does not know (never seen, or erased), whose entry is deleted.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { wakeAtOf, type RegistryEntry } from "./entry.ts";
import { mapLimit } from "./map-limit.ts";
import { ensureSchema, ensureTable, notWithoutRowid, type Schema } from "../storage/schema.ts";

/** After a failed poke, the user is retried no sooner than this. */
export const POKE_RETRY_MS = 60 * 60_000;
/**
 * Most users one invocation of a shard pokes (each poke is a subrequest).
 * Workers Free allows 50 subrequests per invocation (Paid: 10,000); a visit
 * allowed more continues in the shard's own alarm, a fresh invocation per
 * batch (docs/limits.md).
 */
export const POKES_PER_INVOCATION = 40;

/** registry_meta keys of a visit that continues in the alarm. */
const VISIT = { now: "visit_now", left: "visit_left", concurrency: "visit_concurrency" } as const;

interface UserRow extends Record<string, SqlStorageValue> {
  user_id: string;
  enabled: number;
  next_sync_at: number | null;
  next_due_at: number | null;
  wake_at: number | null;
  at: number;
}

/** What one shard visit did. */
export interface ShardRunReport {
  /** Due users found (at most the limit). */
  due: number;
  poked: number;
  /** Unknown or erased users removed from the registry. */
  removed: number;
  failed: number;
}

/** The shards one cron run visits, and where the cursor now points. */
export interface CursorWindow {
  shards: number[];
  /** The cursor before this run. */
  from: number;
  /** The cursor after this run. */
  to: number;
  /** True when this window passed the last shard and started over. */
  wrapped: boolean;
}

/** A shard's tables (src/storage/schema.ts): one SELECT per start once current. */
const REGISTRY_SCHEMA: Schema = {
  name: "user-registry",
  // 2: registry_users WITHOUT ROWID (one row written per entry, not two; rebuilt with its rows).
  version: 2,
  migrate: (sql) => {
    const create = (t: string) => `CREATE TABLE IF NOT EXISTS ${t} (
      user_id TEXT PRIMARY KEY,
      enabled INTEGER NOT NULL,
      next_sync_at INTEGER,
      next_due_at INTEGER,
      wake_at INTEGER,
      at INTEGER NOT NULL
    ) WITHOUT ROWID`;
    ensureTable(sql, "registry_users", create, { columns: "user_id, enabled, next_sync_at, next_due_at, wake_at, at", outdated: notWithoutRowid });
    sql.exec("CREATE INDEX IF NOT EXISTS registry_users_wake ON registry_users(wake_at) WHERE wake_at IS NOT NULL");
    sql.exec("CREATE TABLE IF NOT EXISTS registry_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
  },
};

function toEntry(r: UserRow): RegistryEntry {
  return { enabled: r.enabled === 1, nextSyncAt: r.next_sync_at, nextDueAt: r.next_due_at, at: r.at };
}

/**
 * One registry shard (or the cursor holder).
 * @example
 * await env.USER_REGISTRY.getByName(shardName(shardOf(userId))).put(userId, entry);
 * const report = await env.USER_REGISTRY.getByName("shard-3").runDue(Date.now(), 500, 6);
 */
export class UserRegistry extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  #running = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    ensureSchema(ctx, REGISTRY_SCHEMA);
  }

  /**
   * Writes a user's entry unless a newer one (by `entry.at`) is already there.
   * @example await shard.put(userId, { enabled: true, nextSyncAt, nextDueAt: null, at: now });
   */
  put(userId: string, entry: RegistryEntry): void {
    this.#sql.exec(
      `INSERT INTO registry_users (user_id, enabled, next_sync_at, next_due_at, wake_at, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled, next_sync_at = excluded.next_sync_at,
         next_due_at = excluded.next_due_at, wake_at = excluded.wake_at, at = excluded.at
       WHERE excluded.at >= registry_users.at`,
      userId,
      entry.enabled ? 1 : 0,
      entry.nextSyncAt,
      entry.nextDueAt,
      wakeAtOf(entry),
      entry.at,
    );
  }

  /** Forgets a user (erased). @example await shard.remove(userId); */
  remove(userId: string): void {
    this.#sql.exec("DELETE FROM registry_users WHERE user_id = ?", userId);
  }

  /** A user's entry, or null. @example (await shard.entry(userId))?.enabled */
  entry(userId: string): RegistryEntry | null {
    const row = this.#sql.exec<UserRow>("SELECT * FROM registry_users WHERE user_id = ?", userId).toArray()[0];
    return row ? toEntry(row) : null;
  }

  /** Users in this shard. @example await shard.size() */
  size(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM registry_users").one().n;
  }

  /**
   * Pokes up to `limit` users whose wake-up time has come, earliest first,
   * `concurrency` at a time, and writes back what they answer. Bounded work:
   * at most {@link POKES_PER_INVOCATION} subrequests from this invocation;
   * when more are due (and `limit` allows), the visit continues in the
   * shard's alarm, batch by batch, each in its own invocation. Users beyond
   * `limit` wait for the next visit (they stay first in line). The report is
   * this invocation's batch.
   * @example const r = await shard.runDue(Date.now(), 500, 6);
   */
  async runDue(now: number, limit: number, concurrency: number): Promise<ShardRunReport> {
    return this.#visit(now, Math.max(0, Math.floor(limit)), concurrency);
  }

  /** The continuation of a visit allowed more than one batch. */
  override async alarm(): Promise<void> {
    const meta = new Map(this.#sql.exec<{ k: string; v: number }>("SELECT k, v FROM registry_meta WHERE k LIKE 'visit_%'").toArray().map((r) => [r.k, r.v]));
    this.#sql.exec("DELETE FROM registry_meta WHERE k LIKE 'visit_%'");
    const now = meta.get(VISIT.now);
    const left = meta.get(VISIT.left);
    if (now === undefined || left === undefined) return;
    const r = await this.#visit(now, left, meta.get(VISIT.concurrency) ?? 6);
    console.log("registry: visit continued", JSON.stringify(r));
  }

  async #visit(now: number, budget: number, concurrency: number): Promise<ShardRunReport> {
    const report: ShardRunReport = { due: 0, poked: 0, removed: 0, failed: 0 };
    // Two overlapping cron runs must not poke the same users twice.
    if (this.#running) return report;
    this.#running = true;
    try {
      const batch = Math.min(budget, POKES_PER_INVOCATION);
      const due = this.#sql
        .exec<{ user_id: string }>("SELECT user_id FROM registry_users WHERE wake_at <= ? ORDER BY wake_at LIMIT ?", now, batch)
        .toArray();
      report.due = due.length;
      await mapLimit(due, concurrency, async ({ user_id: userId }) => {
        try {
          const entry = await this.env.ALEXA_USER.getByName(userId).sweep(now);
          report.poked++;
          if (entry === null) {
            this.remove(userId);
            report.removed++;
          } else {
            this.put(userId, entry);
          }
        } catch (e) {
          report.failed++;
          console.error("registry: poke failed", userId, e);
          this.#sql.exec("UPDATE registry_users SET wake_at = ? WHERE user_id = ?", now + POKE_RETRY_MS, userId);
        }
      });
      const left = budget - due.length;
      const more = this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM (SELECT 1 FROM registry_users WHERE wake_at <= ? LIMIT 1)", now).one().n;
      if (due.length === batch && left > 0 && more > 0) {
        for (const [k, v] of [[VISIT.now, now], [VISIT.left, left], [VISIT.concurrency, concurrency]] as const) {
          this.#sql.exec("INSERT INTO registry_meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, v);
        }
        await this.ctx.storage.setAlarm(Date.now());
      }
    } finally {
      this.#running = false;
    }
    return report;
  }

  /**
   * The cursor object's half: the next `count` of `total` shards, moving the
   * persisted cursor past them (wrapping at `total`).
   * @example const w = await env.USER_REGISTRY.getByName(CURSOR_OBJECT).advanceCursor(64, 16);
   */
  advanceCursor(total: number, count: number): CursorWindow {
    const n = Math.max(1, Math.floor(total));
    const k = Math.max(0, Math.min(n, Math.floor(count)));
    const stored = this.#sql.exec<{ v: number }>("SELECT v FROM registry_meta WHERE k = 'cursor'").toArray()[0]?.v ?? 0;
    const from = ((stored % n) + n) % n;
    const shards = Array.from({ length: k }, (_, i) => (from + i) % n);
    const to = (from + k) % n;
    this.#sql.exec(
      "INSERT INTO registry_meta (k, v) VALUES ('cursor', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
      to,
    );
    return { shards, from, to, wrapped: k > 0 && from + k >= n };
  }
}
