/**
 * @module bench/outbound
 * Section 3: how many outbound requests the Worker makes, counted at the stub
 * (same Worker-on-workerd stack as section 2).
 *
 * - **Token requests**: 50 users are enabled (signed `SkillEnabled`), then the
 *   app submits 10,000 messages through `POST /v1/users/{id}/messages`, 50
 *   submissions in flight, 200 per user. Each user's outbox sends its messages
 *   through the Skill Messaging API from its alarm, one at a time, so up to 50
 *   sends can be in flight at once (the peak seen at the stub is reported).
 *   Counted once the stub has received all 10,000 sends: Login-with-Amazon
 *   token requests (target: 1).
 * - **Concurrent duplicates**: one signed `Messaging.MessageReceived` carrying
 *   a bridge `create`, POSTed 100 times at once to `/alexa` (a fresh user);
 *   counted: List API item writes (target: 1), and the statuses answered.
 */
import { encodeBridgeMessage } from "../../src/protocol/bridge-message.ts";
import { BENCH_LIST_ID } from "../e2e/index.ts";
import { startBenchStack, type BenchStack } from "../e2e/stack.ts";
import { messageReceived, sign, skillEnabled } from "../lib/alexa-requests.ts";
import { enqueueCreates } from "../lib/rest.ts";
import { pool } from "../lib/pool.ts";
import { fmt, table, type SectionResult, type TargetCheck } from "../lib/report.ts";

const MESSAGES = 10_000;
const IN_FLIGHT = 50;
const USERS = 50;
const DUPLICATES = 100;
const DRAIN_TIMEOUT_MS = 120_000;

async function postAlexa(stack: BenchStack, req: { headers: Record<string, string>; body: string }): Promise<number> {
  const res = await fetch(`${stack.workerUrl}/alexa`, { method: "POST", headers: req.headers, body: req.body });
  await res.arrayBuffer();
  return res.status;
}

async function tokenRequests(stack: BenchStack): Promise<{ rows: string[][]; target: TargetCheck }> {
  const apiEndpoint = stack.stub.origin;
  const users = Array.from({ length: USERS }, (_, i) => `amzn1.ask.account.BENCHOUT${i}`);
  for (const [i, userId] of users.entries()) {
    const status = await postAlexa(
      stack,
      await sign(stack.pki.leafKey, skillEnabled({ userId, requestId: `amzn1.echo-api.request.out-enable-${i}`, apiEndpoint }), stack.certUrl),
    );
    if (status !== 200) throw new Error(`SkillEnabled for ${userId} answered ${status}`);
  }
  stack.stub.reset();
  const statuses = new Map<number, number>();
  const t0 = performance.now();
  await pool(MESSAGES, IN_FLIGHT, async (i) => {
    const userId = users[i % USERS]!;
    const res = await fetch(`${stack.workerUrl}/v1/users/${encodeURIComponent(userId)}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.apiToken}`, "content-type": "application/json" },
      body: JSON.stringify({ data: { text: `bench message ${i}` } }),
    });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  });
  const submitted = performance.now() - t0;
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (stack.stub.counts.skillMessages < MESSAGES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const drained = performance.now() - t0;
  const sent = stack.stub.counts.skillMessages;
  const tokens = stack.stub.counts.tokenRequests;
  const accepted = statuses.get(202) ?? 0;
  const statusText = [...statuses.entries()].map(([s, n]) => `${n}× ${s}`).join(", ");
  return {
    rows: [
      ["Messages submitted (REST, 50 in flight)", `${MESSAGES} (${statusText}) in ${fmt(submitted / 1000)} s`],
      ["Skill Messaging sends received by the stub", `${sent}${sent < MESSAGES ? ` (gave up after ${DRAIN_TIMEOUT_MS / 1000} s)` : ""} after ${fmt(drained / 1000)} s`],
      ["Peak Skill Messaging requests open at once (at the stub)", String(stack.stub.peakConcurrentSkillMessages())],
      ["Login-with-Amazon token requests", String(tokens)],
    ],
    target: {
      target: `1 token request for ${MESSAGES.toLocaleString("en-US")} messages (${IN_FLIGHT} in flight)`,
      measured: `${tokens} token request(s); ${sent} sends, ${accepted} of ${MESSAGES} accepted`,
      met: sent >= MESSAGES && accepted === MESSAGES ? tokens === 1 : null,
    },
  };
}

async function concurrentDuplicates(stack: BenchStack): Promise<{ rows: string[][]; target: TargetCheck }> {
  const apiEndpoint = stack.stub.origin;
  const userId = "amzn1.ask.account.BENCHDUP";
  // The user is known and its outbox sent the operation: a message for an operation it never sent has no effect.
  await postAlexa(stack, await sign(stack.pki.leafKey, skillEnabled({ userId, requestId: "amzn1.echo-api.request.dup-enable", apiEndpoint }), stack.certUrl));
  const sentBefore = stack.stub.counts.skillMessages;
  const [opId] = await enqueueCreates(stack, [{ userId, list: BENCH_LIST_ID, value: "duplicate me" }]);
  const deadline = Date.now() + 30_000;
  while (stack.stub.counts.skillMessages === sentBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const body = messageReceived(
    { userId, requestId: "amzn1.echo-api.request.dup-1", apiEndpoint },
    encodeBridgeMessage({ opId: opId!, op: { kind: "create", list: BENCH_LIST_ID, value: "duplicate me" } }),
  );
  const req = await sign(stack.pki.leafKey, body, stack.certUrl);
  // Warm the chain cache and the isolate with an unrelated user first, so the 100 arrive at a warm Worker.
  await postAlexa(
    stack,
    await sign(stack.pki.leafKey, skillEnabled({ userId: "amzn1.ask.account.BENCHWARM", requestId: "amzn1.echo-api.request.dup-warm", apiEndpoint }), stack.certUrl),
  );
  stack.stub.reset();
  const codes = await Promise.all(Array.from({ length: DUPLICATES }, () => postAlexa(stack, req)));
  const writes = stack.stub.counts.listWrites;
  const statuses = new Map<number, number>();
  for (const c of codes) statuses.set(c, (statuses.get(c) ?? 0) + 1);
  const statusText = [...statuses.entries()].map(([s, n]) => `${n}× ${s}`).join(", ");
  return {
    rows: [
      ["Identical deliveries at once", `${DUPLICATES} (answers: ${statusText})`],
      ["List API item writes", String(writes)],
    ],
    target: {
      target: `1 List API write for ${DUPLICATES} identical concurrent deliveries`,
      measured: `${writes} write(s); answers ${statusText}`,
      met: writes === 1,
    },
  };
}

/**
 * Runs section 3.
 * @example const section = await benchOutbound("/work/main");
 */
export async function benchOutbound(root: string): Promise<SectionResult> {
  const stack = await startBenchStack(root, { alexaLists: "household" });
  try {
    // Tokens first: the duplicate check queues an operation, which fetches (and caches) the LWA token.
    const tok = await tokenRequests(stack);
    const dup = await concurrentDuplicates(stack);
    return {
      markdown: [
        "Counted at the local stub that stands in for Login-with-Amazon, the Skill Messaging API and the List API.",
        "",
        table(["Measure", "Value"], [...tok.rows, ...dup.rows]),
      ].join("\n"),
      targets: [tok.target, dup.target],
    };
  } finally {
    await stack.stop();
  }
}
