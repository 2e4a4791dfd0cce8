/**
 * @module registry/shards
 * How users are spread over the registry's shard Durable Objects: a stable
 * hash of the user id (FNV-1a, 32 bit) modulo {@link REGISTRY_SHARDS}.
 *
 * The shard count is a constant, not configuration: changing it moves users
 * between shards. Raise it only with a migration that re-reports every user.
 * 64 shards hold a million users at ~15 600 rows each (≈2 MB of SQLite), and
 * take ~0.5 writes/s each at one sync per user per day: far below what one
 * Durable Object sustains.
 */

/** Number of registry shards. */
export const REGISTRY_SHARDS = 64;
/** Name of the registry object that holds the cron's cursor. */
export const CURSOR_OBJECT = "cursor";

/**
 * FNV-1a over the UTF-16 code units of `s` (ids are ASCII): fast, stable, well spread.
 * @example fnv1a("amzn1.ask.account.A") // a 32-bit unsigned integer
 */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The shard of a user.
 * @example shardOf("amzn1.ask.account.A") // 0..63
 */
export function shardOf(userId: string, shards = REGISTRY_SHARDS): number {
  return fnv1a(userId) % shards;
}

/**
 * The Durable Object name of shard `i`.
 * @example env.USER_REGISTRY.getByName(shardName(shardOf(userId)))
 */
export function shardName(i: number): string {
  return `shard-${i}`;
}
