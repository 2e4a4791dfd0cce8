/**
 * @module bench/voice/worst
 * Section 5: the worst voice turn the skill store accepts, on Node, through
 * the pure voice code (readTurn → converse → buildResponse) on an in-memory
 * store of the largest allowed size (100 lists × 500 items). All of a turn
 * runs inside the user's Durable Object and blocks that user's other
 * requests, so its CPU time is what counts (issue 23, point 2: a 15 KB slot
 * took seconds, a 40 KB one overflowed the stack).
 *
 * Each row is one kind of turn at its worst: the longest slot value the turn
 * reader accepts (MAX_SLOT_LENGTH, src/voice/turn.ts), items that are known
 * words (so the splitter segments), a match across every list. CPU time is
 * `process.cpuUsage()` (user + system) over a batch of turns, per turn; the
 * median of the runs is quoted with its range. Fast on purpose (a few
 * seconds): `BENCH_ONLY=voice-worst npm run bench`.
 */
import os from "node:os";
import { converse } from "../../src/voice/dialogue/index.ts";
import type { Locale } from "../../src/voice/intents.ts";
import { buildResponse } from "../../src/voice/response.ts";
import { MAX_SLOT_LENGTH, readTurn } from "../../src/voice/turn.ts";
import { LIMITS, type VoiceItem, type VoiceListSummary, type VoiceLists } from "../../src/voice/types.ts";
import { ITEM_WORDS } from "../../src/voice/vocabulary.ts";
import { fmtDuration, table, type SectionResult } from "../lib/report.ts";
import { median } from "../lib/stats.ts";

/** The target for the worst row. */
export const TARGET_MS = 50;

interface Store extends VoiceLists {
  readonly total: number;
}

/**
 * An in-memory store: 100 lists; the shopping list holds `shopping` items,
 * every other list 500 (known words and two-word items, as people write them).
 */
function store(shopping: number): Store {
  const words = ITEM_WORDS["en-US"];
  const value = (list: number, k: number): string =>
    k < words.length ? words[(k + list) % words.length]! : `${words[k % words.length]} ${words[(k * 7 + list) % words.length]}`;
  const lists = Array.from({ length: LIMITS.maxLists }, (_, i) => {
    const count = i === 0 ? shopping : LIMITS.maxItemsPerList;
    const items: VoiceItem[] = Array.from({ length: count }, (_, k) => ({ id: `i${i}-${k}`, value: value(i, k), status: k % 5 === 0 ? "completed" : "active" }));
    const summary: VoiceListSummary = {
      id: `L${i}`,
      name: i === 0 ? "Shopping list" : i === 1 ? "To-do list" : `List ${i}`,
      defaultKind: i === 0 ? "shopping" : i === 1 ? "todo" : null,
      active: items.filter((it) => it.status === "active").length,
      completed: items.filter((it) => it.status === "completed").length,
    };
    return { summary, items };
  });
  const byId = new Map(lists.map((l) => [l.summary.id, l.items]));
  return {
    total: lists.reduce((n, l) => n + l.items.length, 0),
    // As the skill store hands them out, without its SQL reads (not the dialogue's work).
    lists: () => lists.map((l) => l.summary),
    items: (id) => byId.get(id) ?? [],
    lastChange: () => null,
  };
}

/** `words` repeated (space-separated) up to `length` characters. */
function filled(words: readonly string[], length: number): string {
  let text = "";
  for (let k = 0; ; k++) {
    const next = text ? `${text} ${words[k % words.length]}` : words[k % words.length]!;
    if (next.length > length) return text;
    text = next;
  }
}

interface Row {
  name: string;
  store: Store;
  intent: string;
  slots: Record<string, string>;
}

function request(row: Row, locale: Locale): unknown {
  const slots = Object.fromEntries(Object.entries(row.slots).map(([name, value]) => [name, { name, value, confirmationStatus: "NONE" }]));
  return { type: "IntentRequest", requestId: "r", locale, intent: { name: row.intent, confirmationStatus: "NONE", slots } };
}

