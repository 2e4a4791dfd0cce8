import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { handleApi } from "../../../src/routes/api/router.ts";
import { describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { TOMBSTONE_TTL_MS } from "../../../src/shared/tombstone.ts";
import { UNCONFIGURED_ERROR, WEBHOOK_RETRY_WINDOW_MS } from "../../../src/shared/webhook-queue.ts";
import { clock, listEvent, messageEnvelope, newUserId, settle, SHOPPING, skillEvent, T0, userStub } from "../fakes.ts";
import { ACK, send, useFakes } from "../harness.ts";

const { household, app } = useFakes();

/** Row counts of every table of the object but the erasure tombstone (empty after erasure). */
/** Rows of every table but the tombstone and the schema version (neither holds personal data). */
function storedRows(stub: DurableObjectStub<AlexaUser>): Promise<number> {
  return runInDurableObject(stub, (_i: AlexaUser, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('erasure_tombstone', 'schema_version')`,
      )
      .toArray();
    return tables.reduce((n, t) => n + state.storage.sql.exec<{ c: number }>(`SELECT COUNT(*) AS c FROM "${t.name}"`).one().c, 0);
  });
}

/** The erasure tombstone's row, if any. */
function tombstoneRow(stub: DurableObjectStub<AlexaUser>): Promise<Record<string, SqlStorageValue> | undefined> {
  return runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.sql.exec(`SELECT * FROM erasure_tombstone`).toArray()[0]);
}

describe("skill events", () => {
  it("SkillEnabled, SkillAccountLinked, SkillPermissionAccepted/Changed update the profile and reach the app in order", async () => {
    const user = newUserId("skill");
    const stub = await userStub(user);
    const read = "alexa::household:lists:read";
    const write = "alexa::household:lists:write";

    expect(await send(skillEvent(user, "SkillEnabled"))).toEqual(ACK);
    expect(await send(skillEvent(user, "SkillAccountLinked", { accessToken: "app-token-123" }))).toEqual(ACK);
    expect(await send(skillEvent(user, "SkillPermissionAccepted", { acceptedPermissions: [{ scope: read }, { scope: write }] }))).toEqual(ACK);
    expect(await send(skillEvent(user, "SkillPermissionChanged", { acceptedPermissions: [{ scope: read }] }))).toEqual(ACK);
    await settle(stub);

    expect(app.accepted().map((b) => [b.type, b.userId, b.data])).toEqual([
      ["alexa.user.enabled", user, {}],
      ["alexa.user.account_linked", user, { accessToken: "app-token-123" }],
      ["alexa.user.permissions_changed", user, { acceptedPermissions: [read, write] }],
      ["alexa.user.permissions_changed", user, { acceptedPermissions: [read] }],
    ]);
    const profile = await runInDurableObject(stub, (i: AlexaUser) => i.profile.get());
    expect(profile).toEqual({
      userId: user,
      enabled: true,
      apiEndpoint: "https://api.amazonalexa.com",
      acceptedPermissions: [read],
      linkedAccessToken: "app-token-123",
      lastFullSyncAt: null,
    });
    // The request's apiAccessToken is never stored.
    const stored = await runInDurableObject(stub, (_i: AlexaUser, state) =>
      JSON.stringify(state.storage.sql.exec(`SELECT * FROM profile`).toArray()),
    );
    expect(stored).not.toContain("atza|");
  });

  it("SkillAccountLinked without accessToken is a 400", async () => {
    const user = newUserId("nolink");
    await userStub(user);
    const res = await send(skillEvent(user, "SkillAccountLinked", {}));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "BAD_EVENT_BODY" });
  });

  it("SkillPermissionChanged with no body means no permissions", async () => {
    const user = newUserId("noperm");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillPermissionChanged"));
    await settle(stub);
    expect(app.accepted().map((b) => b.data)).toEqual([{ acceptedPermissions: [] }]);
  });
});

describe("erasure after SkillDisabled", () => {
  it("erases all stored data once alexa.user.disabled has been delivered", async () => {
    const user = newUserId("erase");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    const item = household.addItem(SHOPPING, "milk");
    await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }));
    await settle(stub);
    expect(await storedRows(stub)).toBeGreaterThan(0);

    const res = await send(skillEvent(user, "SkillDisabled", { userInformationPersistenceStatus: "NOT_PERSISTED" }));
    await settle(stub);

    expect(res).toEqual(ACK);
    expect(app.types()).toEqual(["alexa.user.enabled", "alexa.list.items.created", "alexa.user.disabled"]);
    expect(app.accepted()[2]!.data).toEqual({ userInformationPersistenceStatus: "NOT_PERSISTED" });
    expect(await storedRows(stub)).toBe(0);
    // Only the tombstone is left (two times, no personal data), and the alarm that expires it.
    expect(await tombstoneRow(stub)).toEqual({ id: 1, erased_at: T0, expires_at: T0 + TOMBSTONE_TTL_MS });
    expect(await runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.getAlarm())).toBe(T0 + TOMBSTONE_TTL_MS);
  });

  it("keeps the data while the app is down, erases after the alarm delivered the event", async () => {
    const user = newUserId("erase-later");
    const stub = await userStub(user);
    app.status = 503;
    await send(skillEvent(user, "SkillAccountLinked", { accessToken: "tok" }));
    await send(skillEvent(user, "SkillDisabled"));
    await settle(stub);

    expect(app.accepted()).toHaveLength(0);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.profile.get()?.enabled)).toBe(false);
    expect(await storedRows(stub)).toBeGreaterThan(0);

    app.status = 200;
    clock.t = T0 + 60 * 60 * 1000;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.user.account_linked", "alexa.user.disabled"]);
    expect(await storedRows(stub)).toBe(0);
    expect(await runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.getAlarm())).toBe(clock.t + TOMBSTONE_TTL_MS);
  });

  it("with webhooks not configured, the user is still erased once the unsent webhooks aged into dead letters (24 h)", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const user = newUserId("erase-unconfigured");
    const stub = await userStub(user);
    // This object's deployment has no APP_WEBHOOK_URL: rebuild its parts from that environment.
    await runInDurableObject(stub, (instance: AlexaUser) => {
      Reflect.set(instance, "env", { ...env, APP_WEBHOOK_URL: "" });
      (instance as unknown as { build(): void }).build();
    });
    const alarmAt = () => runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.getAlarm());
    const queue = async () => (await stub.webhookQueue()).map((w) => [w.type, w.deadAt, w.lastError]);

    await send(skillEvent(user, "SkillEnabled"));
    clock.t = T0 + 60_000;
    await send(skillEvent(user, "SkillDisabled"));
    await settle(stub);
    expect(await queue()).toEqual([
      ["alexa.user.enabled", null, null],
      ["alexa.user.disabled", null, null],
    ]);
    expect(await storedRows(stub)).toBeGreaterThan(0);

    // Just before the first window ends: nothing changes, and the alarm waits for that end.
    clock.t = T0 + WEBHOOK_RETRY_WINDOW_MS - 1;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);
    expect(await storedRows(stub)).toBeGreaterThan(0);
    expect((await queue()).map(([, deadAt]) => deadAt)).toEqual([null, null]);
    expect(await alarmAt()).toBe(T0 + WEBHOOK_RETRY_WINDOW_MS);

    // Each webhook ages on its own window: the first is now a dead letter, kept; the second still waits.
    clock.t = T0 + WEBHOOK_RETRY_WINDOW_MS;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);
    expect(await queue()).toEqual([
      ["alexa.user.enabled", T0 + WEBHOOK_RETRY_WINDOW_MS, UNCONFIGURED_ERROR],
      ["alexa.user.disabled", null, null],
    ]);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.profile.get()?.enabled)).toBe(false);
    expect(await alarmAt()).toBe(T0 + 60_000 + WEBHOOK_RETRY_WINDOW_MS);

    clock.t = T0 + 60_000 + WEBHOOK_RETRY_WINDOW_MS;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);
    expect(await storedRows(stub)).toBe(0);
    expect(await alarmAt()).toBe(clock.t + TOMBSTONE_TTL_MS);
    expect(app.deliveries).toHaveLength(0);
    const deadLetters = errors.mock.calls.filter(([line]) => line === "webhooks: dead letter").map(([, detail]) => detail as object);
    expect(deadLetters).toEqual([
      expect.objectContaining({ type: "alexa.user.enabled", attempts: 0, error: UNCONFIGURED_ERROR, reason: "delivery not configured" }),
      expect.objectContaining({ type: "alexa.user.disabled", attempts: 0, error: UNCONFIGURED_ERROR, reason: "delivery not configured" }),
    ]);
  });

  // Changed rule: Alexa gives a new user id on re-enable, so a SkillEnabled for a disabled id is stale
  // (reordered or redelivered). It used to cancel the erasure, keeping data the user asked to be rid of.
  it("a SkillEnabled after SkillDisabled (same id) does not cancel the erasure and is not reported", async () => {
    const user = newUserId("erase-cancel");
    const stub = await userStub(user);
    app.status = 503;
    await send(skillEvent(user, "SkillDisabled"));
    expect(await send(skillEvent(user, "SkillEnabled"))).toEqual(ACK);
    app.status = 200;
    clock.t = T0 + 60 * 60 * 1000;
    await runDurableObjectAlarm(stub);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.user.disabled"]);
    expect(await storedRows(stub)).toBe(0);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.profile.get())).toBeNull();
  });

  it("after erasure, late events, messages and voice requests for the id have no effect; the REST API finds no user", async () => {
    const user = newUserId("erase-late");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    await send(skillEvent(user, "SkillDisabled"));
    await settle(stub);
    expect(await storedRows(stub)).toBe(0);
    const before = app.deliveries.length;

    const item = household.addItem(SHOPPING, "milk");
    for (const e of [
      skillEvent(user, "SkillEnabled"),
      skillEvent(user, "SkillAccountLinked", { accessToken: "late-token" }),
      skillEvent(user, "SkillPermissionAccepted", { acceptedPermissions: [{ scope: "alexa::household:lists:read" }] }),
      listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }),
      messageEnvelope(user, { hello: "world" }),
    ]) {
      expect(await send(e)).toEqual(ACK);
    }
    await settle(stub);
    expect(app.deliveries.length).toBe(before);
    expect(await storedRows(stub)).toBe(0);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.profile.get())).toBeNull();

    const api = await handleApi(
      new Request(`https://bridge.test/v1/users/${user}/sync`, { method: "POST", headers: { authorization: "Bearer test-api-token-1" } }),
      env,
    );
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: "USER_NOT_FOUND" });
  });

  it("the tombstone expires with the alarm; then the id is served again from empty tables", async () => {
    const user = newUserId("erase-again");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillDisabled"));
    await settle(stub);
    expect(await storedRows(stub)).toBe(0);

    clock.t = T0 + TOMBSTONE_TTL_MS;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await tombstoneRow(stub)).toBeUndefined();
    expect(await send(skillEvent(user, "SkillEnabled"))).toEqual(ACK);
    await settle(stub);
    expect(app.types()).toEqual(["alexa.user.disabled", "alexa.user.enabled"]);
  });

  it("after an erasure outside the alarm, later alarm runs keep the alarm armed for the new data's due work", async () => {
    const user = newUserId("erase-rearm");
    const stub = await userStub(user);
    const alarmAt = () => runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.getAlarm());
    await send(skillEvent(user, "SkillDisabled"));
    await settle(stub); // erased by the background delivery, not by an alarm
    expect(await storedRows(stub)).toBe(0);
    // The tombstone's alarm expires it; only then can the id get data again.
    clock.t = T0 + TOMBSTONE_TTL_MS;
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    app.status = 503;
    await send(skillEvent(user, "SkillEnabled"));
    await settle(stub);
    const first = await alarmAt();
    expect(first).not.toBeNull();

    // The alarm retries the webhook, fails again, and must re-arm for the next retry.
    clock.t = first!;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const next = await alarmAt();
    expect(next).not.toBeNull();
    expect(next!).toBeGreaterThan(first!);

    app.status = 200;
    clock.t = next!;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);
    expect(app.types()).toEqual(["alexa.user.disabled", "alexa.user.enabled"]);
  });
});
