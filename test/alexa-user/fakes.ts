// Test doubles for the user object's outside world, served through a
// `vi.spyOn(globalThis, "fetch")` (the object runs in the test isolate):
// - FakeHousehold: an in-memory List Management API (one household);
// - FakeApp: the app's webhook endpoint, recording every delivery.
import { env } from "cloudflare:workers";
import { encodeBridgeMessage, type BridgeOperation } from "../../src/protocol/bridge-message.ts";
import { runInDurableObject } from "cloudflare:test";
import type { RequestEnvelope } from "ask-sdk-model";
import { vi, type MockInstance } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import type { EnqueueReply, GetOperationReply } from "../../src/alexa-user/outbox/service.ts";

export const API = "https://api.amazonalexa.com";
export const APP_URL = "https://app.test/webhooks/alexa";
export const APP_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
export const TOKEN = "atza|request-token";
export const SHOPPING = btoa("amzn1.account.TEST-SHOPPING_ITEM");
export const TODO = btoa("amzn1.account.TEST-TASK");
export const CUSTOM = "custom-list-1";
/** A fixed clock far in the future: alarms never fire on their own during a test. */
export const T0 = Date.UTC(2031, 0, 1, 12, 0, 0);

interface FakeItem {
  id: string;
  value: string;
  status: "active" | "completed";
  version: number;
  /** When Amazon created it (ms); unset: the fixed {@link JAVA_DATE}. */
  createdAt?: number;
}
interface FakeList {
  listId: string;
  name: string;
  state: "active" | "archived";
  version: number;
  items: Map<string, FakeItem>;
}

/** A call the fake API saw. */
export interface ApiCall {
  method: string;
  path: string;
  auth: string | null;
  body: unknown;
}

/** One injected failure: the next call matching `method` and `path` prefix answers `status`. */
interface Fault {
  method: string;
  pathIncludes: string;
  status: number;
  times: number;
}

/** How an answer is lost after Amazon did the work: an error status, a dropped connection, or no answer at all. */
export type LostAnswer = number | "network" | "hang";

/** One injected lost answer: the call is performed, then answered as `how`. */
interface LostFault {
  method: string;
  pathIncludes: string;
  how: LostAnswer;
  times: number;
}

/** A call held until released (a slow Amazon). */
interface Hold {
  method: string;
  pathIncludes: string;
  released: Promise<void>;
}

const JAVA_DATE = "Sat Jul 22 10:41:04 UTC 2017";

export class FakeHousehold {
  readonly lists = new Map<string, FakeList>();
  readonly calls: ApiCall[] = [];
  readonly #faults: Fault[] = [];
  readonly #lost: LostFault[] = [];
  readonly #holds: Hold[] = [];
  #nextId = 1;

  constructor() {
    this.reset();
  }

  /** Back to the state of a new household: the three lists, empty; no calls, no faults. */
  reset(): void {
    this.lists.clear();
    this.calls.length = 0;
    this.#faults.length = 0;
    this.#lost.length = 0;
    this.#holds.length = 0;
    this.#nextId = 1;
    this.addList(SHOPPING, "Alexa shopping list");
    this.addList(TODO, "Alexa to-do list");
    this.addList(CUSTOM, "Hardware store");
  }

  addList(listId: string, name: string): void {
    this.lists.set(listId, { listId, name, state: "active", version: 1, items: new Map() });
  }

  /** Adds an item as if the user said it to Alexa (no event is sent); `createdAt` in ms, default the fixed date. */
  addItem(listId: string, value: string, status: "active" | "completed" = "active", createdAt?: number): FakeItem {
    const item: FakeItem = { id: `item-${this.#nextId++}`, value, status, version: 1 };
    if (createdAt !== undefined) item.createdAt = createdAt;
    this.lists.get(listId)!.items.set(item.id, item);
    return item;
  }

  /** Moves an item to another list, keeping its id (what Alexa does). */
  moveItem(itemId: string, from: string, to: string): void {
    const item = this.lists.get(from)!.items.get(itemId)!;
    this.lists.get(from)!.items.delete(itemId);
    this.lists.get(to)!.items.set(itemId, item);
  }

  /** The user edits an item in the Alexa app. */
  editItem(listId: string, itemId: string, value: string): FakeItem {
    const item = this.lists.get(listId)!.items.get(itemId)!;
    item.value = value;
    item.version++;
    return item;
  }

  item(listId: string, itemId: string): FakeItem | undefined {
    return this.lists.get(listId)?.items.get(itemId);
  }

  /** The next `times` calls of `method` whose path includes `pathIncludes` answer `status`. */
  fail(method: string, pathIncludes: string, status: number, times = 1): void {
    this.#faults.push({ method, pathIncludes, status, times });
  }

