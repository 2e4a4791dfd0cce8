import { describe, expect, it } from "vitest";
import { REGISTRY_SHARDS, fnv1a, shardName, shardOf } from "../../src/registry/shards.ts";

describe("shardOf", () => {
  it("is FNV-1a (published test vectors) modulo the shard count", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
    expect(shardOf("foobar")).toBe(0xbf9cf968 % REGISTRY_SHARDS);
  });

  it("spreads Alexa-like user ids evenly over the shards", () => {
    const counts = new Array<number>(REGISTRY_SHARDS).fill(0);
    const users = 64_000;
    for (let i = 0; i < users; i++) counts[shardOf(`amzn1.ask.account.AE${(i * 2654435761).toString(36).toUpperCase()}${i}`)]!++;
    const mean = users / REGISTRY_SHARDS;
    expect(Math.min(...counts)).toBeGreaterThan(mean * 0.85);
    expect(Math.max(...counts)).toBeLessThan(mean * 1.15);
  });

  it("names shards shard-<i>", () => {
    expect(shardName(7)).toBe("shard-7");
  });
});
