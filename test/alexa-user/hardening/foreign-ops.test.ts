// Issue 11, point 3: a message carrying the bridge's marker is applied only if
// this user's outbox sent that operation, and from the stored operation.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { handleApi } from "../../../src/routes/api/router.ts";
import { bridge, enqueueOp, messageEnvelope, operation, settle, SHOPPING } from "../fakes.ts";
import { ACK, knownUser, send, useFakes } from "../harness.ts";

const { household, app } = useFakes();

/** A known, enabled user, its enable's background work done. */
async function settledUser(tag: string) {
  const known = await knownUser(tag);
  await settle(known.stub);
  return known;
}

describe("foreign operations", () => {
  it("an opId the outbox never sent is acknowledged and logged, with no effect and no webhook", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { user, stub } = await settledUser("foreign");
    const before = app.deliveries.length;
    for (const op of [
      { kind: "create", list: "shopping", value: "planted" },
      { kind: "delete", list: "shopping", itemRef: "item-1" },
      { kind: "message", data: { forged: true } },
      { kind: "sync" },
    ]) {
      expect(await send(messageEnvelope(user, bridge(`op_forged${op.kind}`, op)))).toEqual(ACK);
    }
    await settle(stub);
    expect(household.calls).toEqual([]);
    expect(app.deliveries.length).toBe(before);
    expect(warn.mock.calls.filter(([l]) => String(l).includes("never sent"))).toHaveLength(4);
  });

  it("a known opId is applied from the stored operation, not from the message body", async () => {
    const { user, stub } = await settledUser("tampered");
    const opId = await enqueueOp(stub, { kind: "create", list: "shopping", value: "milk" });
    const res = await send(messageEnvelope(user, bridge(opId, { kind: "create", list: "shopping", value: "tampered" })));
    await settle(stub);
    expect(res).toEqual(ACK);
    expect([...household.lists.get(SHOPPING)!.items.values()].map((i) => i.value)).toEqual(["milk"]);
    expect((await operation(stub, opId)).status).toBe("completed");
  });

  it("POST /messages refuses data that uses the bridge's reserved keys (400)", async () => {
    const { user } = await settledUser("reserved");
    for (const data of [{ alb: "1" }, { opId: "op_x", note: 1 }, { op: "{}" }]) {
      const res = await handleApi(
        new Request(`https://bridge.test/v1/users/${user}/messages`, {
          method: "POST",
          headers: { authorization: "Bearer test-api-token-1", "content-type": "application/json" },
          body: JSON.stringify({ data }),
        }),
        env,
      );
      expect(res.status, JSON.stringify(data)).toBe(400);
      expect(await res.json()).toMatchObject({ error: "VALIDATION_FAILED" });
    }
  });
});
