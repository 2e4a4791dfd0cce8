import { describe, expect, it } from "vitest";
import type { RegistryEntry } from "../../src/registry/entry.ts";
import { RegistryReporter } from "../../src/registry/reporter.ts";

const e = (over: Partial<RegistryEntry> = {}): RegistryEntry => ({ enabled: true, nextSyncAt: 1_000, nextDueAt: null, at: 0, ...over });

/** Runs `fn` with a reporter on a slot of its own (the profile column's stand-in) and a recording (or failing) write. */
async function withReporter(fn: (r: RegistryReporter, writes: (RegistryEntry | null)[], fail: { on: boolean }) => Promise<void>): Promise<void> {
  const writes: (RegistryEntry | null)[] = [];
  const fail = { on: false };
  let kept: string | null = null;
  const reporter = new RegistryReporter({ read: () => kept, write: (t) => (kept = t) }, async (_userId, entry) => {
    if (fail.on) throw new Error("shard unavailable");
    writes.push(entry);
  });
  await fn(reporter, writes, fail);
}

describe("RegistryReporter", () => {
  it("writes the first entry, then only changes that matter", async () => {
    await withReporter(async (r, writes) => {
      expect(await r.report("u", e())).toBe(true);
      expect(await r.report("u", e({ at: 5 }))).toBe(false); // same content, later computation
      expect(await r.report("u", e({ nextDueAt: 2_000, at: 6 }))).toBe(false); // due later than the sync: nothing new
      expect(await r.report("u", e({ nextDueAt: 10, at: 7 }))).toBe(true); // earlier work
      expect(await r.report("u", e({ nextDueAt: 50, at: 8 }))).toBe(false); // later: the sweep corrects it
      expect(await r.report("u", e({ enabled: false, nextSyncAt: null, at: 9 }))).toBe(true);
      expect(writes.map((w) => w?.at)).toEqual([0, 7, 9]);
      expect(r.last()).toEqual(e({ enabled: false, nextSyncAt: null, at: 9 }));
    });
  });

  it("does not remember a failed write, so the next report retries it", async () => {
    await withReporter(async (r, writes, fail) => {
      fail.on = true;
      expect(await r.report("u", e())).toBe(false);
      expect(r.last()).toBeNull();
      fail.on = false;
      expect(await r.report("u", e({ at: 1 }))).toBe(true);
      expect(writes).toHaveLength(1);
    });
  });

  it("remember() records what a sweep answered; forget() removes the user", async () => {
    await withReporter(async (r, writes) => {
      r.remember(e({ nextDueAt: 5 }));
      expect(await r.report("u", e({ nextDueAt: 5, at: 3 }))).toBe(false);
      await r.forget("u");
      expect(writes).toEqual([null]);
      expect(r.last()).toBeNull();
    });
  });
});
