import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { DEFAULT_CRON_LIMITS, runCron, type CronLimits } from "../../src/cron/scheduled.ts";
import type { RegistryEntry } from "../../src/registry/entry.ts";
import { CURSOR_OBJECT, REGISTRY_SHARDS, shardName, shardOf } from "../../src/registry/shards.ts";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { LIST_READ_SCOPE } from "../../src/alexa-user/profile.ts";

/** Far in the future: user objects' alarms never fire on their own. */
const T0 = Date.UTC(2035, 0, 1, 0, 0, 0);
const DAY = 86_400_000;
const LIMITS: CronLimits = { shardsPerRun: 16, usersPerShard: 2, concurrency: 4 };
const RUNS_PER_CYCLE = REGISTRY_SHARDS / LIMITS.shardsPerRun;

beforeEach(() => {
  // Poked users may arm their alarms; nothing may reach the network regardless.
  vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("no network in tests"));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const shardStub = (i: number) => env.USER_REGISTRY.getByName(shardName(i));
const sizes = () => Promise.all(Array.from({ length: REGISTRY_SHARDS }, (_, i) => shardStub(i).size()));
const due = (over: Partial<RegistryEntry> = {}): RegistryEntry => ({ enabled: true, nextSyncAt: T0 - 1, nextDueAt: null, at: T0 - DAY, ...over });

let n = 0;
/** A user known to their object, registered through the object's own report; by default they granted list read. */
async function registeredUser(tag: string, opts: { lastFullSyncAt: number | null; enabled?: boolean; canRead?: boolean }): Promise<string> {
  const userId = `amzn1.ask.account.CRON${tag}${++n}`;
  await runInDurableObject(env.ALEXA_USER.getByName(userId), async (i: AlexaUser) => {
    i.now = () => T0;
    i.profile.touch(userId, null, T0 - 30 * DAY);
    if (opts.canRead !== false) i.profile.setAcceptedPermissions([LIST_READ_SCOPE], T0 - 30 * DAY);
    if (opts.lastFullSyncAt !== null) i.profile.setLastFullSyncAt(opts.lastFullSyncAt);
    if (opts.enabled === false) i.profile.setEnabled(false, T0);
    await i.outbound.reportRegistry();
  });
  return userId;
}

const syncState = (userId: string) =>
  runInDurableObject(env.ALEXA_USER.getByName(userId), (i: AlexaUser) => i.outbound.outbox.kindState("sync"));

describe("cron sweep over the registry", () => {
  it("visits a bounded window of shards per run, pokes a bounded number of users per shard, and the cursor wraps", async () => {
    // 150 registered users whose objects no longer know them (e.g. erased): every poke removes one.
    const users = Array.from({ length: 150 }, (_, i) => `amzn1.ask.account.GONE${i}`);
    for (const u of users) await shardStub(shardOf(u)).put(u, due());

    let before = await sizes();
    let firstFrom: number | null = null;
    for (let run = 1; run <= RUNS_PER_CYCLE + 1; run++) {
      const report = await runCron(env, T0, LIMITS);
      firstFrom ??= report.window.from;
      const expectedShards = Array.from({ length: LIMITS.shardsPerRun }, (_, k) => (report.window.from + k) % REGISTRY_SHARDS);
      expect(report.window.shards).toEqual(expectedShards);
      expect(report.window.to).toBe((report.window.from + LIMITS.shardsPerRun) % REGISTRY_SHARDS);
      // Runs 1..4 cover all 64 shards once; run 5 starts over where run 1 began.
      expect(report.window.from).toBe((firstFrom + (run - 1) * LIMITS.shardsPerRun) % REGISTRY_SHARDS);
      expect(report.window.wrapped).toBe(report.window.from + LIMITS.shardsPerRun >= REGISTRY_SHARDS);

      const after = await sizes();
      let expectedPoked = 0;
      for (let i = 0; i < REGISTRY_SHARDS; i++) {
        const visited = expectedShards.includes(i);
        const take = visited ? Math.min(LIMITS.usersPerShard, before[i]!) : 0;
        expectedPoked += take;
        expect(after[i], `shard ${i} after run ${run}`).toBe(before[i]! - take);
      }
      expect(report).toMatchObject({ due: expectedPoked, poked: expectedPoked, removed: expectedPoked, failed: 0, shardErrors: 0 });
      expect(report.poked).toBeLessThanOrEqual(LIMITS.shardsPerRun * LIMITS.usersPerShard);
      before = after;
    }
    const wrapped = await env.USER_REGISTRY.getByName(CURSOR_OBJECT).advanceCursor(REGISTRY_SHARDS, 0);
    expect(wrapped.from).toBe((firstFrom! + (RUNS_PER_CYCLE + 1) * LIMITS.shardsPerRun) % REGISTRY_SHARDS);
  }, 30_000); // ~150 Durable Object pokes: slow on a loaded 2-core machine, not a timing assertion

  it("reconciliation: within one cycle, every enabled user whose last sync is too old gets one sync queued", async () => {
    const stale = await registeredUser("stale", { lastFullSyncAt: T0 - 2 * DAY });
    const never = await registeredUser("never", { lastFullSyncAt: null });
    const recent = await registeredUser("recent", { lastFullSyncAt: T0 - 60_000 });
    const disabled = await registeredUser("disabled", { lastFullSyncAt: T0 - 5 * DAY, enabled: false });
    const unreadable = await registeredUser("unreadable", { lastFullSyncAt: T0 - 5 * DAY, canRead: false });
    expect((await shardStub(shardOf(stale)).entry(stale))?.nextSyncAt).toBe(T0 - DAY);
    // Without list read permission a sync could only fail: the registry holds no sync time for them.
    expect(await shardStub(shardOf(unreadable)).entry(unreadable)).toMatchObject({ enabled: true, nextSyncAt: null });

    for (let run = 0; run < RUNS_PER_CYCLE; run++) await runCron(env, T0, { ...LIMITS, usersPerShard: 50 });

    expect(await syncState(stale)).toEqual({ pending: true, lastCreatedAt: T0 });
    expect(await syncState(never)).toEqual({ pending: true, lastCreatedAt: T0 });
    expect((await syncState(recent)).pending).toBe(false);
    expect((await syncState(disabled)).pending).toBe(false);
    expect(await syncState(unreadable)).toEqual({ pending: false, lastCreatedAt: null });
    // The registry now says when each is next due; a second cycle queues nothing more.
    expect(await shardStub(shardOf(stale)).entry(stale)).toMatchObject({ nextSyncAt: T0 + DAY });
    expect(await shardStub(shardOf(disabled)).entry(disabled)).toMatchObject({ enabled: false, nextSyncAt: null });
    for (let run = 0; run < RUNS_PER_CYCLE; run++) await runCron(env, T0, { ...LIMITS, usersPerShard: 50 });
    const ops = await runInDurableObject(env.ALEXA_USER.getByName(stale), (_i, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox_ops WHERE kind = 'sync'").one().n,
    );
    expect(ops).toBe(1);
  }, 30_000);

  it("the Worker's scheduled handler runs one sweep with the default limits", async () => {
    const cursor = env.USER_REGISTRY.getByName(CURSOR_OBJECT);
    const { to: start } = await cursor.advanceCursor(REGISTRY_SHARDS, 0);
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: T0, cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const { from } = await cursor.advanceCursor(REGISTRY_SHARDS, 0);
    expect(from).toBe((start + DEFAULT_CRON_LIMITS.shardsPerRun) % REGISTRY_SHARDS);
  });
});
