import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AppView } from "../../../emulator/app/app-view.ts";
import type { OutageSpec } from "../../../emulator/app/server.ts";
import type { AlexaEmulator } from "../../../emulator/emulator.ts";
import type { BusEvent } from "../../../emulator/events.ts";
import { FaultBook } from "../../../emulator/faults.ts";
import { call, emulatorWithSkill, waitFor } from "./helpers.ts";

let current: AlexaEmulator | null = null;
let worker: Server | null = null;
afterEach(async () => {
  current?.close();
  await new Promise((r) => (worker ? worker.close(r) : r(null)));
  worker = null;
});

interface WorkerCall {
  method: string;
  path: string;
  auth: string | undefined;
  body: string;
}

/** A stand-in for the bridge's REST API on a real socket: records each call and answers with `respond`. */
async function fakeWorker(respond: (c: WorkerCall) => { status: number; body: unknown }): Promise<{ url: string; calls: WorkerCall[] }> {
  const calls: WorkerCall[] = [];
  worker = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const c = { method: req.method ?? "GET", path: req.url ?? "/", auth: req.headers.authorization, body };
      calls.push(c);
      const out = respond(c);
      res.writeHead(out.status, { "content-type": "application/json" }).end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((r) => worker!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(worker.address() as AddressInfo).port}`, calls };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience over many JSON shapes
type Json = any;

async function get(emu: AlexaEmulator, path: string): Promise<Json> {
  const res = await call(emu, "GET", path);
  expect(res.status, path).toBe(200);
  return res.json();
}

describe("emulator console", () => {
  it("serves the page and its files at the root, with no build step", async () => {
    const { emu } = await emulatorWithSkill();
    current = emu;
    const page = await call(emu, "GET", "/");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/web/console.js">');
    expect(html).toContain('role="log"');
    expect((await call(emu, "GET", "/web/console.js")).headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await call(emu, "GET", "/web/console.css")).headers.get("content-type")).toMatch(/^text\/css/);
    expect((await call(emu, "GET", "/web/nope.js")).status).toBe(404);
  });

  it("tells the page the store, the Worker and what is wired", async () => {
    const { emu } = await emulatorWithSkill({ console: { store: "household", workerUrl: "http://worker.test", apiToken: "t" } });
    current = emu;
    const c = await get(emu, "/_control/console");
    expect(c).toMatchObject({ store: "household", workerUrl: "http://worker.test", restApi: true, app: false, canRestartWorker: false });
    expect(c.people.map((p: { name: string }) => p.name)).toEqual(["alice"]);
    expect(c.faults).toHaveLength(9);
    emu.console.configure({ app: { view: new AppView(), outages: new FaultBook<OutageSpec>(Date.now, "o") }, restartWorker: async () => {} });
    expect(await get(emu, "/_control/console")).toMatchObject({ app: true, canRestartWorker: true });
  });

  it("household store: Alexa's side is the emulator's lists; changes are published as events", async () => {
    const { emu, skill } = await emulatorWithSkill({ console: { store: "household" } });
    current = emu;
    const seen: BusEvent[] = [];
    emu.events.subscribe((e) => seen.push(e));
    emu.enable("alice", { permissions: ["read", "write"] });
    emu.addItem("alice", "shopping", "milk");
    await waitFor(() => skill.ofType("AlexaHouseholdListEvent.ItemsCreated").length === 1);
    const side = await get(emu, "/_control/console/people/alice/alexa");
    expect(side.store).toBe("household");
    expect(side.lists.map((l: { kind: string; items: { value: string }[] }) => [l.kind, l.items.map((i) => i.value)])).toEqual([
      ["shopping", ["milk"]],
      ["todo", []],
    ]);
    await waitFor(() => seen.some((e) => e.type === "delivery" && (e.data as { state: string }).state === "delivered"));
    const types = new Set(seen.map((e) => e.type));
    expect([...types].sort()).toEqual(["delivery", "lists", "person"]);
    const states = seen.filter((e) => e.type === "delivery" && (e.data as { type: string }).type.endsWith("ItemsCreated")).map((e) => (e.data as { state: string }).state);
    expect(states).toEqual(["pending", "in-flight", "delivered"]);
  });

  it("deliveries that fail are published with each attempt, and Amazon API calls with their status and fault", async () => {
    const { emu, skill } = await emulatorWithSkill({ console: { store: "household" } });
    current = emu;
    const seen: BusEvent[] = [];
    emu.events.subscribe((e) => seen.push(e));
    skill.respond = (_req, n) => (n <= 2 ? new Response("no", { status: 503 }) : Response.json({ version: "1.0", response: {} }));
    emu.enable("alice");
    await waitFor(() => seen.some((e) => e.type === "delivery" && (e.data as { state: string }).state === "delivered"));
    const last = seen.filter((e) => e.type === "delivery").at(-1)?.data as { attempts: { status: number }[] };
    expect(last.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect((await call(emu, "PUT", "/_control/console/faults/lists-500", { body: { on: true } })).status).toBe(200);
    expect((await call(emu, "GET", "/v2/householdlists/")).status).toBe(500);
    const callEvent = seen.find((e) => e.type === "call")?.data as { api: string; status: number; fault: string };
    expect(callEvent).toMatchObject({ api: "lists", status: 500 });
    expect(callEvent.fault).toMatch(/^500 \(e\d+\)$/);
  });

  it("fault toggles add a rule until switched off, set the clock skew, take the app down, and are published", async () => {
    const { emu } = await emulatorWithSkill();
    current = emu;
    const outages = new FaultBook<OutageSpec>(Date.now, "o");
    const seen: BusEvent[] = [];
    emu.events.subscribe((e) => seen.push(e));
    const toggle = async (key: string, on: boolean): Promise<Json> => {
      const res = await call(emu, "PUT", `/_control/console/faults/${key}`, { body: { on } });
      return { status: res.status, json: await res.json() };
    };
    const on = (toggles: { key: string; on: boolean }[]): string[] => toggles.filter((t) => t.on).map((t) => t.key);

    expect((await toggle("app-down", true)).status).toBe(409);
    emu.console.configure({ app: { view: new AppView(), outages } });
    expect(on((await toggle("lists-429", true)).json)).toEqual(["lists-429"]);
    expect(on((await toggle("lists-429", true)).json)).toEqual(["lists-429"]);
    expect(emu.endpointFaults.list()).toMatchObject([{ api: "lists", mode: "429" }]);
    await toggle("message-delay", true);
    expect(emu.deliveryFaults.list()).toMatchObject([{ mode: "delay", match: "Messaging" }]);
    await toggle("clock-skew", true);
    expect(emu.skewMs).toBe(-300_000);
    expect(on((await toggle("app-down", true)).json)).toEqual(["lists-429", "message-delay", "app-down", "clock-skew"]);
    expect(outages.list()).toMatchObject([{ mode: "503" }]);

    for (const key of ["lists-429", "message-delay", "clock-skew", "app-down"]) await toggle(key, false);
    expect([emu.endpointFaults.list(), emu.deliveryFaults.list(), outages.list(), emu.skewMs]).toEqual([[], [], [], 0]);
    expect(seen.filter((e) => e.type === "faults").map((e) => `${(e.data as { key: string }).key}:${(e.data as { on: boolean }).on}`)).toEqual([
      "lists-429:true",
      "lists-429:true",
      "message-delay:true",
      "clock-skew:true",
      "app-down:true",
      "lists-429:false",
      "message-delay:false",
      "clock-skew:false",
      "app-down:false",
    ]);
    // A rule removed elsewhere (the CLI) shows as off.
    await toggle("lists-500", true);
    emu.endpointFaults.clear();
    expect(on(await get(emu, "/_control/console/faults"))).toEqual([]);
    expect((await toggle("nope", true)).status).toBe(404);
    expect((await call(emu, "PUT", "/_control/console/faults/lists-500", { body: { on: "yes" } })).status).toBe(400);
  });

  it("restarts the Worker through the callback the stack gives, publishing its progress", async () => {
    const { emu } = await emulatorWithSkill();
    current = emu;
    expect((await call(emu, "POST", "/_control/console/worker/restart", { body: {} })).status).toBe(409);
    let restarts = 0;
    emu.console.configure({ restartWorker: async () => void (restarts += 1) });
    const seen: BusEvent[] = [];
    emu.events.subscribe((e) => seen.push(e));
    expect((await call(emu, "POST", "/_control/console/worker/restart", { body: {} })).status).toBe(202);
    await waitFor(() => seen.length === 2);
    expect([restarts, seen.map((e) => (e.data as { state: string }).state)]).toEqual([1, ["restarting", "running"]]);
  });

  it("skill store without a Worker, and the app's side without the fake app: empty, with a note", async () => {
    const { emu } = await emulatorWithSkill();
    current = emu;
    expect(await get(emu, "/_control/console/people/alice/alexa")).toMatchObject({ store: "skill", userId: null, lists: [] });
    emu.enable("alice");
    expect((await get(emu, "/_control/console/people/alice/alexa")).note).toMatch(/Worker URL and API token/);
    expect((await get(emu, "/_control/console/people/alice/app")).note).toMatch(/fake app/);
    expect((await call(emu, "POST", "/_control/console/people/alice/app/add", { body: { list: "shopping", value: "x" } })).status).toBe(503);
    expect((await call(emu, "GET", "/_control/console/people/bob/alexa")).status).toBe(404);
  });

  it("dead letters: read, redriven and deleted through the REST API, with a note when they cannot be read", async () => {
    const dead = { msgId: "msg_1", type: "alexa.list.items.created", createdAt: "2026-01-01T00:00:00.000Z", deadAt: "2026-01-01T00:00:01.000Z", attempts: 1, lastError: "410 Gone", bytes: 321 };
    let known = true;
    const w = await fakeWorker((c) => {
      if (!known) return { status: 404, body: { error: "USER_NOT_FOUND", message: "no such user" } };
      if (c.method === "GET") return { status: 200, body: { total: 1, deadLetters: [dead] } };
      return { status: c.method === "POST" ? 202 : 200, body: { count: 1 } };
    });
    const { emu } = await emulatorWithSkill({ console: { store: "skill", workerUrl: w.url, apiToken: "t" } });
    current = emu;
    expect(await get(emu, "/_control/console/people/alice/dead-letters")).toMatchObject({ userId: null, total: 0, deadLetters: [], note: expect.stringMatching(/not enabled/) });
    expect((await call(emu, "POST", "/_control/console/people/alice/dead-letters/redrive")).status).toBe(409);
    const userId = emu.enable("alice").userId as string;
    expect(await get(emu, "/_control/console/people/alice/dead-letters")).toEqual({ userId, total: 1, deadLetters: [dead] });
    const redrive = await call(emu, "POST", "/_control/console/people/alice/dead-letters/redrive");
    expect([redrive.status, await redrive.json()]).toEqual([202, { count: 1 }]);
    const del = await call(emu, "DELETE", "/_control/console/people/alice/dead-letters");
    expect([del.status, await del.json()]).toEqual([200, { count: 1 }]);
    const base = `/v1/users/${encodeURIComponent(userId)}/dead-letters`;
    expect(w.calls.map((c) => `${c.method} ${c.path} ${c.auth}`)).toEqual([`GET ${base} Bearer t`, `POST ${base}/redrive Bearer t`, `DELETE ${base} Bearer t`]);
    known = false;
    expect((await get(emu, "/_control/console/people/alice/dead-letters")).note).toMatch(/not seen this user/);
    const refused = await call(emu, "POST", "/_control/console/people/alice/dead-letters/redrive");
    expect([refused.status, (await refused.json()).body.error]).toEqual([404, "USER_NOT_FOUND"]);
  });

  it("list actions call the REST API's list routes; a refusal comes back with the bridge's status and body", async () => {
    const op = (kind: string) => ({ id: "op_1", kind, status: "completed", createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z" });
    const w = await fakeWorker((c) => {
      if (c.method === "POST" && JSON.parse(c.body).name === "Taken") return { status: 409, body: { error: "LIST_NAME_TAKEN", message: "a list named Taken exists" } };
      return { status: 202, body: op(c.method === "POST" ? "createList" : c.method === "PATCH" ? "renameList" : "deleteList") };
    });
    const { emu } = await emulatorWithSkill({ console: { store: "skill", workerUrl: w.url, apiToken: "t" } });
    current = emu;
    const userId = emu.enable("alice").userId as string;
    const act = async (action: string, body: unknown): Promise<[number, Json]> => {
      const res = await call(emu, "POST", `/_control/console/people/alice/app/${action}`, { body });
      return [res.status, await res.json()];
    };
    expect(await act("create-list", { name: "Groceries" })).toEqual([202, op("createList")]);
    expect(await act("rename-list", { list: "L1", name: "Food" })).toEqual([202, op("renameList")]);
    expect(await act("delete-list", { list: "L1" })).toEqual([202, op("deleteList")]);
    const taken = await act("create-list", { name: "Taken" });
    expect([taken[0], taken[1].body.error]).toEqual([409, "LIST_NAME_TAKEN"]);
    expect((await act("rename-list", { list: "L1" }))[0]).toBe(400);
    const base = `/v1/users/${encodeURIComponent(userId)}/lists`;
    expect(w.calls.map((c) => `${c.method} ${c.path} ${c.body}`)).toEqual([
      `POST ${base} {"name":"Groceries"}`,
      `PATCH ${base}/L1 {"name":"Food"}`,
      `DELETE ${base}/L1 `,
      `POST ${base} {"name":"Taken"}`,
    ]);
  });

  it("GET /_control/events replays what was published (since an id)", async () => {
    const { emu } = await emulatorWithSkill();
    current = emu;
    emu.addPerson("bob");
    const res = await call(emu, "GET", "/_control/events?since=0");
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = "";
    while (!text.includes('"name":"bob"')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toMatch(/event: person\ndata: .*"name":"alice"/);
    expect(text).toMatch(/id: 2\nevent: person\ndata: .*"name":"bob"/);
  });
});
