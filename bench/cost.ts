/**
 * @module bench/cost
 * The "Cost per operation" section (bench/run.ts): what each operation
 * costs on Cloudflare. The counts come from the cost tests
 * (test/cost/*.test.ts, run here with vitest's JSON reporter):
 * each test measures one operation with the meter of test/cost/meter.ts and
 * attaches the counts to its `meta`, so the bench and the regression bounds
 * read the very same measurement. Counts are exact and the same on every run;
 * prices are Cloudflare's published Paid-plan prices (constants below, with
 * the page and the date they were taken).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fmt, fmtBytes, table, type SectionResult, type TargetCheck } from "./lib/report.ts";
import { runChild } from "./lib/run-child.ts";
import type { Cost } from "../test/cost/cost-types.ts";

/** https://developers.cloudflare.com/durable-objects/platform/pricing/ (Workers Paid), taken 2026-12-07. */
export const PRICES = {
  source: "https://developers.cloudflare.com/durable-objects/platform/pricing/",
  taken: "2026-12-07",
  rowsWrittenPerMillion: 1.0,
  rowsWrittenIncludedPerMonth: 50e6,
  rowsReadPerMillion: 0.001,
  rowsReadIncludedPerMonth: 25e9,
  requestsPerMillion: 0.15,
  requestsIncludedPerMonth: 1e6,
  gbSecondsPerMillion: 12.5,
  gbSecondsIncludedPerMonth: 400_000,
  freeRowsWrittenPerDay: 100_000,
  freeRowsReadPerDay: 5e6,
} as const;

/** A storage row of the cost tests: `label` names a user who never used the lists (no space). */
interface Storage {
  items: number;
  bytes: number;
  label?: string;
}
interface Row {
  name: string;
  store: string;
  cost: Cost;
  ms?: number;
}

