/**
 * @module emulator/web/console-api
 * The emulator console: a page at the emulator's root (`GET /`, files from
 * emulator/web/ as they are on disk, no build step) that shows Alexa's side,
 * the app's side and the wire between them, live.
 *
 * Routes (besides the page and its files under `/web/`):
 * - `GET /_control/events` — Server-Sent Events from the emulator's event bus
 *   (see emulator/events for the types); `Last-Event-ID` or `?since=` replays
 *   what was missed;
 * - `GET /_control/console` — what the page needs to start: the list store,
 *   the Worker URL, whether the fake app and a Worker restart are wired,
 *   the people, the fault toggles;
 * - `GET /_control/console/people/:name/alexa` — the lists as Alexa shows
 *   them (household store: the emulator's own; skill store: the skill's,
 *   read with the REST API `GET /v1/users/{userId}/lists`);
 * - `GET /_control/console/people/:name/app` — the fake app's view;
 * - `GET /_control/console/people/:name/space` — skill store: the person's
 *   list space and its members (REST `GET /v1/spaces/{spaceId}`, see
 *   emulator/web/console-space);
 * - `POST /_control/console/people/:name/app/{add|complete|delete|sync}` and,
 *   skill store, `…/app/{create-list|rename-list|delete-list}` — the app
 *   calls the REST API; the operation is followed until it is final
 *   (`operation` events); a 4xx from the bridge is answered with its status
 *   and `{status, body}`;
 * - `GET /_control/console/people/:name/dead-letters` — the webhooks the
 *   bridge could not deliver to the app (REST `GET …/dead-letters`:
 *   `{userId, total, deadLetters}`, or empty with a note);
 *   `POST …/dead-letters/redrive` (202 `{count}`), `DELETE …/dead-letters`
 *   (`{count}`) — send them again, forget them;
 * - `GET /_control/console/faults`, `PUT /_control/console/faults/:key {on}`;
 * - `POST /_control/console/worker/restart`.
 *
 * Configuration: the store, Worker URL and API token come from the
 * emulator's options (`console`); the fake app and the restart callback are
 * attached once they exist ({@link ConsoleBackend.configure}), which is what
 * scripts/lib/stack does.
 */
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type { AppView, Expected } from "../app/app-view.ts";
import { BridgeClient, type Operation } from "../app/bridge-client.ts";
import type { OutageSpec } from "../app/server.ts";
import type { WebhookLog } from "../app/webhook-log.ts";
import { jsonRoutes } from "../control-api.ts";
import type { AlexaEmulator } from "../emulator.ts";
import { type EventBus, sseResponse } from "../events.ts";
import type { DeliveryFaultSpec, EndpointFaultSpec, FaultBook } from "../faults.ts";
import { listView } from "../people.ts";
import { HttpError, json, jsonError, Router } from "../router.ts";
import { spaceIdOf, spaceView } from "./console-space.ts";

export type ListStoreKind = "skill" | "household";

/** What the stack tells the console. */
export interface ConsoleOptions {
  /** Where the lists live (the Worker's ALEXA_LISTS). Default `skill`. */
  store?: ListStoreKind;
  /** The Worker's origin, e.g. `http://127.0.0.1:8787`. */
  workerUrl?: string;
  /** The Worker's APP_API_TOKEN. */
  apiToken?: string;
}

/** The parts of the fake app the console uses. */
export interface ConsoleApp {
  view: AppView;
  outages: FaultBook<OutageSpec>;
  /** The webhooks received (a person's space id, when their token does not name it). */
  log?: WebhookLog;
}

export interface ConsoleWiring extends ConsoleOptions {
  app?: ConsoleApp;
  /** Restarts the Worker (scripts/lib/stack's `restartWorker`). */
  restartWorker?: () => Promise<void>;
}

type FaultTarget =
  | { book: "endpoint"; spec: EndpointFaultSpec }
  | { book: "delivery"; spec: DeliveryFaultSpec }
  | { book: "app"; spec: OutageSpec }
  | { book: "clock"; skewMs: number };