  /**
   * The next `times` calls of `method` whose path includes `pathIncludes` are
   * performed, and then their answer is lost: `how` is the status answered
   * instead, `"network"` a dropped connection, `"hang"` no answer until the
   * caller gives up (aborts).
   */
  loseAnswer(method: string, pathIncludes: string, how: LostAnswer, times = 1): void {
    this.#lost.push({ method, pathIncludes, how, times });
  }

  /** Calls of `method` whose path includes `pathIncludes` wait until `release()` (each call, until then). */
  hold(method: string, pathIncludes: string): { release: () => void } {
    let release = (): void => {};
    const released = new Promise<void>((r) => (release = r));
    const hold = { method, pathIncludes, released };
    this.#holds.push(hold);
    return {
      release: () => {
        this.#holds.splice(this.#holds.indexOf(hold), 1);
        release();
      },
    };
  }

  /** Calls that change something (POST/PUT/DELETE). */
  writes(): ApiCall[] {
    return this.calls.filter((c) => c.method !== "GET");
  }

  async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = decodeURIComponent(url.pathname);
    const body: unknown = req.method === "GET" || req.method === "DELETE" ? undefined : await req.json();
    this.calls.push({ method: req.method, path, auth: req.headers.get("authorization"), body });
    const hold = this.#holds.find((h) => h.method === req.method && path.includes(h.pathIncludes));
    if (hold) await hold.released;
    const fault = this.#faults.find((f) => f.method === req.method && path.includes(f.pathIncludes) && f.times > 0);
    if (fault) {
      fault.times--;
      return Response.json({ message: "injected" }, { status: fault.status });
    }
    const lost = this.#lost.find((f) => f.method === req.method && path.includes(f.pathIncludes) && f.times > 0);
    const res = this.#serve(req, url, body);
    if (!lost) return res;
    lost.times--;
    if (typeof lost.how === "number") return Response.json({ message: "injected after commit" }, { status: lost.how });
    if (lost.how === "network") throw new TypeError("Network connection lost.");
    return new Promise<Response>((_resolve, reject) => {
      req.signal.addEventListener("abort", () => reject(req.signal.reason));
    });
  }

  #serve(req: Request, url: URL, body: unknown): Response {
    const parts = url.pathname.split("/").slice(3).map(decodeURIComponent); // after /v2/householdlists
    if (parts.length === 1 && parts[0] === "" && req.method === "GET") {
      return Response.json({ lists: [...this.lists.values()].map((l) => this.#meta(l)) });
    }
    const list = this.lists.get(parts[0] ?? "");
    if (!list) return notFound();
    if (parts.length === 2 && (parts[1] === "active" || parts[1] === "completed") && req.method === "GET") {
      const items = [...list.items.values()].filter((i) => i.status === parts[1]).map(wire);
      return Response.json({ ...this.#meta(list), items });
    }
    if (parts[1] !== "items") return notFound();
    if (parts.length === 2 && req.method === "POST") {
      const b = body as { value: string; status?: "active" | "completed" };
      const item: FakeItem = { id: `item-${this.#nextId++}`, value: b.value, status: b.status ?? "active", version: 1, createdAt: clock.t };
      list.items.set(item.id, item);
      return Response.json(wire(item), { status: 201 });
    }
    const item = list.items.get(parts[2] ?? "");
    if (!item) return notFound();
    if (req.method === "GET") return Response.json(wire(item));
    if (req.method === "DELETE") {
      list.items.delete(item.id);
      return new Response(null, { status: 200 });
    }
    if (req.method === "PUT") {
      const b = body as { value: string; status: "active" | "completed"; version: number };
      if (b.version !== item.version) return Response.json({ message: "conflict" }, { status: 409 });
      Object.assign(item, { value: b.value, status: b.status, version: item.version + 1 });
      return Response.json(wire(item));
    }
    return notFound();
  }

  #meta(l: FakeList): object {
    return { listId: l.listId, name: l.name, state: l.state, version: l.version, statusMap: [] };
  }
}

function wire(i: FakeItem): object {
  const { createdAt, ...rest } = i;
  const created = createdAt === undefined ? JAVA_DATE : javaDate(createdAt);
  return { ...rest, createdTime: created, updatedTime: created, href: `/v2/householdlists/x/items/${i.id}` };
}

/** `"Sat Jul 22 10:41:04 UTC 2017"`: the List API's date format (whole seconds). */
export function javaDate(ms: number): string {
  // toUTCString(): "Sat, 22 Jul 2017 10:41:04 GMT"
  const [wd, day, mon, year, time] = new Date(ms).toUTCString().split(" ");
  return `${wd!.slice(0, 3)} ${mon} ${day} ${time} UTC ${year}`;
}

function notFound(): Response {
  return Response.json({ type: "NOT_FOUND", message: "Object not found" }, { status: 404 });
}

/** A webhook the app received. */
export interface Delivery {
  headers: Record<string, string>;
  raw: string;
  body: { type: string; userId: string; spaceId?: string; appUserId?: string; timestamp: string; data: Record<string, unknown> };
  status: number;
}

export class FakeApp {
  readonly deliveries: Delivery[] = [];
  /** Status the app answers; a function sees the delivery count so far. */
  status: number | ((n: number) => number) = 200;

  /** Back to a new app: no deliveries, answering 200. */
  reset(): void {
    this.deliveries.length = 0;
    this.status = 200;
  }

  async handle(req: Request): Promise<Response> {
    const raw = await req.text();
    const status = typeof this.status === "function" ? this.status(this.deliveries.length) : this.status;
    this.deliveries.push({ headers: Object.fromEntries(req.headers), raw, body: JSON.parse(raw) as Delivery["body"], status });
    return new Response(null, { status });
  }

  /** Bodies the app accepted (2xx), in order. */
  accepted(): Delivery["body"][] {
    return this.deliveries.filter((d) => d.status >= 200 && d.status < 300).map((d) => d.body);
  }

  types(): string[] {
    return this.accepted().map((b) => b.type);
  }
}

/** Routes the object's fetches to the fakes. */
export function installFetch(household: FakeHousehold, app: FakeApp): MockInstance<typeof fetch> {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (req.url.startsWith(API)) return household.handle(req);
    if (req.url === APP_URL) return app.handle(req);
    throw new Error(`unexpected fetch ${req.url}`);
  });
}

