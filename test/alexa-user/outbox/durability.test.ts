// The outbox inside the real user object: operations accepted by the REST API
// survive a restart of the object (eviction: in-memory state gone, storage
// kept), and the alarm resumes sending them, in order, no earlier than
// Amazon's Retry-After.
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import type { OperationView } from "../../../src/shared/ports.ts";
import { DELIVERY_GRACE_MS, MAX_SENDS } from "../../../src/shared/outbox/policy.ts";

/** Far in the future: the alarm never fires on its own; the test runs it. */
const T0 = Date.UTC(2033, 2, 1, 9, 0, 0);
const clock = { t: T0 };

interface Attempt {
  opId: string;
  status: number;
}
let attempts: Attempt[] = [];
let answer: (n: number) => { status: number; headers?: Record<string, string> } = () => ({ status: 202 });
let webhooks: { type: string; data: Record<string, unknown> }[] = [];

beforeEach(() => {
  attempts = [];
  webhooks = [];
  answer = () => ({ status: 202 });
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (req.url === env.LWA_TOKEN_URL) return Response.json({ access_token: "tok", token_type: "bearer", expires_in: 3600 });
    if (req.url.includes("/v1/skillmessages/users/")) {
      const body = (await req.json()) as { data: { opId: string } };
      const a = answer(attempts.length + 1);
      attempts.push({ opId: body.data.opId, status: a.status });
      return new Response(null, { status: a.status, headers: a.headers ?? {} });
    }
    if (req.url === env.APP_WEBHOOK_URL) {
      webhooks.push((await req.json()) as { type: string; data: Record<string, unknown> });
      return new Response(null, { status: 204 });
    }
    throw new Error(`unexpected fetch ${req.url}`);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

let n = 0;
/** A known user whose object runs on the test clock. */
async function knownUser(): Promise<{ userId: string; stub: DurableObjectStub<AlexaUser> }> {
  const userId = `amzn1.ask.account.DURABLE${++n}`;
  const stub = env.ALEXA_USER.getByName(userId);
  await useTestClock(stub);
  await runInDurableObject(stub, (i: AlexaUser) => i.profile.touch(userId, "https://api.fe.amazonalexa.com", clock.t));
  return { userId, stub };
}

/** (Re)installs the test clock; needed again after a restart, as it lives in memory. */
async function useTestClock(stub: DurableObjectStub<AlexaUser>): Promise<void> {
  await runInDurableObject(stub, (i: AlexaUser) => {
    i.now = () => clock.t;
  });
}

async function post(userId: string, value: string): Promise<OperationView> {
  const res = await exports.default.fetch(`https://bridge.test/v1/users/${userId}/lists/todo/items`, {
    method: "POST",
    headers: { authorization: "Bearer test-api-token-1", "content-type": "application/json" },
    body: JSON.stringify({ value }),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as OperationView;
}

async function alarmAt(stub: DurableObjectStub<AlexaUser>): Promise<number | null> {
  return runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
}

async function statusOf(stub: DurableObjectStub<AlexaUser>, id: string): Promise<string | undefined> {
  return runInDurableObject(stub, (i: AlexaUser) => i.outbox.get(id)?.status);
}

describe("outbox in the user object", () => {
  it("survives a restart: accepted operations are sent in order by the alarm, after Retry-After", async () => {
    clock.t = T0;
    const { userId, stub } = await knownUser();
    // Amazon rate-limits the first send for 10 minutes.
    answer = (k) => (k === 1 ? { status: 429, headers: { "retry-after": "600" } } : { status: 202 });

    const a = await post(userId, "first");
    expect(await alarmAt(stub)).toBe(T0); // "send at once"
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(attempts).toEqual([{ opId: a.id, status: 429 }]);
    const b = await post(userId, "second");
    const c = await post(userId, "third");
    // The later operations do not jump the queue, nor run into the rate limit.
    await runDurableObjectAlarm(stub);
    expect(attempts).toHaveLength(1);
    const retryAt = (await alarmAt(stub))!;
    expect(retryAt).toBeGreaterThanOrEqual(T0 + 600_000);

    await evictDurableObject(stub);
    clock.t = retryAt;
    await useTestClock(stub); // a fresh instance: nothing in memory but the clock
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    expect(attempts.map((x) => x.opId)).toEqual([a.id, a.id, b.id, c.id]);
    for (const op of [a, b, c]) expect(await statusOf(stub, op.id)).toBe("sent");
  });

  it("an operation never confirmed is re-sent, then expires and the app gets outbox.failed", async () => {
    clock.t = T0;
    const { userId, stub } = await knownUser();
    const op = await post(userId, "lost in the post");
    for (let send = 1; send <= MAX_SENDS; send++) {
      await runDurableObjectAlarm(stub);
      expect(attempts).toHaveLength(send);
      expect(await statusOf(stub, op.id)).toBe("sent");
      const deadline = (await alarmAt(stub))!;
      expect(deadline).toBe(clock.t + 3600_000 + DELIVERY_GRACE_MS);
      clock.t = deadline;
      if (send === 2) {
        // Restart in the middle: the deadlines are in storage, not in memory.
        await evictDurableObject(stub);
        await useTestClock(stub);
      }
    }
    await runDurableObjectAlarm(stub); // expires, queues outbox.failed and sends it
    expect(await statusOf(stub, op.id)).toBe("expired");
    await runInDurableObject(stub, (i: AlexaUser) => i.idle());
    expect(webhooks.map((w) => w.type)).toEqual(["outbox.failed"]);
    expect(webhooks[0]!.data).toMatchObject({ opId: op.id, kind: "create", status: "expired" });
    expect(String(webhooks[0]!.data.reason)).toMatch(/not confirmed by Alexa after 3 sends/);
  });

  it("a user who disables the skill gets their pending operations failed (USER_DISABLED) before erasure", async () => {
    clock.t = T0;
    const { userId, stub } = await knownUser();
    const op = await post(userId, "never sent");
    await runInDurableObject(stub, (i: AlexaUser) => {
      i.profile.setEnabled(false, clock.t);
      i.outbound.afterRequest();
    });
    expect(await statusOf(stub, op.id)).toBe("failed");
    const view = await runInDurableObject(stub, (i: AlexaUser) => i.outbox.get(op.id));
    expect(view?.reason).toMatch(/^USER_DISABLED/);
  });
});
