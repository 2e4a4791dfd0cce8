import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { Outbound } from "../../../src/alexa-user/outbox/service.ts";
import { LIST_READ_SCOPE } from "../../../src/alexa-user/profile.ts";
import { API, bridge, messageEnvelope, newUserId, operation, settle, skillEvent, T0, userStub } from "../fakes.ts";
import { ACK, send, useFakes } from "../harness.ts";

const DAY = 86_400_000;
const WRITE_SCOPE = "alexa::household:lists:write";
const { household, app } = useFakes();

/** An enabled user who granted `scopes` (none: only SkillEnabled was heard). */
async function enabledUser(tag: string, scopes: string[]) {
  const user = newUserId(tag);
  const stub = await userStub(user);
  expect(await send(skillEvent(user, "SkillEnabled"))).toEqual(ACK);
  if (scopes.length > 0) {
    const body = { acceptedPermissions: scopes.map((scope) => ({ scope })) };
    expect(await send(skillEvent(user, "SkillPermissionAccepted", body))).toEqual(ACK);
  }
  await settle(stub);
  return { user, stub };
}

const syncState = (stub: DurableObjectStub<AlexaUser>) => runInDurableObject(stub, (i: AlexaUser) => i.outbound.outbox.kindState("sync"));

describe("reconciliation (the registry's sweep)", () => {
  it("queues no sync for a user who did not grant list read permission, and the registry entry asks for none", async () => {
    const { stub } = await enabledUser("no-read", [WRITE_SCOPE]);
    const entry = await stub.sweep(T0 + 3 * DAY);
    expect(entry).toMatchObject({ enabled: true, nextSyncAt: null });
    expect(await syncState(stub)).toEqual({ pending: false, lastCreatedAt: null });
    // Not even after many intervals.
    expect(await stub.sweep(T0 + 30 * DAY)).toMatchObject({ nextSyncAt: null });
    expect((await syncState(stub)).pending).toBe(false);
  });

  it("queues one sync for a user who granted it, and does so once read permission arrives later", async () => {
    const { stub: reader } = await enabledUser("read", [LIST_READ_SCOPE, WRITE_SCOPE]);
    expect(await reader.sweep(T0)).toMatchObject({ enabled: true, nextSyncAt: T0 + DAY });
    expect(await syncState(reader)).toEqual({ pending: true, lastCreatedAt: T0 });

    const { user, stub: late } = await enabledUser("late", []);
    expect(await late.sweep(T0)).toMatchObject({ nextSyncAt: null });
    await send(skillEvent(user, "SkillPermissionChanged", { acceptedPermissions: [{ scope: LIST_READ_SCOPE }] }));
    await settle(late);
    // Never synced: due at once.
    expect(await runInDurableObject(late, (i: AlexaUser) => i.outbound.entry())).toMatchObject({ nextSyncAt: 0 });
    expect(await late.sweep(T0)).toMatchObject({ nextSyncAt: T0 + DAY });
    expect(await syncState(late)).toEqual({ pending: true, lastCreatedAt: T0 });
  });
});

describe("an app-requested sync without read permission", () => {
  it("is still queued (202) and fails with Amazon's reason, reported as outbox.failed", async () => {
    const { user, stub } = await enabledUser("app-sync", []);
    const res = await exports.default.fetch(`https://bridge.test/v1/users/${encodeURIComponent(user)}/sync`, {
      method: "POST",
      headers: { authorization: "Bearer test-api-token-1" },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await operation(stub, id)).status).toBe("queued");

    // Alexa delivers the message; without the permission every list read is a 403.
    household.fail("GET", "/v2/householdlists", 403, 10);
    expect(await send(messageEnvelope(user, bridge(id, { kind: "sync" })))).toEqual(ACK);
    await settle(stub);
    const view = await operation(stub, id);
    expect(view.status).toBe("failed");
    expect(view.error).toMatch(/^FORBIDDEN/);
    expect(app.types()).toEqual(["alexa.user.enabled", "outbox.failed"]);
  });
});

describe("the object's transport without LWA credentials", () => {
  it("fails an operation at once with a reason naming the settings, and logs one line", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const userId = newUserId("no-lwa");
    await runInDurableObject(env.ALEXA_USER.getByName(userId), async (_i: AlexaUser, state) => {
      const webhooks: { type: string; data: unknown }[] = [];
      const outbound = new Outbound({
        sql: state.storage.sql,
        env: { ...env, LWA_CLIENT_ID: undefined, LWA_CLIENT_SECRET: "" },
        profile: () => ({ userId, enabled: true, apiEndpoint: API, acceptedPermissions: [], linkedAccessToken: null, lastFullSyncAt: null }),
        reportSlot: { read: () => null, write: () => {} },
        webhooks: { enqueue: (type, data) => webhooks.push({ type, data }) },
        wakeAt: async () => {},
        http: () => Promise.reject(new Error("no network expected")),
        now: () => T0,
        registryWrite: async () => {},
      });
      const first = await outbound.enqueueOperation({ kind: "sync" }, {});
      const second = await outbound.enqueueOperation({ kind: "message", data: { hello: "world" } }, {});
      if (first.outcome !== "created" || second.outcome !== "created") throw new Error("unreachable");

      expect(await outbound.participant.runDue(T0)).toBeNull();

      for (const id of [first.view.id, second.view.id]) {
        const view = outbound.outbox.get(id)!;
        expect(view.status).toBe("failed");
        expect(view.error).toMatch(/^LWA_NOT_CONFIGURED: LWA_CLIENT_ID and LWA_CLIENT_SECRET not set/);
      }
      expect(webhooks.map((w) => w.type)).toEqual(["outbox.failed", "outbox.failed"]);
    });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]![0])).toMatch(/^outbox: .*LWA_NOT_CONFIGURED/);
  });
});

describe("enqueueOperation", () => {
  it("answers the stored operation even when the alarm cannot be armed (no error that would invite a duplicate)", async () => {
    const { stub } = await enabledUser("no-alarm", [LIST_READ_SCOPE]);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const reply = await runInDurableObject(stub, async (i: AlexaUser, state) => {
      const outbound = new Outbound({
        sql: state.storage.sql,
        env,
        profile: () => i.profile.get(),
        reportSlot: { read: () => null, write: () => {} },
        webhooks: { enqueue: () => {} },
        wakeAt: async () => {
          throw new Error("alarm storage unavailable");
        },
        http: fetch,
        now: () => T0,
        registryWrite: async () => {},
      });
      return outbound.enqueueOperation({ kind: "sync" }, {});
    });
    expect(reply).toMatchObject({ outcome: "created", view: { kind: "sync", status: "queued" } });
    if (reply.outcome !== "created") throw new Error("unreachable");
    // Stored for the real object to send: it is there after the fact.
    expect((await operation(stub, reply.view.id)).status).toBe("queued");
    expect(errors.mock.calls.some((c) => String(c[0]).includes("could not be armed"))).toBe(true);
    errors.mockRestore();
  });
});
