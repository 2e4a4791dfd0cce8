/**
 * End to end, list spaces (skill store; issue 19, and issue 23's relinking):
 * the lists belong to the app's account or household, named by the
 * `household` claim of the linking token (the local stack's
 * APP_OAUTH_SPACE_CLAIM; the emulator's tokens carry the account's own `sub`
 * there unless `link --claim household=…` says otherwise). Each scenario is
 * checked on both sides: what people hear by voice, what the REST API holds
 * (`/v1/spaces/…`, `/v1/app-users/…`, `/v1/users/…`) and what the app
 * received as webhooks. One stack for the file; every scenario uses its own
 * people and households.
 */
import { describe, expect, it } from "vitest";
import type { WebhookRecord } from "../../emulator/app/webhook-log.ts";
import type { VoiceTurn } from "../../emulator/voice.ts";
import type { HeldList, Space, WebhookItem as Item } from "../../src/contract/schemas.ts";
import { TEST_MS, WAIT_MS } from "../../scripts/lib/budgets.ts";
import { type E2E, eventually, useE2E } from "./harness.ts";

let e: E2E;
useE2E({ alexaLists: "skill" }, (started) => (e = started));

const emu = (): E2E["stack"]["emulator"]["emulator"] => e.stack.emulator.emulator;

type ItemsHook = WebhookRecord & { data: { items: Item[]; source?: string } };

/** Says `text` as `person` and expects a usable 200 answer. */
async function say(person: string, text: string): Promise<VoiceTurn> {
  const t = await emu().say(person, text);
  expect(t.status, `"${text}": ${t.error ?? ""} ${JSON.stringify(t.response)}`).toBe(200);
  expect(t.error, `"${text}"`).toBeUndefined();
  if (t.sessionOpen) await emu().endSession(person);
  return t;
}

/** `GET /v1/<segments>/lists`, 200 expected. */
async function lists(...segments: string[]): Promise<HeldList[]> {
  const res = await e.bridge.request<{ lists: HeldList[] }>("GET", [...segments, "lists"]);
  expect(res.status, `GET /v1/${segments.join("/")}/lists: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body.lists;
}

/** `kind`'s active and completed values on the lists, sorted. */
function values(held: HeldList[], kind: "shopping" | "todo" = "shopping"): string[] {
  return (held.find((l) => l.defaultKind === kind)?.items ?? []).map((i) => `${i.value}${i.status === "completed" ? " ✓" : ""}`).sort();
}

/** `GET /v1/spaces/{spaceId}`. */
async function space(spaceId: string): Promise<{ status: number; body: Space }> {
  const res = await e.bridge.request<Space>("GET", ["spaces", spaceId]);
  return { status: res.status, body: res.body };
}

/** Enables the skill for a new person with list access and waits until the bridge has the enablement. */
async function enabled(name: string): Promise<string> {
  if (!emu().people().some((p) => p.name === name)) emu().addPerson(name);
  const userId = emu().enable(name, { permissions: ["read", "write"] }).userId as string;
  await settled(name);
  return userId;
}

/** Links `name` (sub, household) with a token of the emulator's OAuth server and waits for the delivery. */
async function link(name: string, sub: string, household?: string): Promise<void> {
  await emu().linkAppUser(name, { sub, ...(household ? { claims: { household } } : {}) });
  await settled(name);
}

/** Every skill event of `name` delivered (or given up on: then the test fails on what follows). */
async function settled(name: string): Promise<void> {
  await eventually(`${name}'s deliveries settled`, () =>
    emu().deliveries.list({ person: name }).every((d) => ["delivered", "dropped", "expired"].includes(d.state)),
  WAIT_MS);
}

/** `alexa.list.items.*` webhooks of a space. */
const spaceHooks = (spaceId: string, type: string): ItemsHook[] => e.stack.app.app.log.query({ spaceId, type }) as ItemsHook[];
const createdValues = (spaceId: string): string[] => spaceHooks(spaceId, "alexa.list.items.created").flatMap((w) => w.data.items.map((i) => i.value));

