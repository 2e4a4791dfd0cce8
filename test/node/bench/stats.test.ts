import { describe, expect, it } from "vitest";
import { median, pairedRatio, percentile, ratio, summarize } from "../../../bench/lib/stats.ts";

describe("median", () => {
  it("takes the middle value of an odd sample regardless of order", () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  it("averages the two middle values of an even sample", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("does not reorder its input", () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
  it("rejects an empty sample", () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted

  it("p50 and p99 of 1..100 are 50 and 99", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
  });
  it("p100 is the maximum and p0 the minimum", () => {
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
  });
  it("always returns an observed value", () => {
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
  });
  it("one outlier in 100 shows at p100 but not at p99", () => {
    const xs = [...Array.from({ length: 99 }, () => 1), 1000];
    expect(percentile(xs, 99)).toBe(1);
    expect(percentile(xs, 100)).toBe(1000);
  });
  it("rejects out-of-range p and empty samples", () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});

describe("ratio", () => {
  it("divides", () => {
    expect(ratio(150, 100)).toBe(1.5);
  });
  it("refuses zero and non-finite denominators or numerators", () => {
    expect(() => ratio(1, 0)).toThrow(RangeError);
    expect(() => ratio(1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => ratio(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe("summarize / pairedRatio", () => {
  it("summarises runs by median, min and max", () => {
    expect(summarize([12, 10, 11, 50])).toEqual({ median: 11.5, min: 10, max: 50, runs: 4 });
  });
  it("takes the ratio inside each run before the median", () => {
    // Run 2 is ten times slower for both series: its ratio is still 2.
    expect(pairedRatio([20, 200, 22], [10, 100, 11]).median).toBe(2);
    // One run where only `a` was slowed: the median of per-run ratios ignores it.
    expect(pairedRatio([20, 90, 22], [10, 10, 11]).median).toBe(2);
  });
  it("refuses series of different lengths", () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedRatio([], [])).toThrow(RangeError);
  });
});
