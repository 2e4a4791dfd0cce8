/**
 * @module bench/run
 * `npm run bench`: runs every benchmark section in turn and rewrites
 * BENCHMARKS.md from what this run measured. A section whose subject has not
 * landed, or that fails, is written as "not measured: <reason>"; nothing in
 * the file is ever copied from a previous run or typed in by hand.
 *
 * Environment: BENCH_RUNS (runs per measurement, default 5),
 * BENCH_ONLY (comma-separated section keys: verify-node, verify-workerd, e2e,
 * outbound, size, voice-worst, mcp, cost) to run a subset while developing — a subset run prints its
 * report and leaves BENCHMARKS.md alone, unless BENCH_WRITE=1: then the
 * sections it ran replace theirs in BENCHMARKS.md (and their target rows), the
 * rest of the file stays as the last full run wrote it. BENCH_E2E_SCENARIOS (comma-separated:
 * floorEntry, floor, message, list, forgery, intentAdd, intentRead) runs only
 * those rows of section 2 (the floor is always run). BENCH_WORKER_LOG=1 prints the
 * Worker's console output during sections 2–3 (otherwise only counted).
 */
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./lib/machine.ts";
import { notMeasured, renderReport, spliceSections, table, type SectionResult } from "./lib/report.ts";
import { measureSize } from "./size.ts";
import { benchNodeVerification } from "./verify/node.ts";
import { benchWorkerdVerification } from "./verify/workerd.ts";
import { benchEndToEnd } from "./e2e/index.ts";
import { benchOutbound } from "./outbound/index.ts";
import { benchCost } from "./cost.ts";
import { benchVoiceWorst, TARGET_MS as VOICE_TARGET_MS } from "./voice/worst.ts";
import { benchMcp } from "./mcp/index.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const runs = Number(process.env.BENCH_RUNS ?? 5);
const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`usage: npm run bench [-- --help]
  Measures everything on this machine (several minutes) and rewrites BENCHMARKS.md.
  BENCH_RUNS=N        runs per measurement (default 5)
  BENCH_ONLY=a,b      only these sections (verify-node, verify-workerd, e2e, outbound, size, voice-worst, mcp, cost);
                      a subset prints its report and leaves BENCHMARKS.md alone
  BENCH_WRITE=1       with BENCH_ONLY: write those sections into BENCHMARKS.md in place
  e.g. BENCH_ONLY=size npm run bench        BENCH_ONLY=verify-node BENCH_RUNS=2 npm run bench`);
  process.exit(0);
}

interface Entry {
  key: string;
  title: string;
  targets: string[];
  run: () => Promise<SectionResult>;
}

const VERIFY_TARGETS = (rt: string) => [
  `${rt}: hot path within 1.5× of bare verify`,
  `${rt}: cold path faster than ask-sdk's`,
  `${rt}: rejections cheaper than a hot-path verify, no download`,
];

const sections: Entry[] = [
  {
    key: "verify-node",
    title: "1a. Verification in Node",
    targets: VERIFY_TARGETS("Node"),
    run: () => benchNodeVerification(root, { runs }),
  },
  {
    key: "verify-workerd",
    title: "1b. Verification in workerd",
    targets: VERIFY_TARGETS("workerd"),
    run: () => benchWorkerdVerification(root, { runs }),
  },
  {
    key: "e2e",
    title: "2. The Worker end to end on workerd",
    targets: [
      "E2E: p99 under 50 ms at 200 connections, zero errors",
      "E2E duplicate suppression under load",
      "E2E IntentRequest add and read: workerd CPU per request at most Messaging.MessageReceived's",
    ],
    run: () => benchEndToEnd(root, { runs }),
  },
  {
    key: "outbound",
    title: "3. Outbound request counts",
    targets: ["1 token request for 10,000 messages (50 in flight)", "1 List API write for 100 identical deliveries"],
    run: () => benchOutbound(root),
  },
  {
    key: "size",
    title: "4. Size of the deployable Worker",
    targets: ["Worker gzip size under the 3 MiB free-plan limit"],
    run: () => measureSize(root),
  },
  {
    key: "voice-worst",
    title: "5. The worst voice turn",
    targets: [`Worst-case voice turn (longest accepted slot value, 100 lists × 500 items): at most ${VOICE_TARGET_MS} ms CPU`],
    run: () => benchVoiceWorst({ runs }),
  },
  {
    key: "mcp",
    title: "6. The MCP endpoint (Alexa+)",
    targets: [
      "MCP tools/call add_items (one new item): p99 under Alexa+'s 500 ms at 1 and 20 connections, no errors",
      "MCP tools/call read_list (20 items): p99 under Alexa+'s 500 ms at 1 and 20 connections, no errors",
    ],
    run: () => benchMcp(root, { runs }),
  },
  {
    key: "cost",
    title: "7. Cost per operation",
    targets: [
      "Cost: a voice read writes 0 rows",
      "Cost: a voice add of one item writes at most 5 rows, webhook queue included",
      "Cost: a cold start of an existing object runs at most 2 statements before it serves",
      "Cost: a new user writes at most 25 rows",
      "Cost: an empty user's database stays under 40 KB",
    ],
    run: () => benchCost(root),
  },
];

