// What each operation costs on the household store (ALEXA_LISTS=household,
// the List Management API behind the fetch double): exact SQL statements,
// rows read and written (plus setAlarm), Durable Object calls and fetches,
// with upper bounds (test/cost/ops.ts). The skill store's operations are in
// cost.skill.test.ts; `BENCH_ONLY=cost npm run bench` prints both.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { beforeEach, expect } from "vitest";
import { shardName, shardOf } from "../../src/registry/shards.ts";
import type { UserRegistry } from "../../src/registry/user-registry.ts";
import { bridge, enqueueOp, listEvent, messageEnvelope, SHOPPING, skillEvent, userStub } from "../alexa-user/fakes.ts";
import { send, useFakes } from "../alexa-user/harness.ts";
import { countFetches } from "./meter.ts";
import { costSuite, op, settleUser } from "./ops.ts";

/** Upper bounds: [statements, rows read, rows written (SQL rows plus setAlarm)], over every object. */
const BOUNDS: Record<string, [number, number, number]> = {
  "Messaging.MessageReceived (an app create, household)": [37, 31, 21],
  "household list event (ItemsCreated, 1 item)": [25, 23, 6],
  "new user (SkillEnabled, household)": [55, 130, 46],
};

const { household } = useFakes();
beforeEach(() => countFetches());

/** A fixed user id per operation, so its registry shard (and what that costs) is the same every run. */
const uid = (tag: string) => `amzn1.ask.account.cost-household-${tag}`;

/** A known, enabled user (its object on the test clock). */
async function known(tag: string): Promise<string> {
  const u = uid(tag);
  await userStub(u);
  expect((await send(skillEvent(u, "SkillEnabled"))).status).toBe(200);
  await settleUser(u);
  return u;
}

/** Waits for the registry report the enqueue started unawaited (REST's answer does not wait for it). */
async function registryCaughtUp(u: string): Promise<void> {
  const shard = env.USER_REGISTRY.getByName(shardName(shardOf(u))) as unknown as UserRegistry;
  const want = JSON.stringify(await runInDurableObject(env.ALEXA_USER.getByName(u), (i: AlexaUser) => i.outbound.entry()));
  for (let n = 0; n < 100 && JSON.stringify(await shard.entry(u)) !== want; n++) await scheduler.wait(10);
  await settleUser(u);
}

costSuite(BOUNDS, [
  op({
    name: "Messaging.MessageReceived (an app create, household)",
    setup: async () => {
      const u = await known("message");
      const o = { kind: "create", list: "shopping", value: "milk", appItemId: "app-1" };
      const opId = await enqueueOp(env.ALEXA_USER.getByName(u), o);
      await registryCaughtUp(u);
      return { u, message: messageEnvelope(u, bridge(opId, o)) };
    },
    user: (s) => s.u,
    run: async (s) => expect((await send(s.message)).status).toBe(200),
  }),
  op({
    name: "household list event (ItemsCreated, 1 item)",
    setup: async () => {
      const u = await known("list-event");
      const item = household.addItem(SHOPPING, "milk");
      return { u, event: listEvent(u, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }) };
    },
    user: (s) => s.u,
    run: async (s) => expect((await send(s.event)).status).toBe(200),
  }),
  op({
    name: "new user (SkillEnabled, household)",
    setup: async () => {
      const u = uid("new");
      await (env.USER_REGISTRY.getByName(shardName(shardOf(u))) as unknown as UserRegistry).size();
      return u;
    },
    user: (u) => u,
    run: async (u) => expect((await send(skillEvent(u, "SkillEnabled"))).status).toBe(200),
  }),
]);
