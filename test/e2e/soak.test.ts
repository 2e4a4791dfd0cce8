/**
 * The bounded soak inside `npm test`: fixed seeds of the randomized,
 * model-based convergence run (scripts/soak, docs/soak.md) against the real
 * stack, one stack per list store, both stores at once. A failure prints the
 * seed and the shrunk command sequence; `npm run soak -- --store <s> --seed <n>`
 * replays it.
 *
 * Bounded by its size (seeds × commands), not by the clock: each seed prints
 * one line (commands run, seconds). On a machine so busy that a seed's
 * commands take longer than {@link COMMAND_BUDGET_MS}, the run stops issuing
 * commands at the next command boundary, heals and still checks every
 * invariant on what ran; once a store has spent {@link STORE_BUDGET_MS}, its
 * remaining seeds are skipped. Both are reported, not failed. The vitest
 * limit ({@link STORE_LIMIT_MS}) only catches a stall.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STACK_START_MS, STACK_STOP_MS } from "../../scripts/lib/budgets.ts";
import { type Cmd, describeFailure, runSequence, soakSeed, startSoakStack, type SoakStack, type Store, workerErrors } from "../../scripts/soak/run.ts";

/**
 * Seeds run in CI, per store (chosen once; each is a different random sequence
 * of up to {@link COMMANDS} commands). A household run waits out the 45 s hold
 * on deletes, so two seeds there take ~55 s each on an idle machine.
 */
export const CI_SEEDS: Record<Store, number[]> = { household: [101, 102], skill: [201, 202, 203, 204] };
const STORES = (["household", "skill"] as const).filter((st) => CI_SEEDS[st].length > 0);
const COMMANDS = 20;
/** A seed's commands take ~5–30 s idle; past this the run is cut at a command boundary (then healed and checked). */
export const COMMAND_BUDGET_MS = 120_000;
/** No further seed of a store starts after this long (the first always runs). */
export const STORE_BUDGET_MS = 360_000;
/** The vitest limit per store: the budget, one more seed at its worst (commands, heal, checks, a shrink), and margin. */
export const STORE_LIMIT_MS = 900_000;

/**
 * The skill store's list-space scenarios, always (the seeds draw them only by
 * chance): two people in one space adding at once, each re-enabling and
 * re-linking mid-run, around app writes, a Worker crash and an app outage.
 */
export const SPACE_SEQUENCE: Cmd[] = [
  { t: "pAdd", list: 0, who: 0 },
  { t: "pAdd", list: 1, who: 1 },
  { t: "aCreate", list: 0, done: false, key: true, retry: true },
  { t: "pBoth", lists: [0, 0] },
  { t: "relink", who: 0 },
  { t: "pCheck", i: 1, done: true, who: 0 },
  { t: "aComplete", i: 2, key: true, retry: false },
  { t: "fApp", mode: "503", count: 2 },
  { t: "pBoth", lists: [1, 0] },
  { t: "kill" },
  { t: "relink", who: 1 },
  { t: "pDelete", i: 0, who: 1 },
  { t: "aUpdate", i: 3, key: false, retry: false },
  { t: "pBoth", lists: [0, 1] },
];

const stacks = new Map<Store, SoakStack>();

beforeAll(async () => {
  const t0 = Date.now();
  await Promise.all(STORES.map(async (st) => stacks.set(st, await startSoakStack(st))));
  console.log(`[soak] stacks started (${STORES.join(", ")}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}, STACK_START_MS);

afterAll(async () => {
  await Promise.all([...stacks.values()].map((s) => s.stop()));
}, STACK_STOP_MS);

describe.concurrent("soak: nothing lost, nothing duplicated, under faults", () => {
  for (const store of STORES) {
    it(`${store} store, seeds ${CI_SEEDS[store].join(", ")}${store === "skill" ? ", and the list-space sequence" : ""}`, async () => {
      const s = stacks.get(store)!;
      const t0 = Date.now();
      let seedsRun = 0;
      for (const seed of CI_SEEDS[store]) {
        const spent = Date.now() - t0;
        if (seedsRun > 0 && spent >= STORE_BUDGET_MS) {
          const skipped = CI_SEEDS[store].slice(seedsRun);
          console.log(`[soak] ${store}: cut short: seeds ${skipped.join(", ")} not run (the store's budget of ${STORE_BUDGET_MS / 1000} s is spent after ${Math.round(spent / 1000)} s); ${seedsRun} seed(s) checked`);
          break;
        }
        const lines: string[] = [];
        const o = await soakSeed(s, { seed, maxCommands: COMMANDS, shrinkMs: 60_000, commandBudgetMs: COMMAND_BUDGET_MS, log: (l) => lines.push(l) });
        seedsRun += 1;
        const f = o.first;
        console.log(
          `[soak] ${store} seed ${seed}: ${o.ok ? "ok" : "VIOLATION"}, ${f ? `${f.done} of ${f.commands} commands${f.cut ? " (cut short at a command boundary: the command budget ran out; invariants checked on what ran)" : ""}` : "no run"}, ${o.runs} run(s), ${(o.ms / 1000).toFixed(1)} s`,
        );
        if (f?.cut) console.log(lines.filter((l) => l.includes("cut short")).join("\n"));
        if (!o.ok) {
          console.log(lines.join("\n"));
          console.log(`--- the failing run's trace (deliveries, webhooks, Worker output; last 300 lines) ---\n${(o.trace ?? []).slice(-300).join("\n")}`);
        }
        expect(o.ok, o.ok ? "" : describeFailure(store, o)).toBe(true);
      }
      if (store === "skill") {
        const start = s.workerLog.length;
        const r = await runSequence(s, SPACE_SEQUENCE, () => {}, { commandBudgetMs: COMMAND_BUDGET_MS });
        const violations = [...r.violations, ...workerErrors(s.workerLog.slice(start)).map((l) => `Worker log: ${l}`)];
        console.log(`[soak] skill list-space sequence: ${violations.length ? "VIOLATION" : "ok"}, ${r.done} of ${r.commands} commands${r.cut ? " (cut short at a command boundary)" : ""}, ${(r.ms / 1000).toFixed(1)} s`);
        if (violations.length) console.log(`--- the space sequence's trace ---\n${(r.trace ?? []).slice(-300).join("\n")}`);
        expect(violations, `list-space sequence ${JSON.stringify(SPACE_SEQUENCE)}`).toEqual([]);
      }
      console.log(`[soak] ${store}: ${seedsRun} of ${CI_SEEDS[store].length} seeds in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }, STORE_LIMIT_MS);
  }
});
