// A full sync (`kind:"sync"`, also the reconciliation) runs after Alexa's
// answer: the message is acknowledged at once, the lists are read in the
// background with the request's token held in memory only, and the snapshot
// and the operation's completion commit together when the reads are done.
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { ListApi } from "../../src/alexa/list-api.ts";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { SYNC_ORPHAN_MS, SyncRunner } from "../../src/alexa-user/sync-runner.ts";
import { bridge, clock, enqueueOp, envelope, newUserId, operation, rid, settle, SHOPPING, T0, userStub } from "./fakes.ts";
import { ACK, knownUser, send, useFakes } from "./harness.ts";

const { household, app } = useFakes();

/** A sync message for `opId`, carrying `token` (each delivery of a message has its own requestId and token). */
function syncMessage(user: string, opId: string, token = "atza|sync-token") {
  return envelope(user, { type: "Messaging.MessageReceived", message: bridge(opId, { kind: "sync" }) }, { token, requestId: rid() });
}

const metadataReads = () => household.calls.filter((c) => c.method === "GET" && c.path === "/v2/householdlists/").length;
const snapshots = () => app.accepted().filter((b) => b.type === "alexa.list.snapshot");
/** As if the outbox had sent the operation: its own re-send would come after the message's lifetime (3,600 + 60 s). */
const markSent = (stub: DurableObjectStub<AlexaUser>, opId: string) =>
  runInDurableObject(stub, (_i: AlexaUser, state) => {
    state.storage.sql.exec(`UPDATE outbox_ops SET status = 'sent', sends = 1, next_at = ? WHERE id = ?`, T0 + 3_660_000, opId);
  });
const progressRows = (stub: DurableObjectStub<AlexaUser>) =>
  runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.sql.exec(`SELECT op_id, kind FROM op_progress`).toArray());

describe("full sync in the background", () => {
  it("is acknowledged while the lists are still being read; the snapshot and the completion follow", async () => {
    const { user, stub } = await knownUser("bg");
    household.addItem(SHOPPING, "milk");
    const slow = household.hold("GET", "/active");
    const opId = await enqueueOp(stub, { kind: "sync" });

    expect(await send(syncMessage(user, opId, "atza|secret-sync-token"))).toEqual(ACK);
    // Accepted durably ("applying"), not done; the token is nowhere in storage.
    expect(await progressRows(stub)).toEqual([{ op_id: opId, kind: "sync" }]);
    expect((await operation(stub, opId)).status).not.toBe("completed");
    expect(snapshots()).toEqual([]);
    const stored = await runInDurableObject(stub, (_i: AlexaUser, state) =>
      state.storage.sql
        .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`)
        .toArray()
        .map((t) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${t.name}"`).toArray()))
        .join("\n"),
    );
    expect(stored).not.toContain("secret-sync-token");

    slow.release();
    await settle(stub);
    expect(snapshots()).toHaveLength(1);
    expect(snapshots()[0]!.data.opId).toBe(opId);
    expect((await operation(stub, opId)).status).toBe("completed");
    expect(app.types()).toEqual(["alexa.user.enabled", "alexa.list.snapshot", "outbox.completed"]);
    expect(household.calls.filter((c) => c.method === "GET").every((c) => c.auth === "Bearer atza|secret-sync-token")).toBe(true);
    expect(await progressRows(stub)).toEqual([]);
  });

  it("a redelivery of the same opId while the sync runs is acknowledged at once and starts no second sync", async () => {
    const { user, stub } = await knownUser("bg-dup");
    const slow = household.hold("GET", "/active");
    const opId = await enqueueOp(stub, { kind: "sync" });
    expect(await send(syncMessage(user, opId))).toEqual(ACK);
    expect(await send(syncMessage(user, opId, "atza|second-token"))).toEqual(ACK);
    expect(await send(syncMessage(user, opId, "atza|third-token"))).toEqual(ACK);

    slow.release();
    await settle(stub);
    expect(metadataReads()).toBe(1);
    expect(snapshots()).toHaveLength(1);
    // Delivered again after it completed: nothing more.
    expect(await send(syncMessage(user, opId))).toEqual(ACK);
    await settle(stub);
    expect(metadataReads()).toBe(1);
    expect(app.types()).toEqual(["alexa.user.enabled", "alexa.list.snapshot", "outbox.completed"]);
  });

  it("a List API 5xx leaves the operation unconfirmed, with nothing sent; the alarm sends it again soon, and that delivery runs it", async () => {
    const { user, stub } = await knownUser("bg-5xx");
    household.fail("GET", "/active", 503);
    const opId = await enqueueOp(stub, { kind: "sync" });
    await markSent(stub, opId);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await send(syncMessage(user, opId))).toEqual(ACK);
    await settle(stub);
    expect((await operation(stub, opId)).status).toBe("sent");
    expect(snapshots()).toEqual([]);
    expect(await progressRows(stub)).toHaveLength(1);
    // Found by the soak (docs/soak.md, finding 13): sent again SYNC_ORPHAN_MS after its acceptance, not in an hour.
    const alarm = await runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(T0 + SYNC_ORPHAN_MS);
    clock.t = T0 + SYNC_ORPHAN_MS;
    await runDurableObjectAlarm(stub);
    expect((await operation(stub, opId)).status).toBe("queued");

    expect(await send(syncMessage(user, opId, "atza|fresh-token"))).toEqual(ACK);
    await settle(stub);
    expect(snapshots()).toHaveLength(1);
    expect((await operation(stub, opId)).status).toBe("completed");
  });

  it("a permanent List API failure (403) fails the operation with Amazon's reason", async () => {
    const { user, stub } = await knownUser("bg-403");
    household.fail("GET", "/v2/householdlists/", 403);
    const opId = await enqueueOp(stub, { kind: "sync" });
    expect(await send(syncMessage(user, opId))).toEqual(ACK);
    await settle(stub);
    const view = await operation(stub, opId);
    expect(view.status).toBe("failed");
    expect(view.error).toMatch(/^FORBIDDEN/);
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.failed"]);
    expect(await progressRows(stub)).toEqual([]);
  });

  it("a storage failure after the acceptance committed still starts the run (a redelivery is not left answering 'busy')", async () => {
    const { user, stub } = await knownUser("bg-after-commit");
    const opId = await enqueueOp(stub, { kind: "sync" });
    // The next alarm write fails: the one right after the acceptance commits.
    await runInDurableObject(stub, (i: AlexaUser) => {
      const wakeAt = i.schedule.wakeAt.bind(i.schedule);
      let failures = 1;
      i.schedule.wakeAt = async (at: number) => {
        if (failures-- > 0) throw new Error("storage operation timed out");
        return wakeAt(at);
      };
    });
    const first = await send(syncMessage(user, opId));
    expect(first.status).toBe(503);
    await settle(stub);
    expect(snapshots()).toHaveLength(1);
    expect((await operation(stub, opId)).status).toBe("completed");
    expect(await send(syncMessage(user, opId))).toEqual(ACK);
    await settle(stub);
    expect(metadataReads()).toBe(1);
  });

  it("the object dies mid-sync: the run is gone, and a redelivery with a fresh token after the restart runs it, once", async () => {
    const { user, stub } = await knownUser("bg-evict");
    household.addItem(SHOPPING, "tea");
    const slow = household.hold("GET", "/active");
    const opId = await enqueueOp(stub, { kind: "sync" });
    expect(await send(syncMessage(user, opId))).toEqual(ACK);
    // A crash (eviction would wait for the run to finish): every instance is reset, storage kept.
    await abortAllDurableObjects();
    const restarted = await userStub(user);
    expect(await progressRows(restarted)).toEqual([{ op_id: opId, kind: "sync" }]);

    expect(await send(syncMessage(user, opId, "atza|after-restart"))).toEqual(ACK);
    slow.release();
    await settle(restarted);
    expect(metadataReads()).toBe(2);
    expect(snapshots()).toHaveLength(1);
    expect((await operation(restarted, opId)).status).toBe("completed");
    expect(app.types().filter((t) => t === "outbox.completed")).toHaveLength(1);
    expect(await progressRows(restarted)).toEqual([]);
  });
});

