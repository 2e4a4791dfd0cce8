import { describe, expect, it } from "vitest";
import {
  bridgeMessageBytes,
  encodeBridgeMessage,
  parseBridgeMessage,
  type BridgeOperation,
} from "../../src/protocol/bridge-message.ts";

const ops: BridgeOperation[] = [
  { kind: "create", list: "shopping", value: "crème fraîche \"bio\"", appItemId: "app-1" },
  { kind: "update", list: "todo", itemRef: "app-2", value: "call mum", status: "active" },
  { kind: "complete", list: "YW16bjEuYWNjb3VudC5YLVRBU0s=", itemRef: "item-3" },
  { kind: "delete", list: "shopping", itemRef: "app-4" },
  { kind: "sync" },
  { kind: "message", data: { nested: { a: [1, 2, { b: null }] } } },
];

describe("bridge message", () => {
  it.each(ops)("encodes $kind with string values only, and decodes it back", (op) => {
    const data = encodeBridgeMessage({ opId: "op_1", op });
    for (const value of Object.values(data)) expect(typeof value).toBe("string");
    // What Alexa hands back is the JSON round trip of what Amazon was sent.
    expect(parseBridgeMessage(JSON.parse(JSON.stringify(data)))).toEqual({ opId: "op_1", op });
  });

  it("counts the bytes Amazon receives, escapes and multi-byte characters included", () => {
    const op: BridgeOperation = { kind: "create", list: "shopping", value: 'é"' };
    const wire = JSON.stringify({ alb: "1", opId: "op_1", op: JSON.stringify(op) });
    expect(bridgeMessageBytes({ opId: "op_1", op })).toBe(new TextEncoder().encode(wire).byteLength);
    expect(wire).toContain('\\"');
  });

  it.each([
    ["not an object", "hello"],
    ["null", null],
    ["a foreign message", { sometag: "some message" }],
    ["a numeric marker", { alb: 1, opId: "op_1", op: JSON.stringify({ kind: "sync" }) }],
    ["an object op (nested values are not what Amazon carries)", { alb: "1", opId: "op_1", op: { kind: "sync" } }],
    ["an empty opId", { alb: "1", opId: "", op: JSON.stringify({ kind: "sync" }) }],
    ["op that is not JSON", { alb: "1", opId: "op_1", op: "{kind:" }],
    ["op that is JSON but not an object", { alb: "1", opId: "op_1", op: "42" }],
    ["an unknown kind", { alb: "1", opId: "op_1", op: JSON.stringify({ kind: "explode" }) }],
  ])("is not a bridge message: %s", (_name, message) => {
    expect(parseBridgeMessage(message)).toBeNull();
  });
});
