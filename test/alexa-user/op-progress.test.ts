import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { migrateOpProgress, OP_PROGRESS_RETENTION_MS, OpProgress } from "../../src/alexa-user/op-progress.ts";
import { clock, newUserId, T0, userStub } from "./fakes.ts";

describe("OpProgress", () => {
  it("keeps the first create attempt of an operation until cleared", async () => {
    const stub = env.ALEXA_USER.getByName(newUserId("progress"));
    await runInDurableObject(stub, (_i: AlexaUser, state) => {
      migrateOpProgress(state.storage.sql);
      const p = new OpProgress(state.storage.sql);
      expect(p.createAttempt("op_1")).toBeNull();
      p.recordCreate("op_1", { listId: "L", value: "milk", status: "completed" }, T0);
      p.recordCreate("op_1", { listId: "L2", value: "milk", status: "active" }, T0 + 5000);
      expect(p.createAttempt("op_1")).toEqual({ listId: "L", value: "milk", status: "completed", attemptedAt: T0 });
      expect(p.nextExpiry()).toBe(T0 + OP_PROGRESS_RETENTION_MS);
      p.clear("op_1");
      expect(p.createAttempt("op_1")).toBeNull();
      expect(p.nextExpiry()).toBeNull();
    });
  });

  it("the object's alarm forgets attempts whose operation never came back, after the retention", async () => {
    clock.t = T0;
    const user = newUserId("progress-alarm");
    const stub = await userStub(user);
    await runInDurableObject(stub, async (i: AlexaUser) => {
      i.progress.recordCreate("op_old", { listId: "L", value: "tea", status: "active" }, T0);
      i.progress.recordCreate("op_new", { listId: "L", value: "jam", status: "active" }, T0 + 1000);
      await i.reschedule(T0 + OP_PROGRESS_RETENTION_MS);
    });
    clock.t = T0 + OP_PROGRESS_RETENTION_MS;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const left = await runInDurableObject(stub, (i: AlexaUser) => [i.progress.createAttempt("op_old"), i.progress.createAttempt("op_new")?.value]);
    expect(left).toEqual([null, "jam"]);
    expect(await runInDurableObject(stub, (_i: AlexaUser, state) => state.storage.getAlarm())).toBe(T0 + 1000 + OP_PROGRESS_RETENTION_MS);
  });
});
