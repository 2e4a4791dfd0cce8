/**
 * End-to-end harness: a real `wrangler dev` (fresh `--persist-to` temp dir,
 * free port, `--test-scheduled`) wired to the Alexa emulator and the fake app
 * in this process, through the same code as `npm start` (scripts/lib/stack).
 *
 * Speed knobs, all public configuration: the emulator's redelivery schedule
 * is scaled to milliseconds (200 ms doubling, 2 s cap, 2 min window); the
 * Worker keeps its production delays (its own backoffs are short enough for
 * the faults injected here).
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { WebhookRecord } from "../../emulator/app/webhook-log.ts";
import { BridgeClient } from "../../emulator/app/bridge-client.ts";
import type { PersonView } from "../../emulator/people.ts";
import { STACK_START_MS, STACK_STOP_MS } from "../../scripts/lib/budgets.ts";
import { type Stack, startScratchStack } from "../../scripts/lib/stack.ts";
import { eventually } from "../../scripts/lib/eventually.ts";
import { contractChecker } from "./contract.ts";

export interface Activity {
  deliveries: number;
  turns: number;
  webhooks: number;
  rest: number;
}

export interface E2E {
  stack: Stack;
  bridge: BridgeClient;
  /**
   * Every REST answer (through `bridge`) and webhook body (the fake app's log)
   * that did not match openapi.json; `stop()` fails when there are any.
   */
  contractViolations: string[];
  /** The Worker's output so far (shown when a test fails). */
  workerLog: string[];
  /** What the stack did so far (for the one line per test, {@link reportRuns}): Alexa deliveries, voice turns, webhooks, REST calls. */
  activity(): Activity;
  stop(): Promise<void>;
}

/** Starts the stack (the Worker with `alexaLists` as ALEXA_LISTS); ~5-10 s, most of it wrangler's start-up. */
export async function startE2E(opts: { alexaLists: "skill" | "household" }): Promise<E2E> {
  const { stack, secrets, workerLog, stop } = await startScratchStack({ alexaLists: opts.alexaLists, tmpPrefix: "alb-e2e-" });
  // The contract, checked in one place: the REST client's fetch and the fake app's webhook log.
  const contract = contractChecker();
  const contractViolations: string[] = [];
  // Counted from the emulator's event bus and the wrappers below (the emulator's own logs are capped).
  const deliveries = new Set<string>();
  const counts = { turns: 0, webhooks: 0, rest: 0 };
  stack.emulator.emulator.events.subscribe((ev) => {
    if (ev.type === "delivery") deliveries.add((ev.data as { id: string }).id);
    else if (ev.type === "voice") counts.turns += 1;
  });
  const checkedFetch: typeof fetch = async (input, init) => {
    counts.rest += 1;
    const res = await fetch(input, init);
    const text = await res.clone().text();
    let body: unknown = text === "" ? null : text;
    try {
      body = text === "" ? null : JSON.parse(text);
    } catch {
      // not JSON: the checker reports it against the schema
    }
    contractViolations.push(...contract.response(init?.method ?? "GET", String(input), res.status, body));
    return res;
  };
  const log = stack.app.app.log;
  const record = log.record.bind(log);
  log.record = (webhookId, body, now) => {
    contractViolations.push(...contract.webhook(body));
    const fresh = record(webhookId, body, now);
    if (fresh) counts.webhooks += 1;
    return fresh;
  };
  return {
    stack,
    bridge: new BridgeClient({ baseUrl: stack.workerUrl, token: secrets.apiToken, fetch: checkedFetch }),
    contractViolations,
    workerLog,
    activity: () => ({ deliveries: deliveries.size, ...counts }),
    stop: async () => {
      await stop();
      if (contractViolations.length > 0) {
        throw new Error(`responses or webhooks off the contract (openapi.json):\n${[...new Set(contractViolations)].join("\n")}`);
      }
    },
  };
}

/**
 * The usual lifecycle of an e2e file: one stack for the file (started before
 * its tests, stopped after), handed to `use`; each test prints one line with
 * what it did and how long it took ({@link reportRuns}); a failing test prints
 * the Worker's last lines. Limits: scripts/lib/budgets.ts.
 * @example let e: E2E; useE2E({ alexaLists: "skill" }, (started) => (e = started));
 */
