import { describe, expect, it } from "vitest";
import { type EndpointFaultSpec, FaultBook, parseDeliveryFault, parseEndpointFault } from "../../../emulator/faults.ts";

describe("FaultBook", () => {
  it("a counted rule applies to exactly that many matching requests", () => {
    const book = new FaultBook<EndpointFaultSpec>(() => 0);
    book.add({ api: "lists", mode: "429", count: 2 });
    expect(book.take((f) => f.api === "messaging")).toBeNull();
    expect(book.take((f) => f.api === "lists")?.remaining).toBe(1);
    expect(book.take((f) => f.api === "lists")?.remaining).toBe(0);
    expect(book.take((f) => f.api === "lists")).toBeNull();
    expect(book.list()).toEqual([]);
  });

  it("a timed rule ends when its duration has passed", () => {
    const clock = { t: 1000 };
    const book = new FaultBook<EndpointFaultSpec>(() => clock.t);
    const f = book.add({ api: "lwa", mode: "500", durationMs: 500 });
    expect(f.until).toBe(new Date(1500).toISOString());
    clock.t = 1499;
    expect(book.take(() => true)?.id).toBe(f.id);
    clock.t = 1500;
    expect(book.take(() => true)).toBeNull();
  });

  it("an open-ended rule lasts until removed; rules apply in the order added", () => {
    const book = new FaultBook<EndpointFaultSpec>(() => 0);
    const a = book.add({ api: "lists", mode: "hang" });
    book.add({ api: "lists", mode: "500" });
    for (let i = 0; i < 5; i++) expect(book.take(() => true)?.mode).toBe("hang");
    expect(book.remove(a.id)).toBe(true);
    expect(book.remove(a.id)).toBe(false);
    expect(book.take(() => true)?.mode).toBe("500");
    book.clear();
    expect(book.take(() => true)).toBeNull();
  });
});

describe("fault specs from JSON", () => {
  it("accepts valid endpoint faults and explains invalid ones", () => {
    expect(parseEndpointFault({ api: "lists", mode: "429", count: 3, retryAfterSeconds: 2 })).toEqual({
      api: "lists",
      mode: "429",
      count: 3,
      retryAfterSeconds: 2,
    });
    expect(parseEndpointFault({ api: "s3", mode: "500" })).toMatch(/api/);
    expect(parseEndpointFault({ api: "lists", mode: "404" })).toMatch(/mode/);
    expect(parseEndpointFault({ api: "lists", mode: "500", count: -1 })).toMatch(/count/);
  });

  it("accepts valid delivery faults and explains invalid ones", () => {
    expect(parseDeliveryFault({ mode: "duplicate", concurrent: true, match: "Messaging" })).toEqual({
      mode: "duplicate",
      concurrent: true,
      match: "Messaging",
    });
    expect(parseDeliveryFault({ mode: "reorder", batch: 1 })).toEqual({ mode: "reorder", batch: 2 });
    expect(parseDeliveryFault({ mode: "lose" })).toMatch(/mode/);
    expect(parseDeliveryFault({ mode: "delay", delayMs: "soon" })).toMatch(/delayMs/);
  });
});