/** A shared, movable clock. */
export const clock = { t: T0 };

/** The user's object with the test clock injected (again after an eviction). */
export async function userStub(userId: string): Promise<DurableObjectStub<AlexaUser>> {
  const stub = env.ALEXA_USER.getByName(userId);
  await runInDurableObject(stub, (instance: AlexaUser) => {
    instance.now = () => clock.t;
    instance.random = () => 0.5;
  });
  return stub;
}

let seq = 0;
/** A unique request id. */
export function rid(): string {
  return `amzn1.echo-api.request.${++seq}-${crypto.randomUUID()}`;
}

/** A verified envelope for `userId`. */
export function envelope(
  userId: string,
  request: Record<string, unknown>,
  opts: { token?: string | null; requestId?: string } = {},
): RequestEnvelope {
  const token = opts.token === undefined ? TOKEN : opts.token;
  return {
    version: "1.0",
    context: {
      System: {
        application: { applicationId: "amzn1.ask.skill.test-skill" },
        user: { userId },
        apiEndpoint: API,
        ...(token === null ? {} : { apiAccessToken: token }),
      },
    },
    request: {
      requestId: opts.requestId ?? rid(),
      timestamp: new Date(clock.t).toISOString(),
      locale: "en-US",
      ...request,
    },
  } as unknown as RequestEnvelope;
}

export function listEvent(userId: string, event: string, body: Record<string, unknown>, requestId?: string): RequestEnvelope {
  return envelope(userId, { type: `AlexaHouseholdListEvent.${event}`, body }, requestId ? { requestId } : {});
}

export function skillEvent(userId: string, event: string, body?: Record<string, unknown>): RequestEnvelope {
  return envelope(userId, { type: `AlexaSkillEvent.${event}`, ...(body ? { body } : {}) });
}

export function messageEnvelope(userId: string, message: unknown, requestId?: string): RequestEnvelope {
  return envelope(userId, { type: "Messaging.MessageReceived", message }, requestId ? { requestId } : {});
}

export function bridge(opId: string, op: Record<string, unknown>): unknown {
  return encodeBridgeMessage({ opId, op: op as unknown as BridgeOperation });
}

/** Waits for the object's background work (webhook sends, erasure). */
export async function settle(stub: DurableObjectStub<AlexaUser>): Promise<void> {
  await runInDurableObject(stub, (i: AlexaUser) => i.idle());
}

let users = 0;
/** A fresh user id per test (storage is per file). */
export function newUserId(tag: string): string {
  return `amzn1.ask.account.${tag}-${++users}-${crypto.randomUUID()}`;
}

/** Stores an app operation in the user's outbox (as the REST API does) and answers its id. */
export async function enqueueOp(stub: DurableObjectStub<AlexaUser>, op: Record<string, unknown>): Promise<string> {
  // The RPC stub's typing drops members holding `unknown`; the value is the plain reply.
  const reply = (await stub.enqueueOperation(op as never, {})) as unknown as EnqueueReply;
  if (reply.outcome !== "created") throw new Error(`enqueue: ${reply.outcome}`);
  return reply.view.id;
}

/** The outbox's view of an operation. */
export async function operation(stub: DurableObjectStub<AlexaUser>, opId: string): Promise<{ status: string; result?: unknown; error?: string }> {
  const reply = (await stub.getOperation(opId)) as unknown as GetOperationReply;
  if (reply.outcome !== "found") throw new Error(`operation ${opId}: ${reply.outcome}`);
  return reply.view;
}
