// What each operation costs on the skill store (ALEXA_LISTS=skill): exact SQL
// statements, rows read and written (plus setAlarm), Durable Object calls and
// fetches, with upper bounds (test/cost/ops.ts). Voice turns go through the
// Worker's dispatch (after signature verification, which touches no storage):
// a member's turn goes from the Worker straight to its list space (the Alexa
// user's object is not reached); REST calls through the Worker's fetch. Every
// object an operation touches is counted (the meter sees every namespace). MCP
// tool calls go through the Worker's fetch (its `/mcp` route) with the MCP
// endpoint on and a valid app token (the test Worker's own vars have neither).
// `BENCH_ONLY=cost npm run bench` prints the same counts as a table
// (BENCHMARKS.md, "Cost per operation").
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, evictDurableObject, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { shardName, shardOf } from "../../src/registry/shards.ts";
import type { UserRegistry } from "../../src/registry/user-registry.ts";
import { clock, skillEvent, userStub } from "../alexa-user/fakes.ts";
import { send } from "../alexa-user/harness.ts";
import type { Env } from "../../src/env.ts";
import worker from "../../src/index.ts";
import type { ListSpace } from "../../src/space/list-space.ts";
import { personalSpaceId } from "../../src/space/space-id.ts";
import { UNDO_DEPTH } from "../../src/space/undo-journal.ts";
import { enableAndLink, linkingEnv, useLinkingFakes } from "../linking/linking-harness.ts";
import { API_TOKEN, Conversation, enabledUser, spaceStub, userPath } from "../space/skill-harness.ts";
import { countFetches } from "./meter.ts";
import { costSuite, op, settleSpace, settleUser, type Bounds } from "./ops.ts";

/**
 * Upper bounds per operation: [statements, rows read, rows written (SQL rows
 * plus setAlarm)], over every object. Lower them when a change saves rows.
 */
const BOUNDS: Record<string, [number, number, number] | Bounds> = {
  "voice add, 1 item": [16, 14, 6],
  "voice add, 1 item (undo journal full)": [16, 96, 6],
  "voice add, 1 item (another add's alarm pending)": [16, 19, 5],
  "voice add, 3 items": [18, 18, 10],
  "voice create list": [14, 17, 6],
  "voice read (3 items)": [6, 14, 0],
  "voice check off": [16, 19, 4],
  "voice undo (of an add)": [14, 17, 4],
  "cold start: voice read after eviction": [8, 17, 0],
  "REST create": [13, 12, 11],
  "REST update": [13, 14, 8],
  "REST GET lists (3 items)": [6, 10, 0],
  "new user (SkillEnabled)": [25, 27, 16],
  "first voice turn of a new user (creates its list space)": [45, 76, 40],
  "cron sweep, per due user": [4, 3, 2],
  "webhook delivered (alarm)": [11, 19, 1],
  "webhook retried (alarm, app answers 503)": [10, 18, 2],
  // A tool call is one request to the space; the add's webhook is its one fetch (the key set is cached).
  "MCP tool call: add_items, 1 item": { statements: 16, rowsRead: 13, rowsWritten: 6, calls: 1, fetches: 1 },
  "MCP tool call: read_list (3 items)": { statements: 4, rowsRead: 12, rowsWritten: 0, calls: 1, fetches: 0 },
};

// The skill tests' fakes, plus the app's OAuth server (its JWKS) for the MCP rows' tokens.
const fx = useLinkingFakes();
const { app } = fx;
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
  await settleSpace(await personalSpaceId(id));
  return c;
}

/** The person's personal space (the one its lists are in, unlinked). */
const spaceOf = (c: Conversation) => personalSpaceId(c.userId);

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

/** What a change adds: "milk" in the counted run, another item in each of the 21 timed ones (so each adds, not "already there"). */
const GROCERIES = "milk apples bananas butter cheese coffee flour garlic honey jam lemons lettuce onions pasta pepper rice salt sugar tea tomatoes yogurt oats".split(" ");
const grocery = (k: number) => GROCERIES[k]!;
/** A voice add of `grocery(k)` that really adds it. */
const added = async (c: Conversation, k: number) => expect((await c.intent("AddItemsIntent", { items: grocery(k) })).ssml).toContain(`Added ${grocery(k)} to`);

