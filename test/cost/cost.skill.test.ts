// What each operation costs on the skill store (ALEXA_LISTS=skill): exact SQL
// statements, rows read and written (plus setAlarm), Durable Object calls and
// fetches, with upper bounds (test/cost/ops.ts). Voice turns go through the
// Worker's dispatch (after signature verification, which touches no storage),
// REST calls through the Worker's fetch. `BENCH_ONLY=cost npm run bench`
// prints the same counts as a table (BENCHMARKS.md, "Cost per operation").
import { env, exports } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/user/alexa-user.ts";
import { shardName, shardOf } from "../../src/registry/shards.ts";
import type { UserRegistry } from "../../src/registry/user-registry.ts";
import { clock, skillEvent } from "../user/fakes.ts";
import { send, useFakes } from "../user/harness.ts";
import { API_TOKEN, Conversation, enabledUser, userPath } from "../user/lists/skill-harness.ts";
import { countFetches } from "./meter.ts";
import { costSuite, op, settleUser } from "./ops.ts";

/**
 * Upper bounds per operation: [statements, rows read, rows written (SQL rows
 * plus setAlarm)], over every object. Lower them when a change saves rows.
 */
const BOUNDS: Record<string, [number, number, number]> = {
  "voice add, 1 item": [30, 37, 7],
  "voice add, 3 items": [32, 43, 15],
  "voice read (3 items)": [18, 30, 0],
  "voice check off": [30, 44, 4],
  "voice undo (of an add)": [26, 30, 4],
  "cold start: voice read after eviction": [22, 35, 0],
  "REST create": [15, 17, 13],
  "REST update": [15, 19, 8],
  "REST GET lists (3 items)": [4, 8, 0],
  "new user (SkillEnabled)": [70, 172, 66],
  "cron sweep, per due user": [9, 12, 2],
  "webhook delivered (alarm)": [26, 35, 2],
  "webhook retried (alarm, app answers 503)": [25, 34, 2],
};

const { app } = useFakes();
beforeEach(() => countFetches());

/** A fixed user id per operation: the registry shard it lands on (and so what that costs) is the same every run. */
const uid = (tag: string) => `amzn1.ask.account.cost-skill-${tag}`;

/** An enabled user and a conversation, with `items` already on the shopping list. */
async function person(tag: string, items: string[] = []): Promise<Conversation> {
  const id = uid(tag);
  await enabledUser(id);
  const c = new Conversation(id);
  // Steady state: the first voice turn creates the default lists.
  await c.intent("ReadListIntent", {});
  if (items.length > 0) await c.intent("AddItemsIntent", { items: items.join(" and ") });
  await settleUser(id);
  return c;
}

