import { afterEach, describe, expect, it } from "vitest";
import { EventBus, sseFrame, sseResponse } from "../../../emulator/events.ts";
import { serve, type Served } from "../../../emulator/node-http.ts";

/** Reads SSE frames from a stream until `n` events have arrived. */
async function readEvents(body: ReadableStream<Uint8Array>, n: number): Promise<{ id: string; event: string; data: { at: string; data: unknown } }[]> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  const out: { id: string; event: string; data: { at: string; data: unknown } }[] = [];
  while (out.length < n) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf("\n\n")) >= 0) {
      const frame = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const fields = Object.fromEntries(
        frame
          .split("\n")
          .filter((l) => !l.startsWith(":") && l.includes(": "))
          .map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]),
      );
      if (fields.event) out.push({ id: fields.id as string, event: fields.event, data: JSON.parse(fields.data as string) as { at: string; data: unknown } });
    }
  }
  await reader.cancel();
  return out;
}

let served: Served | null = null;
afterEach(async () => {
  await served?.close();
  served = null;
});

describe("event bus", () => {
  it("numbers events, copies their data, keeps the latest and tells listeners until they unsubscribe", () => {
    const bus = new EventBus({ max: 2, now: () => Date.UTC(2026, 0, 1) });
    const got: string[] = [];
    const off = bus.subscribe((e) => got.push(`${e.id}:${e.type}`));
    const view = { state: "pending" };
    bus.publish("delivery", view);
    view.state = "delivered";
    bus.publish("delivery", view);
    off();
    bus.publish("voice", { id: "v1" });
    expect(got).toEqual(["1:delivery", "2:delivery"]);
    expect(bus.since(0).map((e) => [e.id, e.data])).toEqual([
      [2, { state: "delivered" }],
      [3, { id: "v1" }],
    ]);
    expect(bus.since(2).map((e) => e.id)).toEqual([3]);
    expect([bus.lastId, bus.listenerCount]).toEqual([3, 0]);
    expect(sseFrame(bus.since(2)[0]!)).toBe(`id: 3\nevent: voice\ndata: {"at":"2026-01-01T00:00:00.000Z","data":{"id":"v1"}}\n\n`);
  });

  it("a listener that throws does not stop the others", () => {
    const bus = new EventBus();
    const got: number[] = [];
    bus.subscribe(() => {
      throw new Error("boom");
    });
    bus.subscribe((e) => got.push(e.id));
    const err = console.error;
    console.error = () => {};
    try {
      bus.publish("faults", {});
    } finally {
      console.error = err;
    }
    expect(got).toEqual([1]);
  });

  it("streams Server-Sent Events over a real socket: the missed ones first, then live ones; unsubscribes when the client leaves", async () => {
    const bus = new EventBus();
    bus.publish("voice", { n: 1 });
    bus.publish("voice", { n: 2 });
    served = await serve(async (req) => sseResponse(bus, Number(req.headers.get("last-event-id") ?? 0)));
    const res = await fetch(served.origin, { headers: { "last-event-id": "1" } });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    setTimeout(() => bus.publish("webhook", { n: 3 }), 50);
    const events = await readEvents(res.body!, 2);
    expect(events.map((e) => [e.id, e.event, e.data.data])).toEqual([
      ["2", "voice", { n: 2 }],
      ["3", "webhook", { n: 3 }],
    ]);
    await expect.poll(() => bus.listenerCount, { timeout: 10_000 }).toBe(0);
  });
});