/** The cost tests' results: one row per operation, and the storage rows. */
async function runCostTests(root: string): Promise<{ rows: Row[]; storage: Storage[] }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-cost-"));
  const out = path.join(dir, "report.json");
  try {
    const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
    await runChild(process.execPath, [vitest, "run", "test/cost", "--reporter=json", `--outputFile=${out}`], {
      cwd: root,
      env: { ...process.env, CI: "" },
    });
    const report = JSON.parse(await readFile(out, "utf8")) as {
      testResults: { name: string; assertionResults: { title: string; status: string; meta?: { cost?: Cost; ms?: number; storage?: Storage } }[] }[];
    };
    const rows: Row[] = [];
    const storage: Storage[] = [];
    for (const file of report.testResults) {
      const store = file.name.endsWith(".skill.test.ts") ? "skill" : "household";
      for (const a of file.assertionResults) {
        if (a.meta?.cost) rows.push({ name: a.title, store, cost: a.meta.cost, ...(a.meta.ms === undefined ? {} : { ms: a.meta.ms }) });
        if (a.meta?.storage) storage.push(a.meta.storage);
      }
    }
    return { rows, storage };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The constructor's statements: those before the first one that is not a schema-version check. */
function startStatements(c: Cost): number {
  const i = c.log.findIndex(([, q]) => !q.includes("schema_version"));
  return i < 0 ? c.log.length : i;
}

/** Billed rows written by an operation, as text. */
function rowsOf(r: Row | undefined): string {
  return r ? String(r.cost.billedRowsWritten) : "(not measured)";
}

/** Rows written by the schema's creation (DDL and the version row) in an operation, as text. */
function ddlRows(r: Row | undefined): string {
  if (!r) return "(not measured)";
  return String(r.cost.log.filter(([, q]) => /^\s*(CREATE|INSERT INTO schema_version)/i.test(q)).reduce((n, [, , , w]) => n + w, 0));
}

/** The empty user: one who enabled the skill and never used the lists (else the first with 0 items). */
function emptyUser(storage: Storage[]): Storage | undefined {
  return storage.find((s) => s.label !== undefined) ?? storage.find((s) => s.items === 0);
}

/** The user with 0 items after its first voice turn (its object and its space). */
function firstUse(storage: Storage[]): Storage | undefined {
  return storage.find((s) => s.items === 0 && s.label === undefined);
}

/** What 1,000 users' databases cost a month at $0.20/GB-month, as text. */
function storagePer1000(s: Storage | undefined): string {
  return s ? usd(((s.bytes * 1000) / 1e9) * 0.2) : "(not measured)";
}

/** Pages of a database, as text. */
function pages(s: Storage | undefined): string {
  return s ? String(s.bytes / 4096) : "(not measured)";
}

/**
 * What a webhook send costs in object duration when the object awaits it (a
 * fetch in \`waitUntil\` keeps the object active and billed since compatibility
 * date 2026-10-01), against a voice add's own time and rows.
 */
function durationNote(addMs: number | null, addRows: number | null): string {
  const gb = 0.128;
  const perM = (seconds: number) => gb * seconds * 1e6 * (PRICES.gbSecondsPerMillion / 1e6);
  const sends = [0.05, 0.2, 1, 5].map((t) => `${t * 1000} ms: ${fmt(gb * t)} GB-s, ${usd(perM(t))}/M sends`);
  const own = addMs === null ? "" : ` A voice add's own handling (measured above, ${fmt(addMs)} ms) is ${fmt(gb * addMs / 1000)} GB-s, ${usd(perM(addMs / 1000))}/M.`;
  const rows = addRows === null ? "" : ` Its rows written cost ${usd(addRows * PRICES.rowsWrittenPerMillion)}/M.`;
  return `**Duration of a webhook send.** An object is billed 128 MB × the wall time it is active, and a fetch awaited
in its \`waitUntil\` keeps it active. A send takes what the app takes (not measured here: the tests' app answers
in-process; a reasoned range, an app on the internet typically 50–500 ms, and the bridge gives up at 5 s,
WEBHOOK_TIMEOUT_MS): ${sends.join("; ")} (at $${PRICES.gbSecondsPerMillion}/M GB-s beyond the included 400,000 GB-s).${own}${rows}
Sending elsewhere: from the Worker, waiting on a fetch costs no CPU time (Workers bill CPU), but the object still has
to hand each webhook over (an RPC, $0.15/M) and be told of the outcome to delete its durable row (another call and the
same row write), and ordering per user (only the oldest undelivered row is ever sent) would need that round trip for
every webhook; a Queue costs $0.40/M operations (send, read, delete: about $1.20/M webhooks) on top of the row the
object must still write before Alexa's 200. **Chosen: keep sending from the object.** With an app answering within
~200 ms the send adds ${usd(perM(0.2))}/M, small beside the ${rows ? "rows" : "rows written"} of the change that caused it; only
an app that answers at the 5 s timeout (${usd(perM(5))}/M) costs about as much as those rows, and the backoff keeps such
an app from being tried often.`;
}

const usd = (n: number) => (n >= 1 ? `$${n.toFixed(2)}` : `$${n.toPrecision(2)}`);

/**
 * Runs the cost tests and renders the section.
 * @example const r = await benchCost(root);
 */
export async function benchCost(root: string): Promise<SectionResult> {
  const { rows, storage } = await runCostTests(root);
  if (rows.length === 0) throw new Error("the cost tests reported no measurement");
  const find_ = (prefix: string) => rows.find((r) => r.name.startsWith(prefix));
  const byClass = (c: Cost) =>
    Object.entries(c.byClass)
      .map(([k, v]) => `${k} ${v.statements}/${v.rowsRead}/${v.rowsWritten}${v.setAlarm ? `+${v.setAlarm}⏰` : ""}`)
      .join("; ");
  const counts = table(
    ["Operation", "Store", "SQL statements", "Rows read", "Rows written (SQL)", "setAlarm", "Billed rows written", "DO calls", "KV r/w", "Fetches", "Per object: statements/read/written", "ms per request (isolate wall time, not CPU)"],
    rows.map((r) => [
      r.name,
      r.store,
      String(r.cost.statements),
      String(r.cost.rowsRead),
      String(r.cost.rowsWritten),
      String(r.cost.setAlarm),
      String(r.cost.billedRowsWritten),
      String(r.cost.calls),
      `${r.cost.kvReads}/${r.cost.kvWrites}`,
      String(r.cost.fetches),
      byClass(r.cost),
      r.ms === undefined ? "—" : fmt(r.ms),
    ]),
  );

  const prices = table(
    ["Operation", "Rows written $/M ops", "Rows read $/M ops", "DO requests $/M ops", "Total $/M ops (beyond the included)", "Per day on Free (100,000 rows written)", "Per day on Free (5M rows read)"],
    rows.map((r) => {
      const w = r.cost.billedRowsWritten * PRICES.rowsWrittenPerMillion;
      const rd = r.cost.rowsRead * PRICES.rowsReadPerMillion;
      // An alarm run is an invocation of the object, billed as a request like an RPC call.
      const requests = (r.cost.calls + (r.name.includes("(alarm") ? 1 : 0)) * PRICES.requestsPerMillion;
      const perDay = r.cost.billedRowsWritten === 0 ? "unlimited by writes" : Math.floor(PRICES.freeRowsWrittenPerDay / r.cost.billedRowsWritten).toLocaleString("en-US");
      const perDayRead = r.cost.rowsRead === 0 ? "unlimited by reads" : Math.floor(PRICES.freeRowsReadPerDay / r.cost.rowsRead).toLocaleString("en-US");
      return [r.name, usd(w), usd(rd), usd(requests), usd(w + rd + requests), perDay, perDayRead];
    }),
  );

  const sizes = table(
    ["User", "databaseSize", "Pages (4 KiB)"],
    [...storage]
      .sort((a, b) => (a.label !== undefined ? -1 : b.label !== undefined ? 1 : a.items - b.items))
      .map((s) => [s.label ?? `${s.items} items on the list (its object and its space)`, fmtBytes(s.bytes), String(s.bytes / 4096)]),
  );

  const add = find_("voice add, 1 item");
  const duration = durationNote(add?.ms ?? null, add?.cost.billedRowsWritten ?? null);
  const cpu = rows.filter((r) => r.ms !== undefined).map((r) => `${r.name}: ${fmt(r.ms!)} ms`);

  const find = find_;
  const targets: TargetCheck[] = [];
  const judge = (target: string, r: Row | undefined, value: (r: Row) => number, max: number, unit: string, note = "") => {
    targets.push(
      r
        ? { target, measured: `${value(r)} ${unit}${note}`, met: value(r) <= max }
        : { target, measured: "not measured: no such operation in the cost tests", met: null },
    );
  };
  judge("Cost: a voice read writes 0 rows", find("voice read"), (r) => r.cost.billedRowsWritten, 0, "rows written");
  judge("Cost: a REST read (GET lists) writes 0 rows", find("REST GET lists"), (r) => r.cost.billedRowsWritten, 0, "rows written");
  judge(
    "Cost: a voice add of one item writes at most 5 rows, webhook queue included",
    find("voice add, 1 item"),
    (r) => r.cost.billedRowsWritten,
    5,
    "rows written",
    " (its webhook's delivery included; see the notes for the trade-off)",
  );
  judge("Cost: a cold start of an existing object runs at most 2 statements before it serves", find("cold start"), (r) => startStatements(r.cost), 2, "statements");
  judge("Cost: a new user writes at most 25 rows", find("new user (SkillEnabled)"), (r) => r.cost.billedRowsWritten, 25, "rows written");
  const empty = emptyUser(storage);
  targets.push(
    empty
      ? { target: "Cost: an empty user's database stays under 40 KB", measured: fmtBytes(empty.bytes), met: empty.bytes < 40 * 1024 }
      : { target: "Cost: an empty user's database stays under 40 KB", measured: "not measured", met: null },
  );

  const markdown = `
_Measured ${new Date().toISOString()} (this section can be rewritten alone: \`BENCH_ONLY=cost BENCH_WRITE=1 npm run bench\`)._

Exact counts per operation, measured by the cost tests (\`test/cost/*.test.ts\`, also \`npm test\`, where the same
counts are upper bounds) with a meter that wraps workerd's \`SqlStorage.exec\` (summing each cursor's
\`rowsRead\`/\`rowsWritten\`, which count every index entry), \`setAlarm()\`, the stubs of every Durable Object namespace,
KV and \`fetch\` (test/cost/meter.ts). Each operation runs on a user in steady state (lists exist, objects warm unless
the row says otherwise), through the Worker's dispatch (Alexa requests, after signature verification, which touches no
storage) or its fetch (REST), and includes the background work it causes (webhook sends, the registry report).
"Billed rows written" is SQL rows written plus \`setAlarm()\` calls (each billed as a row written). The same on every run.
An alarm an operation arms is counted (its \`setAlarm\`), the alarm's later run is not (the tests' clock is far from
real time, so it does not fire): an alarm run costs what the "webhook … (alarm)" rows show, e.g. a REST create arms one
for now (the outbox's backstop) that runs once after it.

${counts}

**Price per million operations** at Cloudflare's Workers Paid prices for Durable Objects (${PRICES.source}, taken
${PRICES.taken}): rows written $${PRICES.rowsWrittenPerMillion.toFixed(2)}/million beyond ${PRICES.rowsWrittenIncludedPerMonth / 1e6}M a month,
rows read $${PRICES.rowsReadPerMillion}/million beyond ${PRICES.rowsReadIncludedPerMonth / 1e9}B, requests $${PRICES.requestsPerMillion}/million
beyond ${PRICES.requestsIncludedPerMonth / 1e6}M, duration $${PRICES.gbSecondsPerMillion}/million GB-s beyond ${PRICES.gbSecondsIncludedPerMonth.toLocaleString("en-US")} GB-s
(duration: see below). Workers requests (the \`/alexa\` and REST hits themselves) are billed separately and not in these
figures. Free plan: ${PRICES.freeRowsWrittenPerDay.toLocaleString("en-US")} rows written and ${PRICES.freeRowsReadPerDay / 1e6}M rows read a day.

${prices}

**Storage per user** (\`ctx.storage.sql.databaseSize\` of the user's object plus its personal list space's, after the webhooks were delivered; a user who never used the lists has no space; SQLite keeps at least one 4 KiB page per table and per index, whatever they hold, and an empty Durable Object is one page, its catalogue; with 500 items a page more or less between runs, as background work falls between the creates):

${sizes}

**Per-request time** (the last column, for the voice and MCP rows, listed here too): ${cpu.join("; ") || "not measured"}.
What it is: the mean wall time (\`performance.now()\`) of 21 more requests of the row's kind, one at a time, after the
counted one, each a real change where the row is one (a new item each time), timed from the call into the Worker's
dispatch (voice: an envelope already parsed and its signature already checked, which section 1 measures) or its
\`fetch\` (\`/mcp\`: the HTTP request, its JSON-RPC body and the token included) to the answer, in the vitest pool's workerd isolate, where the Worker and
its objects run together and, unlike on Cloudflare, timers advance during computation. So it is handling time in one
isolate: JavaScript, the object's SQLite (local, in-process) and the in-process RPC to it; not the webhook send after
the answer (waited for between requests, untimed); the MCP rows' token check is a verdict already cached in the
isolate (a client reuses its token), not a signature check. It is **not** process CPU (that is section 2's figures,
which stay, and include background work and the load generator's effects) and not Cloudflare's billed CPU time; the
clock steps in whole milliseconds (averaged over the 21) and other load on the machine lengthens it, so compare rows
of one run, not runs.

${duration}

**Where a target costs correctness (kept, on purpose):**
- *Voice add ≤ 5 rows: 6, and 5 while an earlier add's backstop alarm is pending.* In the list space the request
  writes 4 SQL rows and arms 1 alarm, and the webhook's delivery removes its row: the item (2: its row, keyed by
  list order \`(list_id, seq)\` so a list read is one range, and its unique \`id\` index), the webhook row (1), the
  undo entry (1: the speaker's slot, overwritten in place once the journal holds 20 entries or its oldest has
  expired, so a full journal costs no pruning delete), the webhook's backstop alarm (1; skipped while an earlier
  one is pending, e.g. a second add within 30 s), and the delivered webhook's delete (1). What stays, and why: the
  \`id\` index, because every change by id (check off, undo, REST update and delete) would otherwise scan a list
  (up to 500 rows) or the whole space (100 × 500) per lookup; the webhook's row and its delete, because a webhook is
  queued in the change's own transaction before Alexa's 200 (at-least-once) and removed only after the app's 2xx
  (reusing delivered rows in place would need their "delivered" state to survive an eviction, which is itself a
  row written, or else every webhook sent before an eviction would be sent again); the alarm, because it is what
  sends the webhook when the object is evicted or reset (a deploy) between the answer and the send, and without it
  such a webhook would wait for the space's next request, which may never come. Trade-off taken: \`seq\` is no
  longer AUTOINCREMENT (no \`sqlite_sequence\` row per insert): a new item takes its list's highest \`seq\` + 1, so
  "undo" of a remove puts an item back at its old place unless an item added since took it (possible only when
  the removed item was the list's last and another was added after it), and then at the end of the list.
- *New user ≤ 25 rows (met).* \`SkillEnabled\` starts only the Alexa user's object, with the tables every store uses
  (profile, dedupe records, webhook queue): creating them writes SQLite's catalogue (\`sqlite_master\`), a row per
  table, ${ddlRows(find_("new user (SkillEnabled)"))} of the new user's rows with the version row; the rest are the
  profile, the dedupe record, the \`alexa.user.enabled\` webhook (queued, then removed once sent), the registry
  entry and the alarm. The household store's tables (item map, own writes, held deletes, op progress, default-list
  ids, the dedupe index its list events need) are a schema of their own, created only with
  \`ALEXA_LISTS=household\`, whose timed parts are registered with the alarm only then; the outbox (with the skill
  store it carries only the app's skill messages) is created at the first message, the erasure mark's table by the
  erasure (an object never erased reads no mark, without a statement); the app user id, the last registry report and
  the space membership are columns of the profile row, which every request reads anyway. The list space is not
  created at \`SkillEnabled\` any more: the first use of the lists pays for it ("first voice turn of a new user":
  ${rowsOf(find_("first voice turn"))} rows written: the space's schema, its two default lists, its meta and member
  rows, and the user's membership in its profile row), so a user who enables the skill and never
  speaks to it costs no space at all. The space's outbox (operation bookkeeping for the app's REST operations: 8
  pages and 10 of those rows) could come at the first REST operation the same way.
- *Empty user under 40 KB (met).* A user who never used the lists is its Alexa user's object alone:
  ${pages(emptyUser(storage))} pages (${storagePer1000(emptyUser(storage))} per 1,000 such users a month at
  $0.20/GB-month), the floor being one page per table (catalogue, schema versions, the three tables above) and
  workerd's alarm metadata. Once it used the lists, the user's object and its space hold ${pages(firstUse(storage))}
  pages together before any item (${storagePer1000(firstUse(storage))} per 1,000 users a month): each table and
  index of the space is a page, whatever it holds.
- *Profile writes.* A request no longer rewrites the profile row (\`profile.touch\`): it is written when it is new
  or its region endpoint changed. Trade-off: \`updated_at\` is the last change, not the last request (nothing
  reads it as activity).
`;
  return { markdown, targets };
}