/** A REST call through the Worker's fetch. */
async function rest(method: string, path: string, body?: unknown): Promise<Response> {
  const res = await exports.default.fetch(`https://bridge.test${path}`, {
    method,
    headers: { authorization: `Bearer ${API_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
  return res;
}

const voice = (tag: string, items: string[] = []) => () => person(tag, items);
const userOf = (c: Conversation) => c.userId;
const ok = async (t: Promise<{ status: number }>) => expect((await t).status).toBe(200);

/** A user whose one queued webhook (an add) the app refused once, so it waits in the queue. */
async function queuedWebhook(tag: string): Promise<Conversation> {
  const c = await person(tag);
  app.status = 503;
  await c.intent("AddItemsIntent", { items: "milk" });
  await runInDurableObject(env.ALEXA_USER.getByName(c.userId), (i: AlexaUser) => i.idle());
  clock.t += 60 * 60 * 1000;
  return c;
}

costSuite(BOUNDS, [
  op({ name: "voice add, 1 item", setup: voice("add1"), user: userOf, run: (c) => ok(c.intent("AddItemsIntent", { items: "milk" })), time: 21 }),
  op({ name: "voice add, 3 items", setup: voice("add3"), user: userOf, run: (c) => ok(c.intent("AddItemsIntent", { items: "milk eggs and bread" })) }),
  op({ name: "voice read (3 items)", setup: voice("read", ["milk", "eggs", "bread"]), user: userOf, run: (c) => ok(c.intent("ReadListIntent", {})), time: 21 }),
  op({ name: "voice check off", setup: voice("check", ["milk"]), user: userOf, run: (c) => ok(c.intent("CheckOffItemIntent", { item: "milk" })) }),
  op({ name: "voice undo (of an add)", setup: voice("undo", ["milk"]), user: userOf, run: (c) => ok(c.intent("UndoIntent")) }),
  op({
    name: "cold start: voice read after eviction",
    setup: async () => {
      const c = await person("cold", ["milk", "eggs", "bread"]);
      await settleUser(c.userId);
      await evictDurableObject(env.ALEXA_USER.getByName(c.userId));
      return c;
    },
    user: userOf,
    run: (c) => ok(c.intent("ReadListIntent", {})),
    // The constructor: one schema-version SELECT per schema (user object, skill lists), no DDL.
    check: (_c, cost) => {
      expect(cost.log.filter(([, q]) => /^\s*CREATE/i.test(q))).toEqual([]);
      expect(cost.log.filter(([, q]) => q.includes("schema_version"))).toHaveLength(2);
    },
  }),
  op({ name: "REST create", setup: voice("rcreate"), user: userOf, run: (c) => rest("POST", userPath(c.userId, "/lists/shopping/items"), { value: "milk", appItemId: "a1" }) }),
  op({
    name: "REST update",
    setup: async () => {
      const c = await person("rupdate");
      await rest("POST", userPath(c.userId, "/lists/shopping/items"), { value: "milk", appItemId: "a1" });
      return c;
    },
    user: userOf,
    run: (c) => rest("PATCH", userPath(c.userId, "/lists/shopping/items/a1"), { value: "oat milk" }),
  }),
  op({ name: "REST GET lists (3 items)", setup: voice("rget", ["milk", "eggs", "bread"]), user: userOf, run: (c) => rest("GET", userPath(c.userId, "/lists")) }),
  op({
    name: "new user (SkillEnabled)",
    setup: async () => {
      const u = uid("new");
      // Steady state: the user's registry shard exists already (64 shards, created by the first users).
      await (env.USER_REGISTRY.getByName(shardName(shardOf(u))) as unknown as UserRegistry).size();
      return u;
    },
    user: (u) => u,
    run: (u) => ok(send(skillEvent(u, "SkillEnabled"))),
  }),
  op({
    name: "cron sweep, per due user",
    setup: async () => {
      const c = await person("sweep");
      const shard = env.USER_REGISTRY.getByName(shardName(shardOf(c.userId)));
      // Its entry due (as for its daily reconciliation): the shard pokes the object.
      clock.t += 25 * 60 * 60 * 1000;
      await (shard as unknown as UserRegistry).put(c.userId, { enabled: true, nextSyncAt: clock.t - 1, nextDueAt: null, at: clock.t });
      return { c, shard };
    },
    user: ({ c }) => c.userId,
    run: ({ shard }) => (shard as unknown as DurableObjectStub<UserRegistry>).runDue(clock.t, 500, 6),
  }),
  op({
    name: "webhook delivered (alarm)",
    setup: () => queuedWebhook("hook-ok"),
    user: userOf,
    run: async (c) => {
      app.status = 200;
      await runDurableObjectAlarm(env.ALEXA_USER.getByName(c.userId));
    },
    check: () => expect(app.accepted().map((b) => b.type)).toContain("alexa.list.items.created"),
  }),
  op({
    name: "webhook retried (alarm, app answers 503)",
    setup: () => queuedWebhook("hook-retry"),
    user: userOf,
    run: async (c) => {
      app.status = 503;
      await runDurableObjectAlarm(env.ALEXA_USER.getByName(c.userId));
    },
  }),
  // TODO(coordinator, once /mcp lands, issue 20): one row "MCP tool call (add_items)" here, through exports.default.fetch("https://bridge.test/mcp", …).
]);



/**
 * Bytes of a user's database (`databaseSize`) with n items on the shopping list: [items, most bytes].
 * Two pages (8 KiB) of slack above the measured size: where SQLite puts a page can depend on when the
 * object's background work (its registry report, a failed first webhook try) falls between the creates.
 */
const STORAGE_BOUNDS: [number, number][] = [
  [0, 167_936],
  [10, 176_128],
  [500, 593_920],
];

describe("storage per user (databaseSize)", () => {
  for (const [n, max] of STORAGE_BOUNDS) {
    it(`${n} items`, async (ctx) => {
      const c = await person(`size-${n}`);
      // As REST creates would, without 500 HTTP round trips: the object's own entry point. The app is
      // down meanwhile and the webhooks are delivered after, so the file's pages come out the same every run.
      app.status = 503;
      await runInDurableObject(env.ALEXA_USER.getByName(c.userId), async (i: AlexaUser) => {
        for (let k = 0; k < n; k++) await i.enqueueOperation({ kind: "create", list: "shopping", value: `item ${k}` } as never, {});
        await i.idle();
        app.status = 200;
        clock.t += 60 * 60 * 1000;
        while (i.webhooks.pendingCount() > 0) await i.webhooks.drain();
      });
      await settleUser(c.userId);
      const bytes = await runInDurableObject(env.ALEXA_USER.getByName(c.userId), (_i: AlexaUser, state) => state.storage.sql.databaseSize);
      (ctx.task.meta as Record<string, unknown>).storage = { items: n, bytes };
      expect(bytes, `bytes with ${n} items`).toBeLessThanOrEqual(max + 2 * 4096);
    }, 120_000);
  }
});
