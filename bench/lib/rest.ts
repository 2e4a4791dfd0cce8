/**
 * @module bench/lib/rest
 * The app's side for the benchmarks: queues item creates through the bridge's
 * REST API, so that the `Messaging.MessageReceived` deliveries a benchmark
 * sends carry operations the user's outbox really sent (a bridge message
 * whose `opId` the outbox never sent is acknowledged without effect).
 */
import type { BenchStack } from "../e2e/stack.ts";
import { pool } from "./pool.ts";

/**
 * `POST /v1/users/{userId}/lists/{list}/items` for each entry, `inFlight` at a
 * time; returns the operation ids in order. Throws on any answer but 202.
 * @example const [opId] = await enqueueCreates(stack, [{ userId, list, value: "milk" }]);
 */
export async function enqueueCreates(stack: Pick<BenchStack, "workerUrl" | "apiToken">, creates: { userId: string; list: string; value: string }[], inFlight = 50): Promise<string[]> {
  const ids: string[] = new Array<string>(creates.length);
  await pool(creates.length, inFlight, async (i) => {
    const c = creates[i]!;
    const res = await fetch(`${stack.workerUrl}/v1/users/${encodeURIComponent(c.userId)}/lists/${encodeURIComponent(c.list)}/items`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.apiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ value: c.value }),
    });
    const text = await res.text();
    if (res.status !== 202) throw new Error(`REST create for ${c.userId}: ${res.status} ${text.slice(0, 300)}`);
    ids[i] = (JSON.parse(text) as { id: string }).id;
  });
  return ids;
}
