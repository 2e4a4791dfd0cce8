// Issue 11, point 5: dead letters expire (DEAD_LETTER_TTL_DAYS, default 14),
// are capped per user (oldest dropped first), and the REST API lists,
// redrives and deletes them.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { handleApi } from "../../../src/routes/api/router.ts";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import {
  DEAD_LETTER_TTL_MS,
  deadLetterTtlMs,
  migrateWebhookQueue,
  WebhookQueue,
} from "../../../src/shared/webhook-queue.ts";
import { APP_SECRET, APP_URL, clock, newUserId, settle, skillEvent, T0, userStub } from "../fakes.ts";
import { send, useFakes } from "../harness.ts";

const { app } = useFakes();

function call(method: string, user: string, rest: string): Promise<Response> {
  return handleApi(new Request(`https://bridge.test/v1/users/${user}${rest}`, { method, headers: { authorization: "Bearer test-api-token-1" } }), env);
}

describe("dead letters", () => {
  it("DEAD_LETTER_TTL_DAYS: default 14 days", () => {
    expect(DEAD_LETTER_TTL_MS).toBe(14 * 86_400_000);
    expect(deadLetterTtlMs(undefined)).toBe(DEAD_LETTER_TTL_MS);
    expect(deadLetterTtlMs("")).toBe(DEAD_LETTER_TTL_MS);
    expect(deadLetterTtlMs("-1")).toBe(DEAD_LETTER_TTL_MS);
    expect(deadLetterTtlMs("2")).toBe(2 * 86_400_000);
  });

  it("are capped per user: beyond the cap the oldest are dropped first, logged", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    const stub = env.ALEXA_USER.getByName(newUserId("dl-cap"));
    await runInDurableObject(stub, async (_i: AlexaUser, state) => {
      migrateWebhookQueue(state.storage.sql);
      const q = new WebhookQueue({
        sql: state.storage.sql,
        userId: () => "u",
        now: () => T0,
        config: { url: APP_URL, secret: APP_SECRET },
        fetch: async () => new Response(null, { status: 410 }),
        deadLetterCap: 3,
      });
      for (let i = 0; i < 5; i++) q.enqueue("t", { i });
      await q.drain();
      expect(q.deadLetterCount()).toBe(3);
      expect(q.list().map((w) => (JSON.parse(w.body) as { data: { i: number } }).data.i)).toEqual([2, 3, 4]);
    });
    expect(warn.mock.calls.filter(([l]) => String(l).includes("oldest dropped"))).toHaveLength(2);
  });

  it("expire after the TTL, by the alarm; list, redrive and delete through the REST API", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const user = newUserId("dl-rest");
    const stub = await userStub(user);
    app.status = 410; // Gone: dead-lettered at once
    await send(skillEvent(user, "SkillEnabled"));
    await send(skillEvent(user, "SkillAccountLinked", { accessToken: "t" }));
    await settle(stub);

    let res = await call("GET", user, "/dead-letters");
    expect(res.status).toBe(200);
    const listed = (await res.json()) as { total: number; deadLetters: { type: string; lastError: string }[] };
    expect(listed.total).toBe(2);
    expect(listed.deadLetters.map((d) => [d.type, d.lastError])).toEqual([
      ["alexa.user.enabled", "HTTP 410"],
      ["alexa.user.account_linked", "HTTP 410"],
    ]);

    // Redrive: they go out again, in order.
    app.status = 200;
    res = await call("POST", user, "/dead-letters/redrive");
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ count: 2 });
    await settle(stub);
    expect(app.types()).toEqual(["alexa.user.enabled", "alexa.user.account_linked"]);
    expect(await stub.webhookQueue()).toEqual([]);

    // Two more dead letters; DELETE drops them.
    app.status = 410;
    await send(skillEvent(user, "SkillPermissionChanged", {}));
    await settle(stub);
    res = await call("DELETE", user, "/dead-letters");
    expect(await res.json()).toEqual({ count: 1 });
    expect(await stub.webhookQueue()).toEqual([]);

    // One more; the alarm drops it once the TTL has passed.
    await send(skillEvent(user, "SkillPermissionChanged", {}));
    await settle(stub);
    expect(await stub.webhookQueue()).toHaveLength(1);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.webhooks.nextDeadLetterExpiry())).toBe(T0 + DEAD_LETTER_TTL_MS);
    expect(await runInDurableObject(stub, (_i: AlexaUser, s) => s.storage.getAlarm())).not.toBeNull();
    clock.t = T0 + DEAD_LETTER_TTL_MS - 1;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.webhookQueue()).toHaveLength(1);
    clock.t = T0 + DEAD_LETTER_TTL_MS;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.webhookQueue()).toEqual([]);
  });

  it("an unknown user is 404 USER_NOT_FOUND on every dead-letter route", async () => {
    const user = newUserId("dl-unknown");
    for (const [m, p] of [["GET", "/dead-letters"], ["POST", "/dead-letters/redrive"], ["DELETE", "/dead-letters"]] as const) {
      const res = await call(m, user, p);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: "USER_NOT_FOUND" });
    }
  });
});
