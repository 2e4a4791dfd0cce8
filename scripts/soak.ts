/**
 * `npm run soak -- --minutes M [--seed S] [--path P] [--store skill|household] [--commands N] [--command-budget SECONDS]`
 *
 * Randomized, model-based convergence test of the whole stack under faults
 * (docs/soak.md). Runs seeded command sequences one after another, seeds S,
 * S+1, … (S random when not given), on both stores unless `--store` picks one,
 * until M minutes have passed; exits 1 on the first violation, after shrinking
 * it, printing the seed and the shortest failing sequence. `--seed S` alone
 * (without `--minutes`) replays that one sequence; `--path P` replays the
 * shrunk one fast-check reported.
 */
import { parseArgs } from "node:util";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Cmd, describeFailure, runSequence, soakSeed, startSoakStack, type SoakStack, type Store, workerErrors } from "./soak/run.ts";

const USAGE = `usage: npm run soak -- [--minutes M] [--seed S] [--store skill|household] [--commands N]
                      [--shrink-minutes M] [--command-budget SECONDS] [--replay '<json>'|file] [--quiet]
  --minutes M     run seeded sequences for M minutes (default 5; with --seed alone: replay that seed once)
  --seed S        the first seed (default: random); printed on every failure
  --store         one store only (default: both)
  --commands N    commands per sequence (default 25)
  --command-budget SECONDS
                  stop issuing a sequence's commands after this long, then heal and check what ran (default: none)
  --replay        run exactly this command sequence (as printed by a failure)
Exits 1 on the first violation, after shrinking it (docs/soak.md).`;

function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      minutes: { type: "string" },
      seed: { type: "string" },
      path: { type: "string" },
      store: { type: "string" },
      commands: { type: "string", default: "25" },
      "shrink-minutes": { type: "string", default: "10" },
      "command-budget": { type: "string" },
      quiet: { type: "boolean", default: false },
      replay: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (e) {
  usageError(e instanceof Error ? e.message : String(e));
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
for (const [name, v] of [["minutes", values.minutes], ["seed", values.seed], ["commands", values.commands], ["shrink-minutes", values["shrink-minutes"]], ["command-budget", values["command-budget"]]] as const) {
  if (v !== undefined && !Number.isFinite(Number(v))) usageError(`--${name} must be a number, got ${v}`);
}

const stores: Store[] = values.store === undefined ? ["household", "skill"] : [values.store as Store];
for (const st of stores) if (st !== "skill" && st !== "household") usageError(`--store must be skill or household, not ${st}`);
const replay = values.seed !== undefined && values.minutes === undefined;
const minutes = Number(values.minutes ?? (replay ? "0" : "5"));
const firstSeed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const budget = values["command-budget"] !== undefined ? { commandBudgetMs: Number(values["command-budget"]) * 1000 } : {};
const log = (line: string): void => {
  if (!values.quiet) console.log(line);
};

const stacks = new Map<Store, SoakStack>();
let exit = 0;
try {
  for (const st of stores) {
    log(`starting the stack (${st})…`);
    stacks.set(st, await startSoakStack(st));
  }
  if (values.replay !== undefined) {
    // `--replay '<json>'` or `--replay file.json`: exactly that command sequence, once per store.
    const text = existsSync(values.replay) ? readFileSync(values.replay, "utf8") : values.replay;
    const cmds = JSON.parse(text) as Cmd[];
    for (const st of stores) {
      const s = stacks.get(st)!;
      const from = s.workerLog.length;
      const r = await runSequence(s, cmds, (l) => log(`[${st}] ${l}`), budget);
      const violations = [...r.violations, ...workerErrors(s.workerLog.slice(from)).map((e) => `Worker log: ${e}`)];
      for (const x of violations) console.error(`  - ${x}`);
      if (violations.length) {
        const file = join(tmpdir(), `alb-soak-${st}-replay-trace.log`);
        writeFileSync(file, `${[...(r.trace ?? []), "--- the Worker's output during the run ---", ...s.workerLog.slice(from)].join("\n")}\n`);
        console.error(`[soak] the run's trace: ${file}`);
      }
      console.log(`[soak] replay on ${st}: ${violations.length ? `${violations.length} violation(s)` : "ok"}`);
      if (violations.length) exit = 1;
    }
  }
  const deadline = Date.now() + minutes * 60_000;
  let seed = firstSeed;
  let done = 0;
  outer: do {
    if (values.replay !== undefined) break;
    for (const st of stores) {
      const s = stacks.get(st)!;
      console.log(`[soak] store ${st}, seed ${seed}${values.path ? `, path ${values.path}` : ""}`);
      const o = await soakSeed(s, {
        seed,
        ...(values.path ? { path: values.path } : {}),
        maxCommands: Number(values.commands),
        shrinkMs: Number(values["shrink-minutes"]) * 60_000,
        ...budget,
        log: (l) => log(`[${st}] ${l}`),
      });
      done += 1;
      if (!o.ok) {
        console.error(describeFailure(st, o));
        // The last failing run's deliveries, webhooks and Worker output, for reading around the failure.
        const file = join(tmpdir(), `alb-soak-${st}-${seed}-trace.log`);
        writeFileSync(file, `${(o.trace ?? []).join("\n")}\n`);
        console.error(`[soak] the failing run's trace: ${file}`);
        exit = 1;
        break outer;
      }
      const f = o.first;
      console.log(`[soak] store ${st}, seed ${seed}: ok, ${f ? `${f.done} of ${f.commands} commands${f.cut ? " (cut short)" : ""}` : "no run"}, ${Math.round(o.ms / 1000)} s`);
    }
    seed += 1;
  } while (!replay && Date.now() < deadline);
  if (exit === 0) console.log(`[soak] ${done} sequence(s) passed, seeds ${firstSeed}…${replay ? seed : seed - 1}`);
} finally {
  await Promise.all([...stacks.values()].map((s) => s.stop()));
}
process.exit(exit);
