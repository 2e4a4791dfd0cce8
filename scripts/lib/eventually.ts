/**
 * @module scripts/lib/eventually
 * Polling until a condition holds, for everything that waits on the running
 * stack from outside: the end-to-end tests and the soak.
 */

import { WAIT_MS } from "./budgets.ts";

/**
 * Polls until `check` returns something truthy; on timeout throws with
 * `what` and the last value or error seen. The default limit is
 * {@link WAIT_MS} (sized for a loaded machine: it returns as soon as the
 * condition holds).
 * @example const hook = await eventually("the milk webhook", () => log.find((w) => w.type === "alexa.list.items.created"));
 */
export async function eventually<T>(what: string, check: () => T | Promise<T>, timeoutMs = WAIT_MS, pollMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
