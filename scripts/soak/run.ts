/**
 * @module scripts/soak/run
 * The soak: random command sequences (fast-check, from a seed, shrunk on
 * failure) against the real stack (`wrangler dev` with state on disk, the
 * Alexa emulator, the fake app), then heal every fault, wait, reconcile and
 * check the invariants of docs/soak.md. Each sequence uses new people
 * (scripts/soak/people: on the skill store two people linked to one
 * household, one list space); faults and the Worker are shared, so sequences
 * run one at a time. A run is bounded by its commands; `commandBudgetMs` (the
 * CI soak, test/e2e/soak.test.ts) stops issuing commands at the next command
 * boundary once spent, and the run still heals, waits and checks the
 * invariants on what ran (reported as cut short, never failed for the clock
 * alone).
 */
import fc from "fast-check";
import { BridgeClient, type BridgeResponse, type Operation } from "../../emulator/app/bridge-client.ts";
import type { WebhookRecord } from "../../emulator/app/webhook-log.ts";
import type { REFUSE } from "../../emulator/node-http.ts";
import { eventually } from "../lib/eventually.ts";
import { type Stack, startScratchStack } from "../lib/stack.ts";
import { AppView, type AskedOp } from "./app-view.ts";
import { allowedFinals, type Change, type Effect, type Final, keyOf, type Status } from "./model.ts";
import { soakPeople } from "./people.ts";

export type Store = "skill" | "household";

// ------------------------------------------------------------- commands

type ListIx = 0 | 1;
/** Which person of the run acts (skill store: two in one space; absent: the first). */
type Who = 0 | 1;
export type Cmd =
  | { t: "pAdd"; list: ListIx; who?: Who }
  | { t: "pRename"; i: number }
  | { t: "pCheck"; i: number; done: boolean; who?: Who }
  | { t: "pDelete"; i: number; who?: Who }
  | { t: "pBoth"; lists: [ListIx, ListIx] }
  | { t: "relink"; who: Who }
  | { t: "pMove"; i: number }
  | { t: "aCreate"; list: ListIx; done: boolean; key: boolean; retry: boolean }
  | { t: "aUpdate"; i: number; key: boolean; retry: boolean }
  | { t: "aComplete"; i: number; key: boolean; retry: boolean }
  | { t: "aReopen"; i: number; key: boolean }
  | { t: "aDelete"; i: number; key: boolean; retry: boolean }
  | { t: "aSync"; key: boolean }
  | { t: "fLists"; mode: "429" | "500" | "hang"; count: number }
  | { t: "fMessaging"; mode: "429" | "500"; count: number }
  | { t: "fLwa"; count: number }
  | { t: "fDelivery"; mode: "drop" | "duplicate" | "delay" | "reorder"; count: number; match: "ItemsCreated" | "ItemsUpdated" | "ItemsDeleted" | "Messaging" }
  | { t: "fApp"; mode: "503" | "refuse" | "500" | "410"; count: number }
  | { t: "skew"; ms: number }
  | { t: "kill" }
  | { t: "pause"; ms: number };

const ix = fc.nat({ max: 50 });
const bool = fc.boolean();

