// Issue 11, point 6: at most OUTBOX_MAX_PENDING operations pending per user;
// beyond it 429 TOO_MANY_PENDING_OPERATIONS with Retry-After.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { handleApi } from "../../../src/routes/api/router.ts";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { DEFAULT_OUTBOX_MAX_PENDING, outboxMaxPending } from "../../../src/alexa-user/outbox/service.ts";
import { newUserId, skillEvent, userStub } from "../fakes.ts";
import { send, useFakes } from "../harness.ts";

useFakes();

function post(user: string, value: string): Promise<Response> {
  return handleApi(
    new Request(`https://bridge.test/v1/users/${user}/lists/shopping/items`, {
      method: "POST",
      headers: { authorization: "Bearer test-api-token-1", "content-type": "application/json" },
      body: JSON.stringify({ value }),
    }),
    env,
  );
}

describe("pending operations cap", () => {
  it("defaults to 1000; a bad value falls back to it", () => {
    expect(DEFAULT_OUTBOX_MAX_PENDING).toBe(1000);
    expect(outboxMaxPending({})).toBe(1000);
    expect(outboxMaxPending({ OUTBOX_MAX_PENDING: "zero" })).toBe(1000);
    expect(outboxMaxPending({ OUTBOX_MAX_PENDING: "25" })).toBe(25);
  });

  it("beyond OUTBOX_MAX_PENDING the REST API answers 429 with Retry-After and stores nothing", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.spyOn(console, "error").mockImplementation(() => {});
    const user = newUserId("cap");
    const stub = await userStub(user);
    await runInDurableObject(stub, (instance: AlexaUser) => {
      Reflect.set(instance, "env", { ...env, OUTBOX_MAX_PENDING: "3" });
      (instance as unknown as { build(): void }).build();
    });
    await send(skillEvent(user, "SkillEnabled"));
    for (const v of ["a", "b", "c"]) expect((await post(user, v)).status).toBe(202);

    const res = await post(user, "d");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await res.json()).toMatchObject({ error: "TOO_MANY_PENDING_OPERATIONS" });
    const stored = await runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox_ops").one().n);
    expect(stored).toBe(3);
  });
});
