import { afterEach, describe, expect, it, vi } from "vitest";
import { AlarmSchedule, PARTICIPANT_ERROR_RETRY_MS, type AlarmStorage } from "../../src/shared/schedule.ts";

class FakeAlarm implements AlarmStorage {
  at: number | null = null;
  async getAlarm() {
    return this.at;
  }
  async setAlarm(t: number | Date) {
    this.at = typeof t === "number" ? t : t.getTime();
  }
  async deleteAlarm() {
    this.at = null;
  }
}

afterEach(() => vi.restoreAllMocks());

describe("AlarmSchedule", () => {
  it("wakeAt keeps the earliest time", async () => {
    const storage = new FakeAlarm();
    const s = new AlarmSchedule(storage);
    await s.wakeAt(5000);
    await s.wakeAt(9000);
    expect(storage.at).toBe(5000);
    await s.wakeAt(1000);
    expect(storage.at).toBe(1000);
  });

  it("runAll runs every part and re-arms at the earliest next time, or deletes the alarm", async () => {
    const storage = new FakeAlarm();
    const s = new AlarmSchedule(storage);
    const seen: string[] = [];
    s.register({ name: "a", runDue: async (now) => (seen.push(`a@${now}`), now + 500) });
    s.register({ name: "b", runDue: async (now) => (seen.push(`b@${now}`), now + 100) });
    s.register({ name: "c", runDue: async () => null });
    await s.runAll(1000);
    expect(seen).toEqual(["a@1000", "b@1000"]);
    expect(storage.at).toBe(1100);

    const empty = new AlarmSchedule(storage);
    empty.register({ name: "idle", runDue: async () => null });
    await empty.runAll(2000);
    expect(storage.at).toBeNull();
  });

  it("a failing part is retried later and does not stop the others", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const storage = new FakeAlarm();
    const s = new AlarmSchedule(storage);
    let ran = false;
    s.register({ name: "broken", runDue: async () => Promise.reject(new Error("x")) });
    s.register({ name: "fine", runDue: async () => ((ran = true), null) });
    await s.runAll(0);
    expect(ran).toBe(true);
    expect(storage.at).toBe(PARTICIPANT_ERROR_RETRY_MS);
  });

  it("a wake-up asked for during a run is kept when the run re-arms", async () => {
    const storage = new FakeAlarm();
    const s = new AlarmSchedule(storage);
    s.register({
      name: "asks",
      runDue: async (now) => {
        await s.wakeAt(now + 10);
        return now + 1000;
      },
    });
    await s.runAll(100);
    expect(storage.at).toBe(110);
  });

  it("a time in the past arms the alarm for now", async () => {
    const storage = new FakeAlarm();
    const s = new AlarmSchedule(storage);
    s.register({ name: "late", runDue: async () => 5 });
    await s.runAll(100);
    expect(storage.at).toBe(100);
  });
});
