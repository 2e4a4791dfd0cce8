/**
 * @module registry/entry
 * What the user registry holds per user, and the pure rules around it: when a
 * user next needs the cron's attention (`wakeAt`), when a user object must
 * write its entry again (`needsReport`), and when a reconciliation sync is due.
 *
 * Trade-off (cheap writes): an entry is rewritten only when the user's
 * enabled flag or next sync time changes, or when work became due EARLIER
 * than the registry believes. An entry that says "due earlier than really" is
 * left alone: the cron pokes that user once for nothing, and the poke's answer
 * rewrites the entry. So a busy user costs about one registry write per burst
 * of activity, not one per operation, and no due work is ever hidden from the
 * sweep.
 */

export interface RegistryEntry {
  enabled: boolean;
  /** When a reconciliation sync is next due (ms since epoch); null when disabled or without list read permission. */
  nextSyncAt: number | null;
  /** When the user's outbox next has work (ms since epoch), or null. */
  nextDueAt: number | null;
  /** When the user object computed this entry; an older entry never overwrites a newer one. */
  at: number;
}

/**
 * The user's own alarm sends due work; the registry only needs to catch work
 * still due this long after it should have run (a lost alarm). So an entry's
 * `nextDueAt` is never earlier than "now + grace", and a sweep that has just
 * re-armed the alarm does not make the next cron visit poke the user again.
 */
export const REGISTRY_DUE_GRACE_MS = 10 * 60_000;

/** Default reconciliation interval: one full sync per user per day. */
export const DEFAULT_SYNC_INTERVAL_S = 86_400;
/** Shortest interval accepted from `SYNC_INTERVAL` (a sync costs a message and List API reads). */
export const MIN_SYNC_INTERVAL_S = 300;

/**
 * `SYNC_INTERVAL` (seconds) in ms, default one day; nonsense falls back to the default.
 * @example syncIntervalMs("3600") // 3 600 000
 */
export function syncIntervalMs(raw: string | undefined): number {
  const n = raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  const s = Number.isFinite(n) && n >= MIN_SYNC_INTERVAL_S ? Math.floor(n) : DEFAULT_SYNC_INTERVAL_S;
  return s * 1000;
}

/**
 * When the cron must look at this user: the earlier of outbox work and (if
 * enabled) the next sync.
 * @example wakeAtOf({ enabled: true, nextSyncAt: 50, nextDueAt: 10, at: 0 }) // 10
 */
export function wakeAtOf(e: RegistryEntry): number | null {
  const sync = e.enabled ? e.nextSyncAt : null;
  if (sync === null) return e.nextDueAt;
  if (e.nextDueAt === null) return sync;
  return Math.min(sync, e.nextDueAt);
}

/**
 * Whether the user object must write `next` to the registry, given the entry
 * it last wrote (`null`: never).
 * @example needsReport(null, entry) // true
 */
export function needsReport(prev: RegistryEntry | null, next: RegistryEntry): boolean {
  if (prev === null) return true;
  if (prev.enabled !== next.enabled || prev.nextSyncAt !== next.nextSyncAt) return true;
  const was = wakeAtOf(prev);
  const now = wakeAtOf(next);
  return now !== null && (was === null || now < was);
}

/**
 * When the next reconciliation sync is due: one interval after the later of
 * the last full sync and the last sync queued (so a sync in flight, or one
 * that failed, is not queued again at every sweep). Never synced and none
 * queued: due now (`0`).
 * @example nextSyncAt(1_000, null, 86_400_000) // 86 401 000
 */
export function nextSyncAt(lastFullSyncAt: number | null, lastSyncQueuedAt: number | null, intervalMs: number): number {
  const last = Math.max(lastFullSyncAt ?? -Infinity, lastSyncQueuedAt ?? -Infinity);
  return last === -Infinity ? 0 : last + intervalMs;
}