/** The command generator for a store (people act in the Alexa app on the household store, by voice on the skill store). */
export function commandArb(store: Store): fc.Arbitrary<Cmd> {
  const list = fc.constantFrom<ListIx>(0, 1);
  const people: fc.WeightedArbitrary<Cmd>[] =
    store === "skill"
      ? [
          // Two people in one list space, each speaking, sometimes at once; one of them re-enables and re-links.
          { weight: 5, arbitrary: fc.record({ t: fc.constant("pAdd" as const), list, who: fc.constantFrom<Who>(0, 1) }) },
          { weight: 3, arbitrary: fc.record({ t: fc.constant("pCheck" as const), i: ix, done: bool, who: fc.constantFrom<Who>(0, 1) }) },
          { weight: 2, arbitrary: fc.record({ t: fc.constant("pDelete" as const), i: ix, who: fc.constantFrom<Who>(0, 1) }) },
          { weight: 2, arbitrary: fc.record({ t: fc.constant("pBoth" as const), lists: fc.tuple(list, list) }) },
          { weight: 1, arbitrary: fc.record({ t: fc.constant("relink" as const), who: fc.constantFrom<Who>(0, 1) }) },
        ]
      : [
          { weight: 5, arbitrary: fc.record({ t: fc.constant("pAdd" as const), list }) },
          { weight: 3, arbitrary: fc.record({ t: fc.constant("pCheck" as const), i: ix, done: bool }) },
          { weight: 2, arbitrary: fc.record({ t: fc.constant("pDelete" as const), i: ix }) },
        ];
  if (store === "household") {
    people.push(
      { weight: 2, arbitrary: fc.record({ t: fc.constant("pRename" as const), i: ix }) },
      { weight: 2, arbitrary: fc.record({ t: fc.constant("pMove" as const), i: ix }) },
    );
  }
  const app: fc.WeightedArbitrary<Cmd>[] = [
    { weight: 5, arbitrary: fc.record({ t: fc.constant("aCreate" as const), list: fc.constantFrom<ListIx>(0, 1), done: bool, key: bool, retry: bool }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant("aUpdate" as const), i: ix, key: bool, retry: bool }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant("aComplete" as const), i: ix, key: bool, retry: bool }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("aReopen" as const), i: ix, key: bool }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant("aDelete" as const), i: ix, key: bool, retry: bool }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("aSync" as const), key: bool }) },
  ];
  const faults: fc.WeightedArbitrary<Cmd>[] = [
    { weight: 1, arbitrary: fc.record({ t: fc.constant("fApp" as const), mode: fc.constantFrom("503" as const, "refuse" as const, "500" as const, "410" as const), count: fc.integer({ min: 1, max: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("skew" as const), ms: fc.integer({ min: -100_000, max: 100_000 }) }) },
    { weight: 1, arbitrary: fc.constant({ t: "kill" as const }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant("pause" as const), ms: fc.integer({ min: 100, max: 2500 }) }) },
  ];
  if (store === "household") {
    faults.push(
      { weight: 2, arbitrary: fc.record({ t: fc.constant("fLists" as const), mode: fc.constantFrom("429" as const, "500" as const, "hang" as const), count: fc.integer({ min: 1, max: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant("fMessaging" as const), mode: fc.constantFrom("429" as const, "500" as const), count: fc.integer({ min: 1, max: 2 }) }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant("fLwa" as const), count: fc.constant(1) }) },
      {
        weight: 2,
        arbitrary: fc
          .record({
            t: fc.constant("fDelivery" as const),
            mode: fc.constantFrom("drop" as const, "duplicate" as const, "delay" as const, "reorder" as const),
            count: fc.integer({ min: 1, max: 2 }),
            match: fc.constantFrom("ItemsCreated" as const, "ItemsUpdated" as const, "ItemsDeleted" as const, "Messaging" as const),
          })
          // A dropped skill message is only re-sent after its lifetime (3600 s + 60 s): out of any run's reach (docs/soak.md).
          .filter((c) => !(c.mode === "drop" && c.match === "Messaging")),
      },
    );
  }
  return fc.oneof(...people, ...app, ...faults);
}

export function sequenceArb(store: Store, maxCommands: number): fc.Arbitrary<Cmd[]> {
  return fc.array(commandArb(store), { minLength: Math.min(8, maxCommands), maxLength: maxCommands });
}

// ---------------------------------------------------------------- stack

export interface SoakStack {
  store: Store;
  stack: Stack;
  bridge: BridgeClient;
  workerLog: string[];
  /** Webhooks the app answered 410 (id → body), and how many 500s it gave. */
  gone: Map<string, { type: string; userId: string; spaceId?: string; data: unknown }>;
  appFault: { mode: "500" | "410"; remaining: number } | null;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSoakStack(store: Store): Promise<SoakStack> {
  const { stack, secrets, workerLog, stop } = await startScratchStack({ alexaLists: store, tmpPrefix: "alb-soak-", maxLogLines: 20_000 });
  const s: SoakStack = {
    store,
    stack,
    bridge: new BridgeClient({ baseUrl: stack.workerUrl, token: secrets.apiToken }),
    workerLog,
    gone: new Map(),
    appFault: null,
    kill: async () => {
      // SIGKILL to wrangler's process group (workerd included), as a crash would; state stays on disk.
      const w = stack.worker;
      workerLog.push("--- soak: SIGKILL ---");
      try {
        process.kill(-(w.child.pid as number), "SIGKILL");
      } catch {
        // gone already
      }
      await w.exited;
      await stack.restartWorker();
      workerLog.push("--- soak: restarted ---");
    },
    stop,
  };
  // The fake app answers 503 or resets; the soak adds 500 and 410 in front of it.
  const app = stack.app.app;
  const original = app.handle.bind(app);
  app.handle = async (req: Request): Promise<Response | typeof REFUSE> => {
    const f = s.appFault;
    if (f && new URL(req.url).pathname === "/webhooks" && req.method === "POST") {
      f.remaining -= 1;
      if (f.remaining <= 0) s.appFault = null;
      if (f.mode === "500") return new Response("boom", { status: 500 });
      const body = JSON.parse(await req.text()) as { type: string; userId: string; spaceId?: string; data: unknown };
      const id = req.headers.get("webhook-id") as string;
      if (!app.log.query({ userId: body.userId }).some((w) => w.webhookId === id)) s.gone.set(id, body);
      return new Response(null, { status: 410 });
    }
    return original(req);
  };
  return s;
}

// --------------------------------------------------------------- runner

const VALUES = [
  "milk", "eggs", "bread", "butter", "cheese", "apples", "bananas", "coffee", "tea", "sugar", "flour", "rice", "pasta",
  "tomatoes", "potatoes", "onions", "chicken", "yogurt", "cereal", "salt", "pepper", "oranges", "lemons", "limes",
  "grapes", "strawberries", "blueberries", "raspberries", "pears", "honey", "jam", "garlic", "carrots", "lettuce",
  "spinach", "cucumber", "broccoli", "mushrooms", "ham", "bacon", "sausages", "beans", "lentils", "oats", "nuts",
  "chocolate", "cookies", "crackers", "soup", "vinegar", "mustard", "ketchup", "mayonnaise", "shampoo", "soap",
];

interface AppOp {
  opId: string;
  asked: AskedOp;
  effect: Effect;
  /** The Alexa id it refers to (update/complete/delete), known when sent. */
  target: string | null;
  appItemId: string | null;
  at: number;
  end: number | null;
  status: Operation["status"] | null;
  result: unknown;
}

export interface RunResult {
  violations: string[];
  /** Commands planned, and issued (fewer when the run was cut short by its command budget). */
  commands: number;
  done: number;
  cut: boolean;
  ms: number;
  /** On a violation: the person's deliveries and webhooks, in time order, for reading (see {@link traceOf}). */
  trace?: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls like the e2e tests, every 200 ms. The limits below return as soon as
 * their condition holds; they are sized for a loaded machine (CI on a busy
 * 2-core box, several times what an idle one needs), so only a real stall
 * reaches them, and then as a violation naming what was awaited.
 */
function until<T>(what: string, check: () => Promise<T> | T, timeoutMs: number, pollMs = 200): Promise<NonNullable<T>> {
  return eventually(what, check, timeoutMs, pollMs);
}

let personSeq = 0;

/**
 * Runs one command sequence for a new person, heals, waits and checks.
 * Returns the violations (empty: the run passed).
 */
export async function runSequence(s: SoakStack, cmds: Cmd[], log: (line: string) => void = () => {}, opts: { commandBudgetMs?: number } = {}): Promise<RunResult> {
  const t0 = Date.now();
  const stopIssuingAt = t0 + (opts.commandBudgetMs ?? Infinity);
  let done = 0;
  let cut = false;
  const emu = s.stack.emulator.emulator;
  const v: string[] = [];
  const tag = `soak${process.pid % 1000}-${++personSeq}`;
  const ops = new Map<string, AppOp>();
  const view = new AppView((opId) => ops.get(opId)?.asked);
  let seen = 0;
  // Skill store: the list space's webhooks only (its one queue, in order); the Alexa users' own events are not the lists'.
  const listHooks = (): ReturnType<typeof group.webhooks> =>
    group.spaceId === null ? group.webhooks() : group.webhooks().filter((w) => w.type.startsWith("alexa.list.") || w.type.startsWith("outbox."));
  const pull = (): void => {
    const all = listHooks();
    for (const w of all.slice(seen)) view.apply(w);
    seen = all.length;
  };
  const group = await soakPeople(emu, s.stack.app.app.log, s.store, tag);
  const name = group.names[0] as string;
  const speaker = (who: Who | undefined): string => group.names[(who ?? 0) % group.names.length] as string;
  const owner = group.scope;
  // REST on the lists' owner: the space (skill store) or the Alexa user (household store).
  const w = (kk?: string): { idempotencyKey?: string } => (kk ? { idempotencyKey: kk } : {});
  const api = {
    createItem: (list: string, body: { value: string; appItemId: string; status?: Status }, kk?: string) =>
      s.bridge.request("POST", [...owner, "lists", list, "items"], body, w(kk)),
    updateItem: (list: string, ref: string, change: { value?: string; status?: Status }, kk?: string) =>
      s.bridge.request("PATCH", [...owner, "lists", list, "items", ref], change, w(kk)),
    deleteItem: (list: string, ref: string, kk?: string) => s.bridge.request("DELETE", [...owner, "lists", list, "items", ref], undefined, w(kk)),
    sync: (kk?: string) => s.bridge.request("POST", [...owner, "sync"], {}, w(kk)),
    getOperation: (opId: string) => s.bridge.request("GET", [...owner, "operations", opId]),
  };
  const people = new Map<string, Change[]>();
  const personChange = (id: string, effect: Effect): void => {
    const at = Date.now();
    people.set(id, [...(people.get(id) ?? []), { by: "person", at, end: at, effect }]);
  };
  const used = new Set<string>();
  let valueSeq = 0;
  const freshValue = (): string => {
    const free = VALUES.filter((x) => !used.has(x));
    const value = free.length ? free[valueSeq++ % free.length]! : `item ${valueSeq++}`;
    used.add(value);
    return value;
  };
  let appSeq = 0;
  let ambiguous = 0;
  let lastDeleteAt = 0;
  const faultsSeen = { drop: 0, gone: 0 };
  const fivexx: string[] = [];
  const listIds: [string, string] =
    s.store === "household" ? [emu.list(name, "shopping").listId, emu.list(name, "todo").listId] : ["", ""];

  // -------- REST, as a careful app does it: 503 or a reset connection is retried with the same key
  // (every 500 ms for up to a minute: a Worker restarting on a loaded machine).
  const ATTEMPTS = 120;
  const rest = async (send: (key?: string) => Promise<BridgeResponse<Operation>>, key: string | undefined): Promise<BridgeResponse<Operation> | null> => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        const res = await send(key);
        if (res.status >= 500) {
          if (res.status !== 503) fivexx.push(`REST ${res.status} ${JSON.stringify(res.body)}`);
          if (key === undefined) return res;
          await sleep(500);
          continue;
        }
        return res;
      } catch (e) {
        // Without a key a failed request cannot be retried safely: it may have been stored.
        if (key === undefined) {
          ambiguous += 1;
          log(`     request failed without an Idempotency-Key (not retried): ${e instanceof Error ? e.message : String(e)}`);
          return null;
        }
        // Connection refused while the Worker restarts, or reset: retried with the same key.
        if (attempt >= ATTEMPTS - 1) throw e;
        await sleep(500);
      }
    }
    return null;
  };

  const trackOp = (res: BridgeResponse<Operation> | null, asked: AskedOp, effect: Effect, target: string | null, appItemId: string | null, at: number, replayOf?: string): void => {
    log(`     ${asked.kind} → ${res?.status} ${res && typeof res.body === "object" && res.body !== null ? `${res.body.id} ${res.body.status}` : ""}`);
    if (!res) {
      if (ambiguous === 0) v.push(`REST ${asked.kind}: no answer after retries`);
      return;
    }
    if (res.status === 404 || res.status === 409) return; // refused (skill store: the item is gone): nothing stored
    if (res.status !== 202) return void v.push(`REST ${asked.kind}: ${res.status} ${JSON.stringify(res.body)}`);
    const op = res.body;
    if (replayOf !== undefined) {
      if (op.id !== replayOf) v.push(`a retry with the same Idempotency-Key made a second operation (${replayOf}, ${op.id})`);
      if (res.headers.get("idempotent-replayed") !== "true") v.push(`a replay of ${replayOf} lacks Idempotent-Replayed`);
      return;
    }
    const known = ops.get(op.id);
    if (known) return void v.push(`operation id ${op.id} answered for two different requests`);
    const final = op.status === "completed" || op.status === "failed" || op.status === "expired";
    ops.set(op.id, { opId: op.id, asked, effect, target, appItemId, at, end: final ? Date.now() : null, status: final ? op.status : null, result: op.result });
  };

  /** Items the app believes exist (its view), for app commands. */
  const appItems = (): { id: string; ref: string; listId: string }[] => {
    pull();
    return [...view.items.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((i) => ({ id: i.id, ref: i.appItemId ?? i.id, listId: i.listId }));
  };

  /** Items as Alexa holds them now: `{id, listId, value, status}`. */
  const truth = async (): Promise<{ id: string; listId: string; value: string; status: Status }[]> => {
    if (s.store === "household") {
      return emu.lists(name).flatMap((l) => [...l.items.values()].map((i) => ({ id: i.id, listId: l.listId, value: i.value, status: i.status })));
    }
    const res = await s.bridge.request<{ lists: { listId: string; items: { id: string; value: string; status: Status }[] }[] }>("GET", [...owner, "lists"]);
    if (res.status !== 200) throw new Error(`GET lists answered ${res.status}`);
    return res.body.lists.flatMap((l) => l.items.map((i) => ({ id: i.id, listId: l.listId, value: i.value, status: i.status })));
  };

  const pickTruth = async (i: number): Promise<{ id: string; listId: string; value: string; status: Status } | null> => {
    const items = (await truth()).sort((a, b) => a.id.localeCompare(b.id));
    return items.length ? items[i % items.length]! : null;
  };

  const skillListId = async (list: ListIx): Promise<string> => {
    const res = await s.bridge.request<{ lists: { listId: string; defaultKind: string | null }[] }>("GET", [...owner, "lists"]);
    return res.body.lists.find((l) => l.defaultKind === (list === 0 ? "shopping" : "todo"))!.listId;
  };

  /** A voice turn on the skill store; checks its effect against the prediction, records the change. */
  const voice = async (who: string, text: string, predict: (before: Map<string, Final>) => { id: string | "new"; effect: Effect } | null): Promise<void> => {
    const before = new Map((await truth()).map((i) => [i.id, { listId: i.listId, value: i.value, status: i.status } as Final]));
    const turn = await say(who, text);
    const after = await truth();
    const expect = predict(before);
    const changed = after.filter((i) => keyOf(before.get(i.id) ?? null) !== keyOf(i));
    const removed = [...before.keys()].filter((id) => !after.some((i) => i.id === id));
    if (!expect) {
      if (changed.length || removed.length) v.push(`voice "${text}" changed what it should not: ${JSON.stringify({ changed, removed })}`);
      return;
    }
    if (expect.id === "new") {
      const added = after.filter((i) => !before.has(i.id));
      if (added.length !== 1 || removed.length) return void v.push(`voice "${text}" (said: ${turn.speech}) should add one item: ${JSON.stringify({ added, removed })}`);
      const it = added[0]!;
      personChange(it.id, { kind: "create", state: { listId: it.listId, value: it.value, status: it.status } });
      return;
    }
    const prev = before.get(expect.id) ?? null;
    const want = prev === null ? null : expect.effect.kind === "delete" ? null : expect.effect.kind === "set" ? { ...prev, ...(expect.effect.status ? { status: expect.effect.status } : {}) } : prev;
    const got = after.find((i) => i.id === expect.id);
    const others = [...changed.filter((i) => i.id !== expect.id), ...removed.filter((id) => id !== expect.id)];
    if (keyOf(got ? { listId: got.listId, value: got.value, status: got.status } : null) !== keyOf(want) || others.length) {
      v.push(`voice "${text}" (said: ${turn.speech}): expected ${keyOf(want)} for ${expect.id}, got ${JSON.stringify(got ?? null)}${others.length ? `; also changed ${JSON.stringify(others)}` : ""}`);
    }
    personChange(expect.id, expect.effect);
  };

  /** One voice turn (its session ended); a failed turn is a violation. */
  async function say(who: string, text: string): Promise<Awaited<ReturnType<typeof emu.say>>> {
    const turn = await emu.say(who, text);
    if (turn.status !== 200) {
      if (turn.status !== null && turn.status >= 500) fivexx.push(`voice ${turn.status}: ${text}`);
      v.push(`voice turn "${text}" (${who}) answered ${turn.status}: ${turn.error ?? ""}`);
    }
    if (turn.sessionOpen) await emu.endSession(who);
    return turn;
  }

  /** Both people add an item at the same moment: exactly those two new items, nothing else changed. */
  const bothAdd = async (lists: [ListIx, ListIx]): Promise<void> => {
    const before = new Set((await truth()).map((i) => `${i.id}|${i.listId}|${i.value}|${i.status}`));
    const values = [freshValue(), freshValue()];
    const phrase = (ix: ListIx): string => (ix === 0 ? "shopping" : "to-do");
    await Promise.all(group.names.slice(0, 2).map((who, k) => say(who, `add ${values[k]} to my ${phrase(lists[k as 0 | 1])} list`)));
    const after = await truth();
    const added = after.filter((i) => !before.has(`${i.id}|${i.listId}|${i.value}|${i.status}`));
    const gone = [...before].filter((row) => !after.some((i) => `${i.id}|${i.listId}|${i.value}|${i.status}` === row));
    const want = await Promise.all(values.map(async (value, k) => `${await skillListId(lists[k as 0 | 1])}|${value}|active`));
    const got = added.map((i) => `${i.listId}|${i.value}|${i.status}`).sort();
    if (JSON.stringify(got) !== JSON.stringify([...want].sort()) || gone.length) {
      v.push(`two people adding at once (${values.join(", ")}) should add exactly those two: ${JSON.stringify({ added, gone })}`);
    }
    for (const it of added) personChange(it.id, { kind: "create", state: { listId: it.listId, value: it.value, status: it.status } });
  };

  const write = async (c: Cmd): Promise<void> => {
    const key = (on: boolean): string | undefined => (on ? `soak-${tag}-${++appSeq}` : undefined);
    switch (c.t) {
      case "pAdd": {
        const value = freshValue();
        if (s.store === "household") {
          const item = emu.addItem(name, listIds[c.list], value);
          personChange(item.id, { kind: "create", state: { listId: listIds[c.list], value, status: "active" } });
        } else {
          await voice(speaker(c.who), `add ${value} to my ${c.list === 0 ? "shopping" : "to-do"} list`, () => ({ id: "new", effect: { kind: "delete" } }));
        }
        return;
      }
      case "pRename": {
        const it = await pickTruth(c.i);
        if (!it) return;
        const value = freshValue();
        emu.updateItem(name, it.listId, it.id, { value });
        personChange(it.id, { kind: "set", value });
        return;
      }
      case "pCheck": {
        const it = await pickTruth(c.i);
        if (!it) return;
        const status: Status = c.done ? "completed" : "active";
        if (s.store === "household") {
          emu.updateItem(name, it.listId, it.id, { status });
          personChange(it.id, { kind: "set", status });
        } else {
          const kind = it.listId === (await skillListId(0)) ? "shopping" : "to-do";
          const text = c.done ? `check off ${it.value} on my ${kind} list` : `uncheck ${it.value} on my ${kind} list`;
          await voice(speaker(c.who), text, () => (it.status === status ? null : { id: it.id, effect: { kind: "set", status } }));
        }
        return;
      }
      case "pDelete": {
        const it = await pickTruth(c.i);
        if (!it) return;
        if (s.store === "household") {
          emu.deleteItem(name, it.listId, it.id);
          personChange(it.id, { kind: "delete" });
          lastDeleteAt = Date.now();
        } else {
          const kind = it.listId === (await skillListId(0)) ? "shopping" : "to-do";
          await voice(speaker(c.who), `remove ${it.value} from my ${kind} list`, () => ({ id: it.id, effect: { kind: "delete" } }));
        }
        return;
      }
      case "pBoth":
        if (group.names.length < 2) return;
        await bothAdd(c.lists);
        return;
      case "relink": {
        if (group.spaceId === null) return;
        // Nothing of the space may be lost to a member's disable: the check at the end covers every item.
        await group.relink(c.who);
        log(`     ${speaker(c.who)} is ${emu.person(speaker(c.who)).userId} now`);
        return;
      }
      case "pMove": {
        const it = await pickTruth(c.i);
        if (!it) return;
        const to = it.listId === listIds[0] ? listIds[1] : listIds[0];
        emu.moveItem(name, it.listId, it.id, to);
        personChange(it.id, { kind: "move", listId: to });
        lastDeleteAt = Date.now();
        return;
      }
      case "aCreate": {
        const value = freshValue();
        const appItemId = `app-${tag}-${++appSeq}`;
        const status: Status = c.done ? "completed" : "active";
        const list = c.list === 0 ? "shopping" : "todo";
        const listId = s.store === "household" ? listIds[c.list] : await skillListId(c.list);
        const k = key(c.key);
        const body = { value, appItemId, ...(c.done ? { status } : {}) };
        const at = Date.now();
        const res = await rest((kk) => api.createItem(list, body, kk), k);
        const asked: AskedOp = { kind: "create", value, status };
        trackOp(res, asked, { kind: "create", state: { listId, value, status } }, null, appItemId, at);
        if (c.retry && res?.status === 202) {
          const again = await rest((kk) => api.createItem(list, body, kk), k);
          // Without a key the retry is a second request; with the same appItemId the bridge answers the first item
          // (or makes one, if that item is gone by then): the final check keeps one create per Alexa id.
          trackOp(again, asked, { kind: "create", state: { listId, value, status } }, null, appItemId, Date.now(), k ? res.body.id : undefined);
        }
        return;
      }
      case "aUpdate":
      case "aComplete":
      case "aReopen":
      case "aDelete": {
        const items = appItems();
        if (!items.length) return;
        const it = items[c.i % items.length]!;
        const list = it.listId;
        const k = key(c.key);
        const at = Date.now();
        let send: (kk?: string) => Promise<BridgeResponse<Operation>>;
        let asked: AskedOp;
        let effect: Effect;
        if (c.t === "aDelete") {
          send = (kk) => api.deleteItem(list, it.ref, kk);
          asked = { kind: "delete" };
          effect = { kind: "delete" };
        } else if (c.t === "aComplete") {
          send = (kk) => api.updateItem(list, it.ref, { status: "completed" }, kk);
          asked = { kind: "complete", status: "completed" };
          effect = { kind: "set", status: "completed" };
        } else if (c.t === "aReopen") {
          send = (kk) => api.updateItem(list, it.ref, { status: "active" }, kk);
          asked = { kind: "update", status: "active" };
          effect = { kind: "set", status: "active" };
        } else {
          const value = freshValue();
          send = (kk) => api.updateItem(list, it.ref, { value }, kk);
          asked = { kind: "update", value };
          effect = { kind: "set", value };
        }
        const res = await rest(send, k);
        trackOp(res, asked, effect, it.id, null, at);
        if ("retry" in c && c.retry && res?.status === 202) {
          const again = await rest(send, k);
          if (k) trackOp(again, asked, effect, it.id, null, Date.now(), res.body.id);
          else trackOp(again, asked, effect, it.id, null, Date.now());
        }
        return;
      }
      case "aSync": {
        const res = await rest((kk) => api.sync(kk), key(c.key));
        trackOp(res, { kind: "sync" }, { kind: "set" }, null, null, Date.now());
        return;
      }
      case "fLists":
        emu.endpointFaults.add({ api: "lists", mode: c.mode, count: c.count, ...(c.mode === "429" ? { retryAfterSeconds: 1 } : {}), ...(c.mode === "hang" ? { hangMs: 12_000 } : {}) });
        return;
      case "fMessaging":
        emu.endpointFaults.add({ api: "messaging", mode: c.mode, count: c.count, ...(c.mode === "429" ? { retryAfterSeconds: 1 } : {}) });
        return;
      case "fLwa":
        emu.revokeLwaTokens();
        emu.endpointFaults.add({ api: "lwa", mode: "500", count: c.count });
        return;
      case "fDelivery":
        if (c.mode === "drop") faultsSeen.drop += 1;
        emu.deliveryFaults.add({ mode: c.mode, count: c.count, match: c.match, ...(c.mode === "delay" ? { delayMs: 3000 } : {}) });
        return;
      case "fApp":
        if (c.mode === "503" || c.mode === "refuse") s.stack.app.app.outages.add({ mode: c.mode, count: c.count });
        else s.appFault = { mode: c.mode, remaining: c.count };
        return;
      case "skew":
        emu.skewMs = c.ms;
        return;
      case "kill":
        await s.kill();
        return;
      case "pause":
        await sleep(c.ms);
        return;
    }
  };

  const pollOps = async (): Promise<void> => {
    for (const op of ops.values()) {
      if (op.status !== null) continue;
      const res = await api.getOperation(op.opId).catch(() => null);
      if (res?.status === 200 && ["completed", "failed", "expired"].includes(res.body.status)) {
        op.status = res.body.status;
        op.end = Date.now();
        op.result = res.body.result;
      }
    }
  };

  // ---------------------------------------------------------------- run
  try {
    for (const [n, c] of cmds.entries()) {
      // A safe point: the previous command has returned; what ran is healed and checked below as usual.
      if (n > 0 && Date.now() >= stopIssuingAt) {
        cut = true;
        log(`  cut short: ${n} of ${cmds.length} commands issued when the command budget (${Math.round((opts.commandBudgetMs ?? 0) / 1000)} s) ran out; healing and checking what ran`);
        break;
      }
      done = n + 1;
      log(`  ${n + 1}. ${JSON.stringify(c)}`);
      try {
        await write(c);
      } catch (e) {
        v.push(`command ${n + 1} ${JSON.stringify(c)} threw: ${e instanceof Error ? e.message : String(e)}`);
        break;
      }
      await pollOps();
    }

    // ------------------------------------------------------------ heal
    log("  heal: faults cleared, skew 0, waiting");
    emu.endpointFaults.clear();
    emu.deliveryFaults.clear();
    s.stack.app.app.outages.clear();
    s.appFault = null;
    emu.skewMs = 0;
    await until("every operation final", async () => {
      await pollOps();
      return [...ops.values()].every((o) => o.status !== null);
    }, 300_000, 500).catch((e: Error) => v.push(`${e.message}; pending: ${[...ops.values()].filter((o) => o.status === null).map((o) => `${o.opId} ${o.asked.kind}`).join(", ")}`));
    // Held deletes (45 s, src/sync/moves.ts) must be released before the app can agree.
    if (s.store === "household") {
      const wait = lastDeleteAt + 47_000 - Date.now();
      if (wait > 0) {
        log(`  heal: ${Math.round(wait / 1000)} s for held deletes`);
        await sleep(wait);
      }
    }
    await until("every Alexa delivery settled", () =>
      group.names.every((n) => emu.deliveries.list({ person: n }).every((d) => ["delivered", "dropped", "expired"].includes(d.state))), 240_000, 250,
    ).catch((e: Error) => v.push(e.message));
    // A delete is held from when the bridge handled it, which a restart, a List API fault (the delete is read
    // back first) or Alexa's redelivery can put well after the person's delete: wait from its accepted attempt.
    if (s.store === "household") {
      const handled = emu.deliveries
        .list({ person: name })
        .filter((d) => d.type.endsWith("ItemsDeleted") && d.state === "delivered")
        .flatMap((d) => d.attempts.filter((a) => a.status === 200).map((a) => Date.parse(a.at) + a.ms));
      const wait = Math.max(0, ...handled) + 47_000 - Date.now();
      if (wait > 0) {
        log(`  heal: ${Math.round(wait / 1000)} s more for deletes the bridge held late`);
        await sleep(wait);
      }
    }
    // A marker through the same queue: everything queued before it has been delivered when it arrives.
    const marker = `${await drain()}`;
    log(`  heal: queue drained (${marker})`);

    async function drain(): Promise<string> {
      if (s.store === "household") {
        const value = freshValue();
        const m = emu.addItem(name, "todo", value);
        personChange(m.id, { kind: "create", state: { listId: listIds[1], value, status: "active" } });
        await until("the marker's webhook", () => {
          pull();
          return view.createdByAlexa.some((c) => c.id === m.id) || [...s.gone.values()].some((g) => JSON.stringify(g.data).includes(m.id));
        }, 180_000, 250).catch((e: Error) => v.push(e.message));
        return m.id;
      }
      const res = await rest((kk) => api.sync(kk), `soak-drain-${tag}-${++appSeq}`);
      trackOp(res, { kind: "sync" }, { kind: "set" }, null, null, Date.now());
      const opId = res?.body.id as string;
      await until("the drain snapshot", () => {
        pull();
        return view.outcomes.has(opId) || [...s.gone.values()].some((g) => JSON.stringify(g.data).includes(opId));
      }, 180_000, 250).catch((e: Error) => v.push(e.message));
      return opId;
    }
    faultsSeen.gone = [...s.gone.values()].filter((g) => group.mine(g)).length;

    const compare = (label: string, rows: { id: string; listId: string; value: string; status: string }[], alexa: { id: string; listId: string; value: string; status: string }[]): void => {
      const a = new Map(alexa.map((i) => [i.id, `${i.listId}|${i.value}|${i.status}`]));
      const b = new Map(rows.map((i) => [i.id, `${i.listId}|${i.value}|${i.status}`]));
      for (const [id, x] of a) if (b.get(id) !== x) v.push(`${label}: Alexa has ${id} = ${x}, the app ${b.get(id) ?? "nothing"}`);
      for (const [id, x] of b) if (!a.has(id)) v.push(`${label}: the app has ${id} = ${x}, Alexa nothing`);
    };
    pull();
    if (faultsSeen.drop === 0 && faultsSeen.gone === 0) compare("before reconciliation", view.rows(), await truth());

    // ------------------------------------------------- reconcile, then check
    const cron = await fetch(`${s.stack.workerUrl}/cdn-cgi/local/scheduled`).catch(() => null);
    if (!cron?.ok) v.push(`cron trigger answered ${cron?.status}`);
    const syncRes = await rest((kk) => api.sync(kk), `soak-final-${tag}`);
    trackOp(syncRes, { kind: "sync" }, { kind: "set" }, null, null, Date.now());
    const syncId = syncRes?.body.id as string;
    await until("the final snapshot", () => {
      pull();
      return view.outcomes.has(syncId) && group.webhooks("alexa.list.snapshot").some((w) => (w.data as { opId: string }).opId === syncId);
    }, 180_000, 250).catch((e: Error) => v.push(e.message));
    await pollOps();
    pull();
    const alexa = await truth();
    compare("after reconciliation", view.rows(), alexa);

    // No change lost, nothing made twice: Alexa's items against the history of what was done.
    const appByItem = new Map<string, Change[]>();
    const createdBy = new Set<string>();
    for (const op of [...ops.values()].sort((x, y) => x.at - y.at)) {
      if (op.asked.kind === "sync" || op.status !== "completed") continue;
      const r = op.result as { alexaItemId?: string } | undefined;
      const id = op.target ?? r?.alexaItemId;
      if (op.effect.kind === "create" && id) {
        // A second create with the same appItemId answers the item the first made.
        if (createdBy.has(id)) continue;
        createdBy.add(id);
      }
      if (!id) {
        v.push(`completed ${op.asked.kind} ${op.opId} without an item id in its result`);
        continue;
      }
      appByItem.set(id, [...(appByItem.get(id) ?? []), { by: "app", at: op.at, end: op.end ?? Date.now(), effect: op.effect, opId: op.opId }]);
    }
    const ids = new Set([...people.keys(), ...appByItem.keys()]);
    const actual = new Map(alexa.map((i) => [i.id, i]));
    for (const it of alexa) if (!ids.has(it.id)) v.push(`Alexa holds ${it.id} (${it.value}, ${it.status}) that nobody made: a duplicate`);
    for (const id of ids) {
      const p = (people.get(id) ?? []).sort((a, b) => a.at - b.at);
      const a = (appByItem.get(id) ?? []).sort((x, y) => x.at - y.at);
      const allowed = allowedFinals(p, a);
      const got = actual.get(id);
      const k = keyOf(got ? { listId: got.listId, value: got.value, status: got.status } : null);
      if (allowed.size === 0) v.push(`item ${id}: no order of its changes explains what was observed: ${JSON.stringify({ people: p, app: a })}`);
      else if (!allowed.has(k)) v.push(`item ${id}: Alexa holds ${k}; what was done allows only ${[...allowed].join(" or ")}: ${JSON.stringify({ people: p, app: a })}`);
    }
    const values = new Map<string, number>();
    for (const it of alexa) values.set(`${it.listId}|${it.value}`, (values.get(`${it.listId}|${it.value}`) ?? 0) + 1);

    // Every accepted operation ended completed or failed, with exactly one outcome webhook.
    for (const op of ops.values()) {
      if (op.status === "expired") v.push(`operation ${op.opId} (${op.asked.kind}) expired`);
      if (op.status === null) continue; // reported above
      const heardIds = new Set((view.outcomes.get(op.opId) ?? []).map((o) => o.webhookId));
      const heard = (view.outcomes.get(op.opId) ?? []).length;
      // A webhook the app refused with 410 and then got again under the same webhook-id (the Worker was killed
      // before it recorded the 410: delivery is at least once, per id) is one webhook, applied once.
      const gone = [...s.gone.entries()].filter(
        ([id, g]) => group.mine(g) && (g.data as { opId?: string }).opId === op.opId && g.type.startsWith("outbox.") && !heardIds.has(id),
      ).length;
      if (heard + gone !== 1) v.push(`operation ${op.opId} (${op.asked.kind}, ${op.status}): ${heard} outcome webhooks delivered, ${gone} refused with 410; expected exactly one`);
      const type = view.outcomes.get(op.opId)?.[0]?.type;
      if (type && type !== (op.status === "completed" ? "outbox.completed" : "outbox.failed")) v.push(`operation ${op.opId} is ${op.status} but its webhook is ${type}`);
    }
    // The bridge's own reconciliation syncs (queued by the cron's sweep, not by the app) end with an
    // outcome webhook too, by design (docs/reconciliation.md): only other kinds must be the app's.
    const unknown = [...view.outcomes.entries()]
      .filter(([opId, outs]) => !ops.has(opId) && !outs.every((o) => o.kind === "sync"))
      .map(([opId]) => opId);
    // A request that failed in transit without a key may have been stored: at most one operation each.
    if (unknown.length > ambiguous) {
      const named = unknown.map((id) => `${id} (${(view.outcomes.get(id) ?? []).map((o) => `${o.type} ${o.kind}`).join(", ")})`);
      v.push(`outcome webhooks for ${named.join(", ")}: operations the app never had accepted (${ambiguous} requests failed in transit)`);
    }

    // Order, once-only, no echoes.
    v.push(...view.violations);
    const createdIds = new Map<string, number>();
    for (const c of view.createdByAlexa) createdIds.set(c.id, (createdIds.get(c.id) ?? 0) + 1);
    for (const [id, n] of createdIds) {
      const deletes = group.webhooks("alexa.list.items.deleted").filter((w) => (w.data as { listItemIds: string[] }).listItemIds.includes(id)).length;
      if (n > deletes + 1) v.push(`item ${id} reported created ${n} times`);
    }
    for (const c of view.createdByAlexa) if (view.ownCreates.has(c.id)) v.push(`the app's own create ${c.id} came back as alexa.list.items.created (${c.webhookId})`);

    // No 5xx but the documented 503s.
    for (const d of group.names.flatMap((n) => emu.deliveries.list({ person: n }))) {
      for (const at of d.attempts) if (at.status !== undefined && at.status >= 500 && at.status !== 503) fivexx.push(`${d.type} ${d.requestId}: ${at.status} ${at.response ?? ""}`);
    }
    v.push(...fivexx.map((x) => `5xx: ${x}`));
  } catch (e) {
    v.push(`the run itself failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
  return { violations: v, commands: cmds.length, done, cut, ms: Date.now() - t0, ...(v.length ? { trace: traceOf(s, group.names, group.webhooks()) } : {}) };
}

/**
 * What Alexa delivered to the bridge for one person (each attempt and its
 * answer) and what the app received, merged in time order: the first thing to
 * read after a violation.
 */
function traceOf(s: SoakStack, people: string[], hooks: WebhookRecord[]): string[] {
  const rows: { at: string; line: string }[] = [];
  for (const d of people.flatMap((person) => s.stack.emulator.emulator.deliveries.list({ person }))) {
    const c = d.content as { listId?: string; listItemIds?: string[]; opId?: string } | null;
    const what = c?.listItemIds ? `${c.listId?.slice(-12)} ${c.listItemIds.join(",")}` : c?.opId ? `op ${c.opId}` : "";
    for (const a of d.attempts) rows.push({ at: a.at, line: `alexa → bridge ${d.id} ${d.person} ${d.type} ${what} → ${a.status ?? a.error} (${a.ms} ms)` });
    if (d.attempts.length === 0) rows.push({ at: d.createdAt, line: `alexa → bridge ${d.id} ${d.type} ${what}: ${d.state}, never attempted` });
  }
  for (const w of hooks) {
    rows.push({ at: w.receivedAt, line: `bridge → app ${w.webhookId} ${w.type} ${w.userId ?? ""} ${JSON.stringify(w.data).slice(0, 400)}` });
  }
  return rows.sort((a, b) => a.at.localeCompare(b.at)).map((r) => `${r.at} ${r.line}`);
}

/** Worker log lines that show an unhandled error. */
export function workerErrors(lines: readonly string[]): string[] {
  return lines.filter((l) => /uncaught|unhandled|\[ERROR\]/i.test(l));
}

// ---------------------------------------------------------------- check

export interface SoakCheck {
  seed: number;
  path?: string;
  maxCommands: number;
  /** How long shrinking may take (ms). */
  shrinkMs: number;
  /** Per run: stop issuing commands after this long (see {@link runSequence}). Default: no limit. */
  commandBudgetMs?: number;
  log?: (line: string) => void;
}

export interface SoakOutcome {
  ok: boolean;
  seed: number;
  /** The shortest failing sequence found, and fast-check's path for it. */
  counterexample?: Cmd[];
  path?: string;
  violations: string[];
  /** The last failing run's trace (deliveries, webhooks, the Worker's output). */
  trace?: string[];
  runs: number;
  /** The first run (the seed's own sequence): commands planned, issued, whether it was cut short. */
  first: { commands: number; done: number; cut: boolean; ms: number } | null;
  ms: number;
}

/**
 * One seeded sequence against the stack; on a violation, shrinks it (each
 * replay on a new person) within `shrinkMs` and reports the shortest that
 * still fails.
 */
export async function soakSeed(s: SoakStack, opts: SoakCheck): Promise<SoakOutcome> {
  const t0 = Date.now();
  let runs = 0;
  let lastViolations: string[] = [];
  let lastTrace: string[] = [];
  let first: SoakOutcome["first"] = null;
  const log = opts.log ?? (() => {});
  let logStart = s.workerLog.length;
  const prop = fc.asyncProperty(sequenceArb(s.store, opts.maxCommands), async (cmds) => {
    runs += 1;
    log(`run ${runs} (${cmds.length} commands)`);
    logStart = s.workerLog.length;
    const r = await runSequence(s, cmds, log, opts.commandBudgetMs === undefined ? {} : { commandBudgetMs: opts.commandBudgetMs });
    first ??= { commands: r.commands, done: r.done, cut: r.cut, ms: r.ms };
    const errors = workerErrors(s.workerLog.slice(logStart));
    const violations = [...r.violations, ...errors.map((e) => `Worker log: ${e}`)];
    log(`run ${runs}: ${violations.length ? `${violations.length} violation(s)` : "ok"}, ${r.done} of ${r.commands} commands${r.cut ? " (cut short)" : ""} in ${Math.round(r.ms / 1000)} s`);
    if (violations.length) {
      lastViolations = violations;
      lastTrace = [...(r.trace ?? []), "--- the Worker's output during the run ---", ...s.workerLog.slice(logStart)];
      for (const x of violations.slice(0, 20)) log(`    ! ${x}`);
    }
    return violations.length === 0;
  });
  const details = await fc.check(prop, {
    seed: opts.seed,
    numRuns: 1,
    ...(opts.path ? { path: opts.path } : {}),
    endOnFailure: false,
    // The first run, plus the time shrinking may take.
    interruptAfterTimeLimit: 10 * 60_000 + opts.shrinkMs,
    markInterruptAsFailure: false,
  });
  if (!details.failed) return { ok: true, seed: opts.seed, violations: [], runs, first, ms: Date.now() - t0 };
  const counterexample = details.counterexample?.[0] as Cmd[] | undefined;
  // The last failing run is the shrunk one; replaying it once more gives its violations.
  return {
    ok: false,
    seed: opts.seed,
    ...(counterexample ? { counterexample } : {}),
    path: details.counterexamplePath ?? "",
    violations: lastViolations,
    trace: lastTrace,
    runs,
    first,
    ms: Date.now() - t0,
  };
}

export function describeFailure(store: Store, o: SoakOutcome): string {
  return [
    `soak violation, store ${store}, seed ${o.seed}${o.path ? `, path ${o.path}` : ""} (${o.runs} runs, shrunk)`,
    `shortest failing sequence (${o.counterexample?.length ?? "?"} commands):`,
    ...(o.counterexample ?? []).map((c, i) => `  ${i + 1}. ${JSON.stringify(c)}`),
    "violations (of the last failing run):",
    ...o.violations.map((x) => `  - ${x}`),
    `replay exactly: npm run soak -- --store ${store} --replay '${JSON.stringify(o.counterexample ?? [])}'`,
    `regenerate: npm run soak -- --store ${store} --seed ${o.seed}`,
  ].join("\n");
}
