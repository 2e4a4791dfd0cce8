/**
 * @module bench/lib/pool
 * Runs `n` async tasks with at most `limit` in flight.
 */

/**
 * @example await pool(10_000, 50, async (i) => { await send(i); });
 */
export async function pool(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}
