/**
 * @module registry/map-limit
 * Runs async work over a list with at most `limit` calls in flight: the fan-out
 * helper of the cron and the registry shards. Workers allow only a handful of
 * simultaneous outbound connections per invocation (6), so unbounded
 * `Promise.all` over hundreds of subrequests would just queue inside the
 * runtime, with less control over ordering and failures.
 */

/**
 * Maps `items` through `fn`, `limit` at a time; results keep input order.
 * `fn` should not throw (a throw rejects the whole map, like `Promise.all`).
 * @example const replies = await mapLimit(userIds, 6, (id) => poke(id));
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  const n = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}
