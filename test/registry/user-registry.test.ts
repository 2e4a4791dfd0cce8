import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RegistryEntry } from "../../src/registry/entry.ts";
import { POKE_RETRY_MS, POKES_PER_INVOCATION, type UserRegistry } from "../../src/registry/user-registry.ts";
import type { Env } from "../../src/env.ts";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { LIST_READ_SCOPE } from "../../src/alexa-user/profile.ts";

/** Far in the future: user objects' alarms never fire on their own. */
const T0 = Date.UTC(2034, 0, 1, 0, 0, 0);
const DAY = 86_400_000;
const e = (over: Partial<RegistryEntry> = {}): RegistryEntry => ({ enabled: true, nextSyncAt: T0, nextDueAt: null, at: T0, ...over });

beforeEach(() => {
  // A poked user may arm its alarm; nothing may reach the network regardless.
  vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("no network in tests"));
});
afterEach(() => {
  vi.restoreAllMocks();
});

let n = 0;
const shard = () => env.USER_REGISTRY.getByName(`test-shard-${++n}`);

async function knownUser(tag: string, lastFullSyncAt: number | null): Promise<string> {
  const userId = `amzn1.ask.account.REG${tag}${++n}`;
  await runInDurableObject(env.ALEXA_USER.getByName(userId), (i: AlexaUser) => {
    i.now = () => T0;
    i.profile.touch(userId, null, T0 - 10 * DAY);
    i.profile.setAcceptedPermissions([LIST_READ_SCOPE], T0 - 10 * DAY);
    if (lastFullSyncAt !== null) i.profile.setLastFullSyncAt(lastFullSyncAt);
  });
  return userId;
}

describe("UserRegistry entries", () => {
  it("keeps the newest entry per user (by the time it was computed) and removes", async () => {
    const s = shard();
    await s.put("u1", e({ nextDueAt: 5, at: 10 }));
    await s.put("u1", e({ nextDueAt: 9, at: 5 })); // older: ignored
    expect(await s.entry("u1")).toEqual(e({ nextDueAt: 5, at: 10 }));
    await s.put("u1", e({ enabled: false, nextSyncAt: null, at: 11 }));
    expect((await s.entry("u1"))?.enabled).toBe(false);
    await s.remove("u1");
    expect(await s.entry("u1")).toBeNull();
    expect(await s.size()).toBe(0);
  });
});

describe("UserRegistry.runDue", () => {
  it("pokes at most `limit` due users, earliest first; unknown users are removed", async () => {
    const s = shard();
    for (let i = 0; i < 6; i++) await s.put(`amzn1.ask.account.GHOST${n}x${i}`, e({ nextSyncAt: T0 - (10 - i) * 1000 }));
    await s.put("amzn1.ask.account.NOTDUE", e({ nextSyncAt: T0 + DAY }));

    const r1 = await s.runDue(T0, 4, 2);
    expect(r1).toEqual({ due: 4, poked: 4, removed: 4, failed: 0 });
    expect(await s.size()).toBe(3);
    // The earliest four went first.
    expect(await s.entry(`amzn1.ask.account.GHOST${n}x0`)).toBeNull();
    expect(await s.entry(`amzn1.ask.account.GHOST${n}x4`)).not.toBeNull();

    const r2 = await s.runDue(T0, 4, 2);
    expect(r2).toEqual({ due: 2, poked: 2, removed: 2, failed: 0 });
    expect(await s.entry("amzn1.ask.account.NOTDUE")).not.toBeNull();
  });

  it("writes back a known user's fresh entry; a user due for reconciliation gets a sync queued", async () => {
    const s = shard();
    const stale = await knownUser("stale", T0 - 2 * DAY);
    const fresh = await knownUser("fresh", T0 - 3_600_000);
    await s.put(stale, e({ nextSyncAt: T0 - DAY, at: T0 - DAY }));
    await s.put(fresh, e({ nextSyncAt: T0 - 1, at: T0 - DAY })); // stale-early entry: poked once, corrected

    expect(await s.runDue(T0, 10, 2)).toEqual({ due: 2, poked: 2, removed: 0, failed: 0 });

    const staleState = await runInDurableObject(env.ALEXA_USER.getByName(stale), (i: AlexaUser) => i.outbound.outbox.kindState("sync"));
    expect(staleState).toEqual({ pending: true, lastCreatedAt: T0 });
    expect(await s.entry(stale)).toMatchObject({ enabled: true, nextSyncAt: T0 + DAY });

    const freshState = await runInDurableObject(env.ALEXA_USER.getByName(fresh), (i: AlexaUser) => i.outbound.outbox.kindState("sync"));
    expect(freshState.pending).toBe(false);
    expect(await s.entry(fresh)).toMatchObject({ nextSyncAt: T0 - 3_600_000 + DAY, nextDueAt: null });

    // Nothing is due any more in this shard.
    expect((await s.runDue(T0, 10, 2)).due).toBe(0);
  });

  it("a failed poke keeps the user and retries them no sooner than an hour later", async () => {
    const stub = shard();
    await stub.put("amzn1.ask.account.BROKEN", e({ nextSyncAt: T0 - 1 }));
    await runInDurableObject(stub, async (instance: UserRegistry) => {
      // The user object is unreachable: replace the binding for this call only.
      const failing = { getByName: () => ({ sweep: () => Promise.reject(new Error("object unavailable")) }) };
      const saved = Reflect.get(instance, "env") as Env;
      Reflect.set(instance, "env", { ...saved, ALEXA_USER: failing });
      try {
        vi.spyOn(console, "error").mockImplementation(() => {});
        expect(await instance.runDue(T0, 10, 2)).toEqual({ due: 1, poked: 0, removed: 0, failed: 1 });
      } finally {
        Reflect.set(instance, "env", saved);
      }
    });
    expect((await stub.runDue(T0 + POKE_RETRY_MS - 1, 10, 2)).due).toBe(0);
    expect(await stub.entry("amzn1.ask.account.BROKEN")).not.toBeNull();
  });
});