const MCP_URL = "https://bridge.test/mcp";

/** An assistant (MCP client) acting in the linked space of app user `space`: its token, valid for the endpoint. */
interface Assistant {
  space: string;
  token: string;
}

/** One `tools/call` through the Worker's fetch, with the MCP endpoint on and token checks against the fixture's JWKS. */
async function mcp(a: Assistant, name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const request = new Request(MCP_URL, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${a.token}` },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  const e = { ...linkingEnv(), MCP_RESOURCE_URL: MCP_URL } as Env;
  const res = await worker.fetch(request as Parameters<typeof worker.fetch>[0], e, createExecutionContext());
  const body = (await res.json()) as { result?: { isError?: boolean; structuredContent: Record<string, unknown> } };
  if (res.status !== 200 || !body.result || body.result.isError) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
  return body.result.structuredContent;
}

/**
 * A person who enabled the skill and linked app user `cost-mcp-<tag>` (that
 * space holds their lists), `items` on the shopping list, and an assistant's
 * token for the space. Steady state: the space and its default lists exist,
 * the isolate holds the app's key set and the token's verdict (a client
 * reuses its access token until it expires).
 */
async function assistant(tag: string, items: string[] = []): Promise<Assistant> {
  const space = `cost-mcp-${tag}`;
  await enableAndLink(linkingEnv(), uid(`mcp-${tag}`), await fx.oauth.token({ sub: space }));
  await spaceStub(space);
  const a = { space, token: await fx.oauth.token({ sub: space, aud: MCP_URL, claims: { client_id: "alexa-plus" } }) };
  await mcp(a, "read_list");
  if (items.length > 0) await mcp(a, "add_items", { items });
  await settleSpace(space);
  return a;
}
const userOf = (c: Conversation) => c.userId;
const ok = async (t: Promise<{ status: number }>) => expect((await t).status).toBe(200);

/** A user whose one queued webhook (an add) the app refused once, so it waits in the queue. */
async function queuedWebhook(tag: string): Promise<Conversation> {
  const c = await person(tag);
  app.status = 503;
  await c.intent("AddItemsIntent", { items: "milk" });
  await settleUser(c.userId);
  await settleSpace(await personalSpaceId(c.userId));
  clock.t += 60 * 60 * 1000;
  return c;
}

costSuite(BOUNDS, [
  op({ name: "voice add, 1 item", setup: voice("add1"), user: userOf, space: spaceOf, run: added, time: 21 }),
  op({
    name: "voice add, 1 item (undo journal full)",
    // The honest steady state: the speaker's journal holds UNDO_DEPTH entries, so the change replaces the oldest.
    setup: async () => {
      const c = await person("add1-full");
      for (let k = 0; k < UNDO_DEPTH; k++) await ok(c.intent("AddItemsIntent", { items: `item ${k}` }));
      await settleSpace(await personalSpaceId(c.userId));
      // Their backstop alarm has fired (nothing was left to send), as it has by the next turn after a quiet spell.
      await runDurableObjectAlarm(env.LIST_SPACES.getByName(await personalSpaceId(c.userId)));
      return c;
    },
    user: userOf,
    space: spaceOf,
    run: (c) => ok(c.intent("AddItemsIntent", { items: "milk" })),
  }),
  op({
    name: "voice add, 1 item (another add's alarm pending)",
    // A second add within SPACE_WEBHOOK_BACKSTOP_MS of the first: the backstop alarm set then still covers it.
    setup: voice("add1-again", ["eggs"]),
    user: userOf,
    space: spaceOf,
    run: (c) => ok(c.intent("AddItemsIntent", { items: "milk" })),
    check: (_c, cost) => expect(cost.setAlarm).toBe(0),
  }),
  op({ name: "voice add, 3 items", setup: voice("add3"), user: userOf, space: spaceOf, run: (c) => ok(c.intent("AddItemsIntent", { items: "milk eggs and bread" })) }),
  op({ name: "voice create list", setup: voice("newlist"), user: userOf, space: spaceOf, run: (c) => ok(c.intent("CreateListIntent", { listName: "hardware store" })) }),
  op({ name: "voice read (3 items)", setup: voice("read", ["milk", "eggs", "bread"]), user: userOf, space: spaceOf, run: (c) => ok(c.intent("ReadListIntent", {})), time: 21 }),
  op({ name: "voice check off", setup: voice("check", ["milk"]), user: userOf, space: spaceOf, run: (c) => ok(c.intent("CheckOffItemIntent", { item: "milk" })) }),
  op({ name: "voice undo (of an add)", setup: voice("undo", ["milk"]), user: userOf, space: spaceOf, run: (c) => ok(c.intent("UndoIntent")) }),
  op({
    name: "cold start: voice read after eviction",
    setup: async () => {
      const c = await person("cold", ["milk", "eggs", "bread"]);
      await evictDurableObject(env.ALEXA_USER.getByName(c.userId));
      await evictDurableObject(env.LIST_SPACES.getByName(await personalSpaceId(c.userId)));
      return c;
    },
    // A member's turn reaches only its space: settling the user's object would start it (uncounted by the turn).
    user: () => null,
    space: spaceOf,
    run: (c) => ok(c.intent("ReadListIntent", {})),
    // The space's constructor: one schema-version SELECT, no DDL; the user's object is not started.
    check: (_c, cost) => {
      expect(cost.log.filter(([, q]) => /^\s*CREATE/i.test(q))).toEqual([]);
      expect(cost.log.filter(([, q]) => q.includes("schema_version"))).toHaveLength(1);
      expect(cost.byClass.ALEXA_USER?.statements ?? 0).toBe(0);
    },
  }),
  op({ name: "REST create", setup: voice("rcreate"), user: userOf, space: spaceOf, run: (c) => rest("POST", userPath(c.userId, "/lists/shopping/items"), { value: "milk", appItemId: "a1" }) }),
  op({
    name: "REST update",
    setup: async () => {
      const c = await person("rupdate");
      await rest("POST", userPath(c.userId, "/lists/shopping/items"), { value: "milk", appItemId: "a1" });
      return c;
    },
    user: userOf,
    space: spaceOf,
    run: (c) => rest("PATCH", userPath(c.userId, "/lists/shopping/items/a1"), { value: "oat milk" }),
  }),
  op({ name: "REST GET lists (3 items)", setup: voice("rget", ["milk", "eggs", "bread"]), user: userOf, space: spaceOf, run: (c) => rest("GET", userPath(c.userId, "/lists")) }),
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
    // SkillEnabled creates no list space (src/alexa-user/space-turns.ts): the first use pays for it, its
    // schema, default lists and member row, and the user's membership row.
    name: "first voice turn of a new user (creates its list space)",
    setup: async () => {
      const id = uid("first-turn");
      await userStub(id);
      expect((await send(skillEvent(id, "SkillEnabled"))).status).toBe(200);
      await settleUser(id);
      return new Conversation(id);
    },
    user: userOf,
    space: spaceOf,
    run: async (c) => {
      // The space starts here (counted), on the test clock as the Worker's hop to it would start it.
      await spaceStub(await personalSpaceId(c.userId));
      await ok(c.intent("ReadListIntent", {}));
    },
    check: (_c, cost) => expect(cost.byClass.LIST_SPACES?.objects).toBe(1),
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
    space: spaceOf,
    run: async (c) => {
      app.status = 200;
      await runDurableObjectAlarm(env.LIST_SPACES.getByName(await personalSpaceId(c.userId)));
    },
    check: () => expect(app.accepted().map((b) => b.type)).toContain("alexa.list.items.created"),
  }),
  op({
    name: "webhook retried (alarm, app answers 503)",
    setup: () => queuedWebhook("hook-retry"),
    user: userOf,
    space: spaceOf,
    run: async (c) => {
      app.status = 503;
      await runDurableObjectAlarm(env.LIST_SPACES.getByName(await personalSpaceId(c.userId)));
    },
  }),
  // An assistant's call reaches only the space (the Alexa user's object is not involved).
  op({
    name: "MCP tool call: add_items, 1 item",
    setup: () => assistant("add"),
    user: () => null,
    space: async (a) => a.space,
    run: async (a, k) => expect((await mcp(a, "add_items", { items: [grocery(k)] })).added).toEqual([grocery(k)]),
    time: 21,
  }),
  op({ name: "MCP tool call: read_list (3 items)", setup: () => assistant("read", ["milk", "eggs", "bread"]), user: () => null, space: async (a) => a.space, run: (a) => mcp(a, "read_list"), time: 21 }),
]);



/**
 * Bytes of a person's databases (`databaseSize`: its Alexa user's object plus its personal list
 * space) with n items on the shopping list: [items, most bytes]. Two pages (8 KiB) of slack above the
 * measured size: where SQLite puts a page can depend on when background work (the registry report, a
 * failed first webhook try) falls between the creates.
 */
const STORAGE_BOUNDS: [number, number][] = [
  [0, 110_592],
  [10, 122_880],
  [500, 544_768],
];

/**
 * Most bytes of a new user who never used the lists (SkillEnabled only: its Alexa user's object, no list space).
 * SQLite keeps every table in at least one 4 KiB page: the catalogue, the version table, profile, dedupe
 * records, webhook queue, and the alarm's metadata (workerd's `_cf_METADATA`).
 */
const NEW_USER_MAX_BYTES = 6 * 4096;

describe("storage per user (databaseSize)", () => {
  it("a new user, lists never used (SkillEnabled only)", async (ctx) => {
    const id = uid("size-new");
    await userStub(id);
    expect((await send(skillEvent(id, "SkillEnabled"))).status).toBe(200);
    await settleUser(id);
    const user = await runInDurableObject(env.ALEXA_USER.getByName(id), (_o: unknown, state) => state.storage.sql.databaseSize);
    const spaces = await listDurableObjectIds(env.LIST_SPACES);
    const personal = env.LIST_SPACES.idFromName(await personalSpaceId(id));
    expect(spaces.some((s) => s.equals(personal)), "no list space before the first use").toBe(false);
    (ctx.task.meta as Record<string, unknown>).storage = { items: 0, bytes: user, user, space: 0, label: "new user, lists never used (SkillEnabled only)" };
    // Deterministic: no background work falls between the creates (one request, its webhook sent after).
    expect(user).toBeLessThanOrEqual(NEW_USER_MAX_BYTES);
  });

  for (const [n, max] of STORAGE_BOUNDS) {
    it(`${n} items`, async (ctx) => {
      const c = await person(`size-${n}`);
      const space = env.LIST_SPACES.getByName(await personalSpaceId(c.userId));
      // As REST creates would, without 500 HTTP round trips: the space's own entry point. The app is
      // down meanwhile and the webhooks are delivered after, so the file's pages come out the same every run.
      app.status = 503;
      await runInDurableObject(space, async (o: ListSpace) => {
        o.now = () => clock.t;
        for (let k = 0; k < n; k++) await o.enqueueOperation({ kind: "create", list: "shopping", value: `item ${k}` } as never, {});
        await o.idle();
        app.status = 200;
        clock.t += 60 * 60 * 1000;
        while (o.webhooks.pendingCount() > 0) await o.webhooks.drain();
      });
      await settleUser(c.userId);
      const size = (stub: DurableObjectStub) => runInDurableObject(stub, (_o: unknown, state) => state.storage.sql.databaseSize);
      const user = await size(env.ALEXA_USER.getByName(c.userId));
      const spaceBytes = await size(space);
      const bytes = user + spaceBytes;
      (ctx.task.meta as Record<string, unknown>).storage = { items: n, bytes, user, space: spaceBytes };
      expect(bytes, `bytes with ${n} items (user ${user}, space ${spaceBytes})`).toBeLessThanOrEqual(max + 2 * 4096);
    }, 120_000);
  }
});