/** The console's fault toggles: each adds one rule (until switched off) or sets the clock skew. */
export const FAULT_TOGGLES: ReadonlyArray<{ key: string; label: string; short: string; group: string; target: FaultTarget }> = [
  { key: "lists-429", label: "List API answers 429", short: "429", group: "List API", target: { book: "endpoint", spec: { api: "lists", mode: "429", retryAfterSeconds: 1 } } },
  { key: "lists-500", label: "List API answers 500", short: "500", group: "List API", target: { book: "endpoint", spec: { api: "lists", mode: "500" } } },
  { key: "lists-hang", label: "List API hangs (12 s)", short: "hang 12 s", group: "List API", target: { book: "endpoint", spec: { api: "lists", mode: "hang", hangMs: 12_000 } } },
  { key: "message-drop", label: "Skill messages dropped", short: "drop", group: "Skill messages", target: { book: "delivery", spec: { mode: "drop", match: "Messaging" } } },
  { key: "message-duplicate", label: "Skill messages duplicated", short: "duplicate", group: "Skill messages", target: { book: "delivery", spec: { mode: "duplicate", match: "Messaging" } } },
  { key: "message-delay", label: "Skill messages delayed (5 s)", short: "delay 5 s", group: "Skill messages", target: { book: "delivery", spec: { mode: "delay", match: "Messaging", delayMs: 5000 } } },
  { key: "app-down", label: "App backend down (503)", short: "down (503)", group: "App", target: { book: "app", spec: { mode: "503" } } },
  { key: "app-gone", label: "App answers 410 Gone (dead letters)", short: "410 Gone", group: "App", target: { book: "app", spec: { mode: "410" } } },
  { key: "clock-skew", label: "Alexa's clock 5 min behind", short: "5 min behind", group: "Alexa's clock", target: { book: "clock", skewMs: -300_000 } },
];

export interface FaultToggleView {
  key: string;
  label: string;
  short: string;
  group: string;
  on: boolean;
  available: boolean;
}

const WEB_DIR = import.meta.dirname;
const STATIC: Record<string, string> = {
  "/": "index.html",
  "/index.html": "index.html",
  "/web/console.js": "console.js",
  "/web/console.css": "console.css",
  "/favicon.ico": "favicon.svg",
  "/web/favicon.svg": "favicon.svg",
};
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};
const FINAL = new Set(["completed", "failed", "expired"]);

/**
 * @example
 * const console = new ConsoleBackend(emulator, emulator.events, { store: "skill", workerUrl, apiToken });
 * console.configure({ app: fakeApp, restartWorker: () => stack.restartWorker() });
 * await console.handle(req); // null when the path is not the console's
 */
export class ConsoleBackend {
  #wiring: ConsoleWiring;
  #bridge: BridgeClient | null = null;
  readonly #routes: Router;
  readonly #faultIds = new Map<string, string>();
  readonly #following = new Set<string>();
  #closed = false;

  constructor(
    private readonly emu: AlexaEmulator,
    private readonly events: EventBus,
    opts: ConsoleOptions = {},
  ) {
    this.#wiring = { ...opts };
    this.#bridge = this.#makeBridge();
    this.#routes = this.#buildRoutes();
  }

  /** Adds or replaces parts of the wiring (the fake app, the restart callback, the Worker). */
  configure(wiring: ConsoleWiring): void {
    this.#wiring = { ...this.#wiring, ...wiring };
    this.#bridge = this.#makeBridge();
  }

  get store(): ListStoreKind {
    return this.#wiring.store ?? "skill";
  }

  close(): void {
    this.#closed = true;
  }

  /** The console's response, or null when `req` is not for the console. */
  async handle(req: Request): Promise<Response | null> {
    const path = new URL(req.url).pathname;
    const file = STATIC[path];
    if (file !== undefined && (req.method === "GET" || req.method === "HEAD")) return this.#file(file);
    if (path !== "/_control/events" && path !== "/_control/console" && !path.startsWith("/_control/console/")) return null;
    return this.#routes.handle(req);
  }

