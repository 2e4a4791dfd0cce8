import { describe, expect, it } from "vitest";
import { BridgeClient } from "../../../../emulator/app/bridge-client.ts";

function recordingFetch(answer: (n: number) => Response): { fetch: typeof fetch; calls: { method: string; url: string; init: RequestInit }[] } {
  const calls: { method: string; url: string; init: RequestInit }[] = [];
  return {
    calls,
    fetch: async (input, init = {}) => {
      calls.push({ method: init.method ?? "GET", url: String(input), init });
      return answer(calls.length);
    },
  };
}

describe("BridgeClient", () => {
  it("calls the documented routes with the bearer token, JSON bodies and percent-encoded segments", async () => {
    const f = recordingFetch(() => Response.json({ id: "op", status: "queued" }, { status: 202 }));
    const c = new BridgeClient({ baseUrl: "http://bridge.test/", token: "secret", fetch: f.fetch });
    await c.createItem("u1", "shopping", { value: "milk", appItemId: "a1" }, { idempotencyKey: "k" });
    await c.updateItem("u1", "YWJj/+=", "a 1", { status: "completed" });
    await c.deleteItem("u1", "todo", "a1");
    await c.sync("u1");
    await c.sendMessage("u1", { data: { hi: "there" }, expiresAfterSeconds: 120 });
    await c.getOperation("u1", "op");
    expect(f.calls.map((x) => `${x.method} ${x.url}`)).toEqual([
      "POST http://bridge.test/v1/users/u1/lists/shopping/items",
      "PATCH http://bridge.test/v1/users/u1/lists/YWJj%2F%2B%3D/items/a%201",
      "DELETE http://bridge.test/v1/users/u1/lists/todo/items/a1",
      "POST http://bridge.test/v1/users/u1/sync",
      "POST http://bridge.test/v1/users/u1/messages",
      "GET http://bridge.test/v1/users/u1/operations/op",
    ]);
    const first = new Headers(f.calls[0]!.init.headers);
    expect([first.get("authorization"), first.get("idempotency-key"), f.calls[0]!.init.body]).toEqual([
      "Bearer secret",
      "k",
      '{"value":"milk","appItemId":"a1"}',
    ]);
    expect(f.calls[2]!.init.body).toBeUndefined();
  });

  it("polls an operation until it is final", async () => {
    const states = ["queued", "sent", "completed"];
    const f = recordingFetch((n) => Response.json({ id: "op", status: states[Math.min(n, 3) - 1] }));
    const c = new BridgeClient({ baseUrl: "http://bridge.test", token: "t", fetch: f.fetch });
    expect((await c.waitForOperation("u", "op", { pollMs: 1 })).status).toBe("completed");
    expect(f.calls).toHaveLength(3);
  });

  it("gives up with the last state when the operation does not finish in time", async () => {
    const f = recordingFetch(() => Response.json({ id: "op", status: "sent" }));
    const c = new BridgeClient({ baseUrl: "http://bridge.test", token: "t", fetch: f.fetch });
    await expect(c.waitForOperation("u", "op", { timeoutMs: 20, pollMs: 5 })).rejects.toThrow(/"status":"sent"/);
  });
});