describe("a sync whose run died", () => {
  it("is sent again by the alarm soon after, instead of after its message's lifetime (found by the soak)", async () => {
    const { user, stub } = await knownUser("orphan");
    household.addItem(SHOPPING, "tea");
    const slow = household.hold("GET", "/active");
    const opId = await enqueueOp(stub, { kind: "sync" });
    await markSent(stub, opId); // the skill message is on its way
    expect(await send(syncMessage(user, opId))).toEqual(ACK);
    await abortAllDurableObjects();
    slow.release();
    const restarted = await userStub(user);
    // Not yet: within SYNC_ORPHAN_MS a run may still be starting.
    clock.t = T0 + SYNC_ORPHAN_MS - 1;
    await runDurableObjectAlarm(restarted);
    expect((await operation(restarted, opId)).status).toBe("sent");

    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    clock.t = T0 + SYNC_ORPHAN_MS;
    await runDurableObjectAlarm(restarted);
    expect((await operation(restarted, opId)).status).toBe("queued");
    expect(await progressRows(restarted)).toEqual([]);
    expect(warn.mock.calls.some((c) => String(c[0]).includes("sent again"))).toBe(true);

    // The re-sent message arrives with a fresh token: one sync, one completion.
    expect(await send(syncMessage(user, opId, "atza|resent"))).toEqual(ACK);
    await settle(restarted);
    expect((await operation(restarted, opId)).status).toBe("completed");
    expect(app.types().filter((t) => t === "outbox.completed")).toHaveLength(1);
  });
});

describe("SyncRunner.cancel (erasure)", () => {
  it("a run whose reads finish after the user's data began to be erased commits nothing; an accepted one never starts", async () => {
    const stub = await userStub(newUserId("cancel"));
    await runInDurableObject(stub, async (i: AlexaUser) => {
      let release = (): void => {};
      const reads = new Promise<void>((r) => (release = r));
      let metadataCalls = 0;
      const api = {
        getListsMetadata: async () => {
          metadataCalls++;
          await reads;
          return [];
        },
      } as unknown as ListApi;
      const commits: Array<() => void> = [];
      const background: Array<Promise<unknown>> = [];
      const runner = new SyncRunner({
        parts: { items: i.items, profile: i.profile, held: i.held, webhooks: i.webhooks, outbox: i.outbox, progress: i.progress },
        commit: (fn) => void commits.push(fn),
        afterCommit: async () => {},
        serial: (fn) => fn(),
        background: (p) => void background.push(p),
        now: () => T0,
      });

      runner.accept("op_running", api, T0);
      runner.startAccepted();
      expect(runner.busy("op_running")).toBe(true);
      runner.accept("op_waiting", api, T0);
      runner.cancel();
      runner.startAccepted();
      release();
      await Promise.allSettled(background);

      expect(metadataCalls).toBe(1);
      expect(commits).toEqual([]);
      expect(runner.busy("op_running")).toBe(false);
      expect(runner.busy("op_waiting")).toBe(false);
    });
  });
});