  async #file(name: string): Promise<Response> {
    try {
      const body = await readFile(join(WEB_DIR, name));
      return new Response(body, { headers: { "content-type": TYPES[extname(name)] ?? "application/octet-stream", "cache-control": "no-cache" } });
    } catch {
      return jsonError(404, "NOT_FOUND", `${name} is missing from emulator/web/`);
    }
  }

  #makeBridge(): BridgeClient | null {
    const { workerUrl, apiToken } = this.#wiring;
    return workerUrl && apiToken ? new BridgeClient({ baseUrl: workerUrl, token: apiToken }) : null;
  }

  #buildRoutes(): Router {
    const r = new Router();
    const on = jsonRoutes(r);

    r.on("GET", "/_control/events", (req, _p, url) => {
      const since = Number(req.headers.get("last-event-id") ?? url.searchParams.get("since") ?? "0");
      return sseResponse(this.events, Number.isFinite(since) ? since : 0);
    });
    on("GET", "/_control/console", () => ({
      store: this.store,
      workerUrl: this.#wiring.workerUrl ?? null,
      restApi: this.#bridge !== null,
      app: this.#wiring.app !== undefined,
      canRestartWorker: this.#wiring.restartWorker !== undefined,
      emulatorOrigin: this.emu.origin,
      skillEndpoint: this.emu.skillEndpoint,
      people: this.emu.people(),
      faults: this.#toggles(),
      lastEventId: this.events.lastId,
    }));
    on("GET", "/_control/console/people/:name/alexa", (_b, p) => this.#alexaSide(p.name as string));
    on("GET", "/_control/console/people/:name/app", (_b, p) => this.#appSide(p.name as string));
    on("GET", "/_control/console/people/:name/space", (_b, p) =>
      this.store === "household"
        ? { spaceId: null, kind: null, members: [], note: "List spaces belong to the skill store (ALEXA_LISTS=skill)." }
        : spaceView({
            person: this.emu.person(p.name as string),
            people: this.emu.people(),
            spaceClaim: this.emu.oauthSpaceClaim,
            bridge: this.#bridge,
            log: this.#wiring.app?.log ?? null,
          }),
    );
    on("POST", "/_control/console/people/:name/app/:action", (b, p) => this.#appAction(p.name as string, p.action as string, b), 202);
    on("GET", "/_control/console/people/:name/dead-letters", (_b, p) => this.#deadLetters(p.name as string));
    on("POST", "/_control/console/people/:name/dead-letters/redrive", (_b, p) => this.#deadLetterAction(p.name as string, "redrive"), 202);
    on("DELETE", "/_control/console/people/:name/dead-letters", (_b, p) => this.#deadLetterAction(p.name as string, "delete"));
    on("GET", "/_control/console/faults", () => this.#toggles());
    on("PUT", "/_control/console/faults/:key", (b, p) => {
      if (typeof b.on !== "boolean") throw bad('"on" must be true or false');
      return this.#setFault(p.key as string, b.on);
    });
    on("POST", "/_control/console/worker/restart", () => this.#restart(), 202);
    return r;
  }

  async #alexaSide(name: string): Promise<unknown> {
    const person = this.emu.person(name);
    if (this.store === "household") return { store: "household", userId: person.userId, lists: this.emu.lists(name).map(listView) };
    if (!person.userId) return { store: "skill", userId: null, lists: [], note: `${name} has not used the skill yet.` };
    if (!this.#bridge) return { store: "skill", userId: person.userId, lists: [], note: "The console was not given the Worker URL and API token." };
    let res;
    try {
      res = await this.#bridge.request<{ lists?: unknown[]; message?: string; error?: string }>("GET", ["users", person.userId, "lists"]);
    } catch (e) {
      return { store: "skill", userId: person.userId, lists: [], note: `The Worker did not answer: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (res.status === 404) return { store: "skill", userId: person.userId, lists: [], note: "The skill has not seen this user yet." };
    if (res.status !== 200) {
      return { store: "skill", userId: person.userId, lists: [], note: `The Worker answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}` };
    }
    return { store: "skill", userId: person.userId, lists: res.body.lists ?? [] };
  }

  #appSide(name: string): unknown {
    const userId = this.emu.person(name).userId;
    const view = this.#wiring.app?.view;
    if (!view) return { userId, lists: [], operations: [], note: "The console was not given the fake app." };
    if (!userId) return { userId: null, lists: [], operations: [], note: `${name} has not enabled the skill yet.` };
    const owner = this.#viewOwner(name);
    return { userId, lists: view.lists(owner), operations: view.operations(owner).slice(0, 20), stats: view.stats(owner) };
  }

  /**
   * Whose lists the fake app's view holds for the person (skill store: their list space, named by
   * their link's claim or by a webhook; another member's voice webhooks name that member), else their user id.
   */
  #viewOwner(name: string): string {
    const person = this.emu.person(name);
    const space = this.store === "skill" ? spaceIdOf(person, this.emu.oauthSpaceClaim, this.#wiring.app?.log ?? null) : null;
    return space ?? (person.userId as string);
  }

  async #appAction(name: string, action: string, b: Record<string, unknown>): Promise<unknown> {
    const bridge = this.#bridge;
    if (!bridge) throw new HttpError(jsonError(503, "NO_BRIDGE", "The console was not given the Worker URL and API token."));
    const userId = this.emu.person(name).userId;
    if (!userId) throw new HttpError(jsonError(409, "NOT_ENABLED", `${name} has not enabled the skill yet.`));
    const list = () => requireString(b.list, "list");
    const item = () => requireString(b.item, "item");
    let res;
    let expected: Expected;
    switch (action) {
      case "add": {
        const value = requireString(b.value, "value");
        res = await bridge.createItem(userId, list(), { value, appItemId: `app-${crypto.randomUUID().slice(0, 8)}` });
        expected = { kind: "create", value };
        break;
      }
      case "complete":
        res = await bridge.updateItem(userId, list(), item(), { status: "completed" });
        expected = { kind: "complete", status: "completed" };
        break;
      case "delete":
        res = await bridge.deleteItem(userId, list(), item());
        expected = { kind: "delete" };
        break;
      case "sync":
        res = await bridge.sync(userId);
        expected = { kind: "sync" };
        break;
      case "create-list":
        res = await bridge.request("POST", ["users", userId, "lists"], { name: requireString(b.name, "name") });
        expected = { kind: "createList" };
        break;
      case "rename-list":
        res = await bridge.request("PATCH", ["users", userId, "lists", list()], { name: requireString(b.name, "name") });
        expected = { kind: "renameList" };
        break;
      case "delete-list":
        res = await bridge.request("DELETE", ["users", userId, "lists", list()]);
        expected = { kind: "deleteList" };
        break;
      default:
        throw new HttpError(
          jsonError(404, "NOT_FOUND", `No app action "${action}" (add, complete, delete, sync, create-list, rename-list, delete-list).`),
        );
    }
    const request = { action, ...b };
    if (res.status !== 202 && res.status !== 200) {
      this.events.publish("operation", { userId, person: name, request, status: res.status, error: res.body });
      return json({ status: res.status, body: res.body }, res.status >= 400 ? res.status : 502);
    }
    const op = res.body;
    this.#wiring.app?.view.expect(this.#viewOwner(name), op.id, expected);
    this.events.publish("operation", { userId, person: name, request, operation: op });
    void this.#follow(bridge, userId, name, request, op);
    return op;
  }

  /** The person's dead letters, as the REST API lists them; empty with a note when they cannot be read. */
  async #deadLetters(name: string): Promise<unknown> {
    const userId = this.emu.person(name).userId;
    const empty = (note: string): unknown => ({ userId, total: 0, deadLetters: [], note });
    if (!userId) return empty(`${name} has not enabled the skill yet.`);
    if (!this.#bridge) return empty("The console was not given the Worker URL and API token.");
    let res;
    try {
      res = await this.#bridge.request<{ total?: number; deadLetters?: unknown[] }>("GET", ["users", userId, "dead-letters"]);
    } catch (e) {
      return empty(`The Worker did not answer: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (res.status === 404) return empty("The bridge has not seen this user yet.");
    if (res.status !== 200) return empty(`The Worker answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
    return { userId, total: res.body.total ?? 0, deadLetters: res.body.deadLetters ?? [] };
  }

  /** Redrives or deletes the person's dead letters; the bridge's `{count}`, or its refusal with its status. */
  async #deadLetterAction(name: string, action: "redrive" | "delete"): Promise<unknown> {
    const bridge = this.#bridge;
    if (!bridge) throw new HttpError(jsonError(503, "NO_BRIDGE", "The console was not given the Worker URL and API token."));
    const userId = this.emu.person(name).userId;
    if (!userId) throw new HttpError(jsonError(409, "NOT_ENABLED", `${name} has not enabled the skill yet.`));
    const res =
      action === "redrive"
        ? await bridge.request<{ count: number }>("POST", ["users", userId, "dead-letters", "redrive"])
        : await bridge.request<{ count: number }>("DELETE", ["users", userId, "dead-letters"]);
    if (res.status !== 202 && res.status !== 200) return json({ status: res.status, body: res.body }, res.status >= 400 ? res.status : 502);
    return res.body;
  }

  /** Polls an operation until it is final, publishing each new status. */
  async #follow(bridge: BridgeClient, userId: string, person: string, request: unknown, op: Operation): Promise<void> {
    if (this.#following.has(op.id)) return;
    this.#following.add(op.id);
    let last = op.status;
    const deadline = Date.now() + 120_000;
    try {
      while (!FINAL.has(last) && Date.now() < deadline && !this.#closed) {
        await new Promise((r) => setTimeout(r, 200));
        let res;
        try {
          res = await bridge.getOperation(userId, op.id);
        } catch {
          continue; // the Worker may be restarting
        }
        if (res.status !== 200 || res.body.status === last) continue;
        last = res.body.status;
        this.events.publish("operation", { userId, person, request, operation: res.body });
      }
    } finally {
      this.#following.delete(op.id);
    }
  }

  #toggles(): FaultToggleView[] {
    const app = this.#wiring.app;
    return FAULT_TOGGLES.map((t) => {
      const id = this.#faultIds.get(t.key);
      let on = false;
      let available = true;
      switch (t.target.book) {
        case "endpoint":
          on = id !== undefined && this.emu.endpointFaults.list().some((f) => f.id === id);
          break;
        case "delivery":
          on = id !== undefined && this.emu.deliveryFaults.list().some((f) => f.id === id);
          break;
        case "app":
          available = app !== undefined;
          on = id !== undefined && (app?.outages.list().some((f) => f.id === id) ?? false);
          break;
        case "clock":
          on = this.emu.skewMs !== 0;
          break;
      }
      return { key: t.key, label: t.label, short: t.short, group: t.group, on, available };
    });
  }

  #setFault(key: string, on: boolean): FaultToggleView[] {
    const t = FAULT_TOGGLES.find((x) => x.key === key);
    if (!t) throw new HttpError(jsonError(404, "NOT_FOUND", `No fault toggle "${key}".`));
    const current = this.#toggles().find((x) => x.key === key);
    const id = this.#faultIds.get(key);
    const target = t.target;
    if (target.book === "clock") {
      this.emu.skewMs = on ? target.skewMs : 0;
    } else if (on && !current?.on) {
      if (target.book === "endpoint") this.#faultIds.set(key, this.emu.endpointFaults.add({ ...target.spec }).id);
      else if (target.book === "delivery") this.#faultIds.set(key, this.emu.deliveryFaults.add({ ...target.spec }).id);
      else {
        const app = this.#wiring.app;
        if (!app) throw new HttpError(jsonError(409, "NO_APP", "The console was not given the fake app."));
        this.#faultIds.set(key, app.outages.add({ ...target.spec }).id);
      }
    } else if (!on && id !== undefined) {
      if (target.book === "endpoint") this.emu.endpointFaults.remove(id);
      else if (target.book === "delivery") this.emu.deliveryFaults.remove(id);
      else this.#wiring.app?.outages.remove(id);
      this.#faultIds.delete(key);
    }
    const toggles = this.#toggles();
    this.events.publish("faults", { key, on, toggles, skewMs: this.emu.skewMs });
    return toggles;
  }

  #restart(): unknown {
    const restart = this.#wiring.restartWorker;
    if (!restart) throw new HttpError(jsonError(409, "NO_RESTART", "The console was not given a way to restart the Worker."));
    this.events.publish("worker", { state: "restarting" });
    const started = Date.now();
    void restart().then(
      () => this.events.publish("worker", { state: "running", ms: Date.now() - started }),
      (e: unknown) => this.events.publish("worker", { state: "failed", error: e instanceof Error ? e.message : String(e) }),
    );
    return { state: "restarting" };
  }
}

function bad(message: string): HttpError {
  return new HttpError(jsonError(400, "BAD_REQUEST", message));
}

function requireString(v: unknown, field: string): string {
  if (typeof v !== "string" || v.trim() === "") throw bad(`"${field}" must be a non-empty string`);
  return v;
}