describe("UserRegistry.advanceCursor", () => {
  it("hands out consecutive windows and wraps at the end", async () => {
    const c = shard();
    expect(await c.advanceCursor(10, 4)).toEqual({ shards: [0, 1, 2, 3], from: 0, to: 4, wrapped: false });
    expect(await c.advanceCursor(10, 4)).toEqual({ shards: [4, 5, 6, 7], from: 4, to: 8, wrapped: false });
    expect(await c.advanceCursor(10, 4)).toEqual({ shards: [8, 9, 0, 1], from: 8, to: 2, wrapped: true });
    expect(await c.advanceCursor(10, 20)).toEqual({ shards: [2, 3, 4, 5, 6, 7, 8, 9, 0, 1], from: 2, to: 2, wrapped: true });
  });
});

describe("UserRegistry: a visit stays within 40 subrequests per invocation (Workers Free: 50)", () => {
  /** Waits until the shard holds `size` entries (its alarm continues the visit on its own). */
  async function until(s: DurableObjectStub<UserRegistry>, size: number): Promise<void> {
    for (let i = 0; i < 200 && (await s.size()) !== size; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await s.size()).toBe(size);
  }

  /** The batches the alarm ran, as logged. */
  function continued(log: { mock: { calls: unknown[][] } }): number[] {
    return log.mock.calls.filter(([l]) => l === "registry: visit continued").map(([, r]) => (JSON.parse(String(r)) as { poked: number }).poked);
  }

  it("a visit allowed 500 pokes 40 now and continues in the shard's alarm, at most 40 per invocation, until none is due", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(POKES_PER_INVOCATION).toBeLessThanOrEqual(40);
    const s = shard();
    for (let i = 0; i < 100; i++) await s.put(`amzn1.ask.account.BATCH${n}x${i}`, e({ nextSyncAt: T0 - 1000 + i }));

    expect(await s.runDue(T0, 500, 6)).toEqual({ due: 40, poked: 40, removed: 40, failed: 0 });
    await until(s, 0);
    expect(continued(log)).toEqual([40, 20]);
  });

  it("the visit's limit still bounds the whole visit", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const s = shard();
    for (let i = 0; i < 100; i++) await s.put(`amzn1.ask.account.LIMIT${n}x${i}`, e({ nextSyncAt: T0 - 1000 + i }));
    expect((await s.runDue(T0, 50, 6)).poked).toBe(40);
    await until(s, 50);
    await new Promise((r) => setTimeout(r, 100));
    expect(await s.size()).toBe(50);
    expect(continued(log)).toEqual([10]);
  });
});