export function useE2E(opts: { alexaLists: "skill" | "household" }, use: (e: E2E) => void): void {
  let e: E2E | undefined;
  beforeAll(async () => {
    const t0 = Date.now();
    e = await startE2E(opts);
    console.log(`[e2e] ${opts.alexaLists} stack started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    use(e);
  }, STACK_START_MS);
  afterAll(async () => {
    await e?.stop();
  }, STACK_STOP_MS);
  reportRuns(() => e);
  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail" && e) console.log(`--- worker output (last 80 lines) ---\n${e.workerLog.slice(-80).join("\n")}`);
  });
}

/**
 * Prints one line per test: the Alexa deliveries, voice turns, webhooks and
 * REST calls it made, and its seconds (so a slow machine shows in CI's output
 * before any limit is reached).
 * @example reportRuns(() => e);
 */
export function reportRuns(stack: () => E2E | undefined): void {
  let start: (Activity & { t: number }) | null = null;
  beforeEach(() => {
    const e = stack();
    start = e ? { t: Date.now(), ...e.activity() } : null;
  });
  afterEach((ctx) => {
    const e = stack();
    if (!e || !start) return;
    const now = e.activity();
    const secs = ((Date.now() - start.t) / 1000).toFixed(1);
    console.log(
      `[e2e] ${ctx.task.name}: ${ctx.task.result?.state ?? "done"}, ${now.deliveries - start.deliveries} Alexa deliveries, ${now.turns - start.turns} voice turns, ${now.webhooks - start.webhooks} webhooks, ${now.rest - start.rest} REST calls, ${secs} s`,
    );
  });
}

export { eventually };

/** Webhooks the app received for `userId`, optionally of one type. */
export function webhooks(e: E2E, userId: string, type?: string): WebhookRecord[] {
  return e.stack.app.app.log.query({ userId, ...(type ? { type } : {}) });
}

/** Items named in `alexa.list.items.created` webhooks (and snapshots when asked), with their values. */
export function itemsCreatedAtApp(e: E2E, userId: string): { id: string; value: string; webhookId: string }[] {
  const out: { id: string; value: string; webhookId: string }[] = [];
  for (const w of webhooks(e, userId, "alexa.list.items.created")) {
    for (const item of (w.data as { items: { id: string; value: string }[] }).items) out.push({ id: item.id, value: item.value, webhookId: w.webhookId });
  }
  return out;
}

/**
 * A new person who enables the skill and grants list access; resolves once
 * the bridge has told the app (`alexa.user.permissions_changed`).
 */
export async function enabledPerson(e: E2E, name: string): Promise<PersonView & { userId: string }> {
  const emu = e.stack.emulator.emulator;
  if (!emu.people().some((p) => p.name === name)) emu.addPerson(name);
  const p = emu.enable(name, { permissions: ["read", "write"] });
  const userId = p.userId as string;
  await eventually(`${name}'s permissions webhook`, () => webhooks(e, userId, "alexa.user.permissions_changed").length > 0);
  return { ...p, userId };
}

/** Runs the Worker's cron once (wrangler dev --test-scheduled). */
export async function runCron(e: E2E): Promise<void> {
  const res = await fetch(`${e.stack.workerUrl}/cdn-cgi/local/scheduled`);
  if (!res.ok) throw new Error(`cron trigger answered ${res.status}`);
}

/** Item values on one of the person's Alexa lists (as Amazon holds them). */
export function alexaValues(e: E2E, person: string, list: string): string[] {
  return [...e.stack.emulator.emulator.list(person, list).items.values()].map((i) => i.value);
}

/** Whether every delivery to the skill so far has settled (delivered, dropped or expired). */
export function deliveriesSettled(e: E2E, person: string): boolean {
  return e.stack.emulator.emulator.deliveries
    .list({ person })
    .every((d) => d.state === "delivered" || d.state === "dropped" || d.state === "expired");
}