/** CPU ms per turn of `n` turns. */
function cpuPerTurn(row: Row, n: number): number {
  const req = request(row, "en-US");
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) buildResponse(converse(readTurn(req, { new: true }, "en-US"), row.store));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / n;
}

/**
 * Runs the rows and judges the target on the slowest.
 * @example const r = await benchVoiceWorst({ runs: 5 });
 */
export async function benchVoiceWorst(opts: { runs: number }): Promise<SectionResult> {
  const full = store(LIMITS.maxItemsPerList);
  const room = store(0);
  const words = ITEM_WORDS["en-US"];
  const longest = (ws: readonly string[]): string => filled(ws, MAX_SLOT_LENGTH);
  const rows: Row[] = [
    { name: `AddItemsIntent, ${MAX_SLOT_LENGTH} characters of known items, list with room`, store: room, intent: "AddItemsIntent", slots: { items: longest(words) } },
    { name: `AddItemsIntent, ${MAX_SLOT_LENGTH} characters of known items, full list`, store: full, intent: "AddItemsIntent", slots: { items: longest(words) } },
    { name: `AddItemsIntent, "milk milk …" (${MAX_SLOT_LENGTH} characters)`, store: room, intent: "AddItemsIntent", slots: { items: longest(["milk"]) } },
    { name: `AddItemsIntent, "milk milk …" of 40 KB (over the cap)`, store: room, intent: "AddItemsIntent", slots: { items: filled(["milk"], 40 * 1024) } },
    { name: `RemoveItemIntent, ${MAX_SLOT_LENGTH} characters, every list`, store: full, intent: "RemoveItemIntent", slots: { item: longest(words) } },
    { name: `RemoveItemIntent "milk", every list`, store: full, intent: "RemoveItemIntent", slots: { item: "milk" } },
    { name: `RemoveItemIntent "mlik" (a near miss), every list`, store: full, intent: "RemoveItemIntent", slots: { item: "mlik" } },
    { name: `IsOnListIntent "mlik" (on no list), every list`, store: full, intent: "IsOnListIntent", slots: { item: "mlik" } },
    { name: `DeleteListIntent "milk" (an item, not a list), every list`, store: full, intent: "DeleteListIntent", slots: { list: "milk" } },
    { name: `CheckOffItemIntent, ${MAX_SLOT_LENGTH} characters, one list`, store: full, intent: "CheckOffItemIntent", slots: { item: longest(words), list: "shopping" } },
  ];
  const measured = rows.map((row) => {
    cpuPerTurn(row, 1); // warm-up (JIT, memoised word forms)
    const once = Math.max(cpuPerTurn(row, 1), 0.01);
    const n = Math.max(1, Math.min(200, Math.round(250 / once)));
    const perRun = Array.from({ length: opts.runs }, () => cpuPerTurn(row, n));
    return { row, n, med: median(perRun), min: Math.min(...perRun), max: Math.max(...perRun) };
  });
  const worst = measured.reduce((a, b) => (b.med > a.med ? b : a));
  const markdown = [
    `The dialogue on Node (\`readTurn\` → \`converse\` → \`buildResponse\`, no SQLite), en-US, on an in-memory store of ${LIMITS.maxLists} lists × ${LIMITS.maxItemsPerList} items (${full.total.toLocaleString("en-US")} items; "list with room": the shopping list empty, ${room.total.toLocaleString("en-US")} items). CPU time (\`process.cpuUsage\`) per turn; ${opts.runs} runs of a batch each, median (min–max). Node ${process.version}, ${os.cpus().length} cores.`,
    "",
    table(
      ["Turn", "CPU / turn", "Turns per batch"],
      measured.map((m) => [m.row.name, `${fmtDuration(m.med)} (${fmtDuration(m.min)}–${fmtDuration(m.max)})`, String(m.n)]),
    ),
  ].join("\n");
  return {
    markdown,
    targets: [
      {
        target: `Worst-case voice turn (longest accepted slot value, ${LIMITS.maxLists} lists × ${LIMITS.maxItemsPerList} items): at most ${TARGET_MS} ms CPU`,
        measured: `${fmtDuration(worst.med)} (${worst.row.name})`,
        met: worst.med <= TARGET_MS,
      },
    ],
  };
}
