import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { DEDUPE_RETENTION_MS, DedupeStore, InFlight, migrateDedupe, opKey, requestKey } from "../../src/alexa-user/dedupe.ts";
import { dispatchAlexaRequest } from "../../src/alexa-user/dispatch.ts";
import { clock, listEvent, newUserId, rid, settle, SHOPPING, T0, userStub } from "./fakes.ts";
import { ACK, useFakes } from "./harness.ts";

describe("DedupeStore", () => {
  it("remembers answers per key, and forgets them 25 h later", async () => {
    const stub = env.ALEXA_USER.getByName(newUserId("store"));
    await runInDurableObject(stub, async (_i: AlexaUser, state) => {
      migrateDedupe(state.storage.sql);
      const d = new DedupeStore(state.storage.sql);
      d.record([requestKey("r1"), opKey("o1")], ACK, T0);
      d.record([requestKey("r2")], ACK, T0 + 1000);
      expect(d.lookup([requestKey("r9"), opKey("o1")])).toEqual(ACK);
      expect(d.lookup([requestKey("r3")])).toBeNull();
      expect(d.nextExpiry()).toBe(T0 + DEDUPE_RETENTION_MS);

      expect(await d.runDue(T0 + DEDUPE_RETENTION_MS - 1)).toBe(T0 + DEDUPE_RETENTION_MS);
      expect(d.size()).toBe(3);
      expect(await d.runDue(T0 + DEDUPE_RETENTION_MS)).toBe(T0 + 1000 + DEDUPE_RETENTION_MS);
      expect(d.lookup([requestKey("r1")])).toBeNull();
      expect(d.lookup([requestKey("r2")])).toEqual(ACK);
      expect(await d.runDue(T0 + 1000 + DEDUPE_RETENTION_MS)).toBeNull();
      expect(d.size()).toBe(0);
    });
  });

  it("a second record of the same key keeps the first answer and time", async () => {
    const stub = env.ALEXA_USER.getByName(newUserId("first-wins"));
    await runInDurableObject(stub, (_i: AlexaUser, state) => {
      migrateDedupe(state.storage.sql);
      const d = new DedupeStore(state.storage.sql);
      d.record(["k"], ACK, T0);
      d.record(["k"], { status: 200, body: { error: "OTHER" } }, T0 + 5);
      expect(d.lookup(["k"])).toEqual(ACK);
      expect(d.nextExpiry()).toBe(T0 + DEDUPE_RETENTION_MS);
    });
  });
});

describe("InFlight", () => {
  it("joins callers with an overlapping key to the first, and lets go afterwards", async () => {
    const f = new InFlight<number>();
    let runs = 0;
    let release: (n: number) => void = () => {};
    const work = () => {
      runs++;
      return new Promise<number>((r) => (release = r));
    };
    const a = f.run(["req:1", "op:x"], work);
    const b = f.run(["req:2", "op:x"], work);
    const c = f.run(["req:1"], work);
    expect(runs).toBe(1);
    release(7);
    expect(await Promise.all([a, b, c])).toEqual([7, 7, 7]);
    expect(f.size).toBe(0);
    const d = f.run(["req:1"], async () => 8);
    expect(await d).toBe(8);
    expect(runs).toBe(1);
  });

  it("a failure reaches every joined caller and frees the keys", async () => {
    const f = new InFlight<number>();
    const a = f.run(["k"], () => Promise.reject(new Error("boom")));
    const b = f.run(["k"], async () => 1);
    await expect(a).rejects.toThrow("boom");
    await expect(b).rejects.toThrow("boom");
    expect(await f.run(["k"], async () => 2)).toBe(2);
  });
});

describe("duplicate deliveries through the object", () => {
  const { household, app } = useFakes();

  it("a redelivered requestId is answered from the record, with no second read or webhook, also after eviction", async () => {
    const user = newUserId("redeliver");
    let stub = await userStub(user);
    const item = household.addItem(SHOPPING, "tea");
    const event = listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }, rid());
    expect((await dispatchAlexaRequest(env, event)).status).toBe(200);
    await settle(stub);
    await evictDurableObject(stub);
    stub = await userStub(user);

    const again = await dispatchAlexaRequest(env, event);
    await settle(stub);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(ACK.body);
    expect(household.calls).toHaveLength(1);
    expect(app.types()).toEqual(["alexa.list.items.created"]);
  });

  it("a redelivery after the instance died between the commit and arming the alarm arms it from what is stored", async () => {
    const user = newUserId("rearm");
    let stub = await userStub(user);
    const event = listEvent(user, "ItemsDeleted", { listId: SHOPPING, listItemIds: ["gone-1"] }, rid());
    expect((await dispatchAlexaRequest(env, event)).status).toBe(200);
    await settle(stub);
    // As if the instance died right after the commit: the held delete is stored, the alarm never set.
    await runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.deleteAlarm());
    await evictDurableObject(stub);
    stub = await userStub(user);

    expect((await dispatchAlexaRequest(env, event)).status).toBe(200);
    await settle(stub);
    const alarm = await runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.getAlarm());
    const release = await runInDurableObject(stub, (i: AlexaUser) => i.held.nextReleaseAt());
    expect(release).not.toBeNull();
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(release!);
  });

  it("records expire by alarm after 25 h: the same requestId is then handled again", async () => {
    const user = newUserId("expire");
    const stub = await userStub(user);
    const item = household.addItem(SHOPPING, "jam");
    const event = listEvent(user, "ItemsUpdated", { listId: SHOPPING, listItemIds: [item.id] }, rid());
    await dispatchAlexaRequest(env, event);
    await settle(stub);

    clock.t = T0 + DEDUPE_RETENTION_MS - 1;
    await runDurableObjectAlarm(stub);
    await dispatchAlexaRequest(env, event);
    expect(household.calls).toHaveLength(1);

    clock.t = T0 + DEDUPE_RETENTION_MS;
    await runDurableObjectAlarm(stub);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.dedupe.size())).toBe(0);
    await dispatchAlexaRequest(env, event);
    await settle(stub);
    expect(household.calls).toHaveLength(2);
  });
});