const METHOD = `
Generated by \`npm run bench\` (bench/run.ts); do not edit by hand — rerun it.
Every number below was measured by the run that wrote this file; a piece that
could not be measured says "not measured" and why.

- **Medians of several runs.** Each measurement is repeated ${runs} times (after a
  discarded warm-up run) and the median is quoted, with the min–max range.
- **Ratios in the same run.** Comparisons (×) are ratios of two measurements
  taken back to back in the same run, summarised by their median; these 2-core
  machines are noisy, and an absolute number from another day is not comparable.
- **No timing assertions in tests.** Only the statistics helpers are unit-tested
  (test/node/bench/); speed lives here.
- **Shared machine.** Each section notes the load average when it started: other
  work on the machine (e.g. a test run) slows everything, which ratios absorb
  better than absolute times.
- **Nothing leaves the machine.** Certificate downloads, the Login-with-Amazon
  token endpoint, the Skill Messaging API and the List Management API are local
  stub servers on 127.0.0.1 that count the requests they receive.
`;

async function main(): Promise<void> {
  const started = Date.now();
  const m = machineInfo(root);
  const results: [string, SectionResult][] = [];
  let failures = 0;
  for (const s of sections) {
    if (only && !only.includes(s.key)) continue;
    const t0 = Date.now();
    const load = os.loadavg()[0]!.toFixed(2);
    process.stderr.write(`bench: ${s.title} …\n`);
    let r: SectionResult;
    try {
      r = await s.run();
    } catch (err) {
      failures++;
      const msg = err instanceof Error ? err.message.split("\n")[0]! : String(err);
      process.stderr.write(`bench: ${s.title} failed: ${err instanceof Error ? (err.stack ?? msg) : msg}\n`);
      r = notMeasured(`the benchmark failed: ${msg}`, s.targets);
    }
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    process.stderr.write(`bench: ${s.title} done in ${secs} s\n`);
    const foot = `_Section time: ${secs} s; 1-minute load average when it started: ${load} on ${os.cpus().length} cores._`;
    results.push([s.title, { ...r, markdown: `${r.markdown.trim()}\n\n${foot}` }]);
  }
  const total = ((Date.now() - started) / 1000).toFixed(0);
  const header = [
    "# Benchmarks",
    "",
    METHOD.trim(),
    "",
    table(
      ["Machine", ""],
      [
        ["Run at", new Date(started).toISOString()],
        ["Cores", String(m.cores)],
        ["CPU", m.cpuModel],
        ["Memory", `${m.memoryGiB} GiB`],
        ["Kernel", m.kernel],
        ["Node", m.node],
        ["workerd", m.workerd],
        ["wrangler", m.wrangler],
        ["Total bench time", `${total} s`],
      ],
    ),
  ].join("\n");
  const report = renderReport({ header, sections: results });
  if (only && process.env.BENCH_WRITE === "1") {
    const file = path.join(root, "BENCHMARKS.md");
    await writeFile(file, spliceSections(await readFile(file, "utf8"), results));
    process.stderr.write(`bench: wrote ${results.length} section(s) into BENCHMARKS.md\n`);
  } else if (only) {
    process.stdout.write(report);
  } else {
    await writeFile(path.join(root, "BENCHMARKS.md"), report);
    process.stderr.write(`bench: wrote BENCHMARKS.md in ${total} s\n`);
  }
  if (failures > 0) process.exitCode = 1;
}

await main();
