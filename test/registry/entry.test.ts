import { describe, expect, it } from "vitest";
import { needsReport, nextSyncAt, syncIntervalMs, wakeAtOf, type RegistryEntry } from "../../src/registry/entry.ts";

const e = (over: Partial<RegistryEntry> = {}): RegistryEntry => ({ enabled: true, nextSyncAt: 1_000, nextDueAt: null, at: 0, ...over });

describe("wakeAtOf", () => {
  it("is the earlier of outbox work and the next sync; a disabled user's sync does not count", () => {
    expect(wakeAtOf(e({ nextDueAt: 500 }))).toBe(500);
    expect(wakeAtOf(e({ nextDueAt: 5_000 }))).toBe(1_000);
    expect(wakeAtOf(e())).toBe(1_000);
    expect(wakeAtOf(e({ enabled: false }))).toBeNull();
    expect(wakeAtOf(e({ enabled: false, nextDueAt: 7 }))).toBe(7);
  });
});

describe("needsReport", () => {
  it("reports the first entry and any change of enabled or next sync", () => {
    expect(needsReport(null, e())).toBe(true);
    expect(needsReport(e(), e({ enabled: false }))).toBe(true);
    expect(needsReport(e(), e({ nextSyncAt: 2_000 }))).toBe(true);
  });

  it("reports work that became due earlier, but not work that moved later or went away", () => {
    expect(needsReport(e(), e({ nextDueAt: 10 }))).toBe(true);
    expect(needsReport(e({ nextDueAt: 10 }), e({ nextDueAt: 20 }))).toBe(false);
    expect(needsReport(e({ nextDueAt: 10 }), e({ nextDueAt: null }))).toBe(false);
    expect(needsReport(e({ nextDueAt: 10 }), e({ nextDueAt: 10, at: 99 }))).toBe(false);
    expect(needsReport(e({ enabled: false, nextSyncAt: null }), e({ enabled: false, nextSyncAt: null, nextDueAt: 3 }))).toBe(true);
  });
});

describe("nextSyncAt", () => {
  it("is one interval after the later of the last full sync and the last sync queued", () => {
    expect(nextSyncAt(1_000, null, 100)).toBe(1_100);
    expect(nextSyncAt(1_000, 2_000, 100)).toBe(2_100);
    expect(nextSyncAt(3_000, 2_000, 100)).toBe(3_100);
  });

  it("is due at once for a user never synced", () => {
    expect(nextSyncAt(null, null, 100)).toBe(0);
  });
});

describe("syncIntervalMs", () => {
  it("reads seconds, defaults to a day, and refuses nonsense or too-short intervals", () => {
    expect(syncIntervalMs("3600")).toBe(3_600_000);
    expect(syncIntervalMs(undefined)).toBe(86_400_000);
    expect(syncIntervalMs("")).toBe(86_400_000);
    expect(syncIntervalMs("soon")).toBe(86_400_000);
    expect(syncIntervalMs("10")).toBe(86_400_000);
    expect(syncIntervalMs("-5")).toBe(86_400_000);
  });
});