describe("list spaces: the lists belong to the app's account or household", () => {
  it("the issue's 'Why': alice links, adds milk and honey, disables, enables, links again: she hears them, and REST shows them by app user, space and new user id", async () => {
    const first = await enabled("alice");
    await link("alice", "app-user-alice");
    const added = await say("alice", "add milk and honey to my shopping list");
    expect(added.speech).toMatch(/milk.*honey/i);
    await eventually("milk and honey at the app", () => ["milk", "honey"].every((v) => createdValues("app-user-alice").includes(v)), WAIT_MS);
    const hook = spaceHooks("app-user-alice", "alexa.list.items.created")[0]!;
    expect(hook).toMatchObject({ spaceId: "app-user-alice", userId: first, appUserId: "app-user-alice" });

    emu().disable("alice");
    await settled("alice");
    const second = await enabled("alice");
    expect(second).not.toBe(first);
    await link("alice", "app-user-alice");

    const read = await say("alice", "what's on my shopping list");
    expect(read.speech).toMatch(/milk/i);
    expect(read.speech).toMatch(/honey/i);
    expect(values(await lists("app-users", "app-user-alice"))).toEqual(["honey", "milk"]);
    expect(values(await lists("spaces", "app-user-alice"))).toEqual(["honey", "milk"]);
    expect(values(await lists("users", second))).toEqual(["honey", "milk"]);
    const s = await space("app-user-alice");
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ spaceId: "app-user-alice", kind: "linked" });
    // The disabled user id left the space; the new one is its member.
    expect(s.body.members.map((m) => [m.userId, m.appUserId])).toEqual([[second, "app-user-alice"]]);
  }, TEST_MS);

  it("two Amazon accounts linked with one household hear and change the same lists; each webhook names the space and the speaker", async () => {
    const dan = await enabled("dan");
    const eve = await enabled("eve");
    await link("dan", "dan", "fam-de");
    await link("eve", "eve", "fam-de");

    await say("dan", "add bread to my shopping list");
    const heard = await say("eve", "what's on my shopping list");
    expect(heard.speech).toMatch(/bread/i);
    await say("eve", "add butter to my shopping list");
    await say("eve", "check off bread");
    expect((await say("dan", "what's on my shopping list")).speech).toMatch(/butter/i);

    expect(values(await lists("spaces", "fam-de"))).toEqual(["bread ✓", "butter"]);
    expect(values(await lists("app-users", "dan"))).toEqual(["bread ✓", "butter"]);
    expect(values(await lists("users", eve))).toEqual(["bread ✓", "butter"]);

    const s = await space("fam-de");
    expect(s.status).toBe(200);
    expect(s.body.kind).toBe("linked");
    expect(s.body.members.map((m) => [m.userId, m.appUserId]).sort()).toEqual([[dan, "dan"], [eve, "eve"]].sort());

    const created = await eventually("both creates at the app", () => {
      const hooks = spaceHooks("fam-de", "alexa.list.items.created");
      return hooks.length >= 2 ? hooks : null;
    }, WAIT_MS);
    expect(created.map((w) => [w.data.items.map((i) => i.value).join(), w.userId, w.appUserId])).toEqual([
      ["bread", dan, "dan"],
      ["butter", eve, "eve"],
    ]);
    const checked = await eventually("the check-off at the app", () => spaceHooks("fam-de", "alexa.list.items.updated")[0], WAIT_MS);
    expect(checked).toMatchObject({ spaceId: "fam-de", userId: eve, appUserId: "eve", data: { source: "voice", items: [{ value: "bread", status: "completed" }] } });
  }, TEST_MS);

  it("a personal space's items survive linking, merged into the household: nothing dropped, nothing doubled; the app hears the merged items; the personal space is gone", async () => {
    const gus = await enabled("gus");
    await link("gus", "gus", "fam-gf");
    await say("gus", "add pears and rice to my shopping list");
    const fay = await enabled("fay");
    await say("fay", "add apples and pears to my shopping list");
    await say("fay", "add call the plumber to my to-do list");
    const personal = await eventually("fay's personal webhooks", () =>
      e.stack.app.app.log.query({ userId: fay, type: "alexa.list.items.created" }).find((w) => w.spaceId !== undefined)?.spaceId,
    WAIT_MS);
    expect(personal).not.toBe("fam-gf");
    expect(await space(personal)).toMatchObject({ status: 200, body: { kind: "personal", members: [{ userId: fay, appUserId: null }] } });

    await link("fay", "fay", "fam-gf");
    expect(values(await lists("spaces", "fam-gf"))).toEqual(["apples", "pears", "rice"]);
    expect(values(await lists("spaces", "fam-gf"), "todo")).toEqual(["call the plumber"]);
    expect(values(await lists("users", gus))).toEqual(["apples", "pears", "rice"]);
    const heard = await say("fay", "what's on my shopping list");
    for (const v of ["apples", "pears", "rice"]) expect(heard.speech).toMatch(new RegExp(v, "i"));

    // The app hears what the merge brought in as webhooks of the household, once; pears was there already.
    await eventually("the merged items at the app", () => ["apples", "call the plumber"].every((v) => createdValues("fam-gf").includes(v)), WAIT_MS);
    expect(createdValues("fam-gf").sort()).toEqual(["apples", "call the plumber", "pears", "rice"]);
    expect((await space(personal)).status).toBe(404);
    const s = await space("fam-gf");
    expect(s.body.members.map((m) => m.userId).sort()).toEqual([fay, gus].sort());
  }, TEST_MS);

  it("undo reverts the speaker's own latest change, never a family member's", async () => {
    await enabled("hal");
    await enabled("ivy");
    await link("hal", "hal", "fam-hi");
    await link("ivy", "ivy", "fam-hi");
    await say("hal", "add cheese to my shopping list");
    await say("ivy", "add jam to my shopping list");
    const undone = await say("hal", "undo");
    expect(undone.speech).toMatch(/cheese/i);
    expect(values(await lists("spaces", "fam-hi"))).toEqual(["jam"]);
    await say("ivy", "undo");
    expect(values(await lists("spaces", "fam-hi"))).toEqual([]);
  }, TEST_MS);

  it("the app fills a household's lists before anyone links; who links hears them; DELETE /v1/spaces/{id} erases the space for good", async () => {
    const made = await e.bridge.request("POST", ["spaces", "fam-pre", "lists", "shopping", "items"], { value: "olive oil", appItemId: "app-oil" });
    expect(made.status, JSON.stringify(made.body)).toBe(202);
    const nat = await enabled("nat");
    await link("nat", "nat", "fam-pre");
    expect((await say("nat", "what's on my shopping list")).speech).toMatch(/olive oil/i);
    expect(values(await lists("users", nat))).toEqual(["olive oil"]);

    const erased = await e.bridge.request("DELETE", ["spaces", "fam-pre"]);
    expect(erased.status).toBe(204);
    expect((await space("fam-pre")).status).toBe(404);
    expect((await e.bridge.request("GET", ["spaces", "fam-pre", "lists"])).status).toBe(404);
    // A read by a former member does not bring the old lists back.
    expect((await say("nat", "what's on my shopping list")).speech).not.toMatch(/olive oil/i);
  }, TEST_MS);

  it("relinking an Alexa account to another app account moves it: the old app user and household no longer resolve to it", async () => {
    const jan = await enabled("jan");
    await link("jan", "jan-old", "fam-old");
    await say("jan", "add tea to my shopping list");
    await link("jan", "jan-new", "fam-new");
    await say("jan", "add coffee to my shopping list");

    expect(values(await lists("spaces", "fam-new"))).toEqual(["coffee"]);
    expect(values(await lists("users", jan))).toEqual(["coffee"]);
    expect(values(await lists("app-users", "jan-new"))).toEqual(["coffee"]);
    // The old household keeps its lists (the app's data) but not jan; its app user no longer resolves.
    expect(values(await lists("spaces", "fam-old"))).toEqual(["tea"]);
    expect((await space("fam-old")).body.members).toEqual([]);
    expect((await e.bridge.request("GET", ["app-users", "jan-old", "lists"])).status).toBe(404);
  }, TEST_MS);
});
