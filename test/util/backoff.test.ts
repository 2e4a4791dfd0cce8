import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "../../src/util/backoff.ts";

describe("backoffDelay", () => {
  const top = () => 0.999999999;

  it("doubles the cap per attempt from baseMs (1000 by default)", () => {
    expect(backoffDelay(0, { random: top })).toBe(999);
    expect(backoffDelay(1, { random: top })).toBe(1999);
    expect(backoffDelay(5, { random: top })).toBe(31_999);
    expect(backoffDelay(3, { baseMs: 30_000, random: top })).toBe(239_999);
  });

  it("is full jitter: random 0 gives 0, random 0.5 gives half the cap", () => {
    expect(backoffDelay(4, { random: () => 0 })).toBe(0);
    expect(backoffDelay(4, { random: () => 0.5 })).toBe(8000);
  });

  it("caps at maxMs (1 h by default), even for huge attempts", () => {
    expect(backoffDelay(40, { random: top })).toBe(3_599_999);
    expect(backoffDelay(5000, { random: top })).toBe(3_599_999);
    expect(backoffDelay(10, { maxMs: 60_000, random: () => 0.5 })).toBe(30_000);
  });

  it("treats negative, fractional and NaN attempts sanely", () => {
    expect(backoffDelay(-3, { random: top })).toBe(999);
    expect(backoffDelay(Number.NaN, { random: top })).toBe(999);
    expect(backoffDelay(2.7, { random: top })).toBe(3999);
  });

  it("stays within [0, cap) when the random source misbehaves", () => {
    expect(backoffDelay(2, { random: () => 1 })).toBe(3999);
    expect(backoffDelay(2, { random: () => 7 })).toBe(3999);
    expect(backoffDelay(2, { random: () => -1 })).toBe(0);
    expect(backoffDelay(2, { random: () => Number.NaN })).toBe(0);
  });

  it("uses Math.random by default and stays in range", () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(3);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(8000);
      expect(Number.isInteger(d)).toBe(true);
    }
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);

  it("reads delay-seconds", () => {
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 7 ", now)).toBe(7000);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });

  it("reads an IMF-fixdate HTTP-date relative to now", () => {
    expect(parseRetryAfter("Mon, 01 Jan 2024 12:00:30 GMT", now)).toBe(30_000);
  });

  it("reads the obsolete RFC 850 and asctime forms", () => {
    expect(parseRetryAfter("Monday, 01-Jan-24 12:01:00 GMT", now)).toBe(60_000);
    // asctime carries no zone; HTTP says it is GMT, and workerd runs in UTC.
    expect(parseRetryAfter("Mon Jan  1 12:00:05 2024", now)).toBe(5000);
  });

  it("clamps a date in the past to 0", () => {
    expect(parseRetryAfter("Mon, 01 Jan 2024 11:00:00 GMT", now)).toBe(0);
  });

  it("returns null for absent or garbage values", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("-5", now)).toBeNull();
    expect(parseRetryAfter("12abc", now)).toBeNull();
    expect(parseRetryAfter("Foo, 99 Jan 2024 99:99:99 GMT", now)).toBeNull();
  });
});
