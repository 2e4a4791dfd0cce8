import { describe, expect, it } from "vitest";
import { ALEXA_RETRY, EVENT_RETRY_WINDOW_MS, nextAttemptAt, retryDelay, retryOffsets } from "../../../emulator/retry.ts";

describe("Alexa's retry schedule", () => {
  it("starts at 30 s and doubles, capped at 30 min", () => {
    expect([1, 2, 3, 6, 7, 20].map((n) => retryDelay(n, ALEXA_RETRY) / 1000)).toEqual([30, 60, 120, 960, 1800, 1800]);
  });

  it("retries events for at most one hour after the first attempt", () => {
    expect(retryOffsets(ALEXA_RETRY, EVENT_RETRY_WINDOW_MS).map((ms) => ms / 1000)).toEqual([0, 30, 90, 210, 450, 930, 1890]);
  });

  it("gives up when the next attempt would fall outside the window", () => {
    const t0 = 1_000_000;
    expect(nextAttemptAt(1, t0, t0 + 10, { baseMs: 100, maxDelayMs: 1000 }, 200)).toBe(t0 + 110);
    expect(nextAttemptAt(2, t0, t0 + 150, { baseMs: 100, maxDelayMs: 1000 }, 200)).toBeNull();
  });

  it("scales down for tests", () => {
    expect(retryOffsets({ baseMs: 10, maxDelayMs: 40 }, 200)).toEqual([0, 10, 30, 70, 110, 150, 190]);
  });
});
