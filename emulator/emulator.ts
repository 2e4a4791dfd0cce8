/**
 * @module emulator/emulator
 * The Alexa emulator: one skill, its customers, and Amazon's services on one
 * origin. `fetch(request)` serves Amazon's APIs (see emulator/amazon-api) and
 * the control API (emulator/control-api); the methods below are what a
 * person does in the Alexa app. Every change to a list, whoever made it,
 * becomes a signed list event for the skill; enabling, disabling, linking and
 * permission changes become skill events.
 *
 * `say(person, text)` is a person talking to the skill (emulator/voice):
 * the utterance is resolved against the skill's interaction model
 * (emulator/nlu) and sent as a signed request inside a session.
 *
 * Runtime-agnostic (web `Request`/`Response`, WebCrypto) except for reading
 * the interaction models from files; emulator/server puts it on a Node HTTP
 * server. State is in memory.
 * Trade-off: list events go to the skill only while the person has granted
 * list read permission (a skill without it could not use them).
 */
import { amazonRoutes, type AmazonBackend, CERT_PATH } from "./amazon-api.ts";
import { controlRoutes } from "./control-api.ts";
import { DeliveryQueue, type DeliveryView } from "./delivery.ts";
import { EventBus } from "./events.ts";
import { type EnvelopeUser, listEventRequest, type OutOfSessionRequest, type SkillEventName } from "./envelope.ts";
import {
  type AmazonApi,
  type DeliveryFaultSpec,
  type EndpointFaultSpec,
  FaultBook,
} from "./faults.ts";
import { Household, type ItemRecord, ListApiError, type ListEvent, type ListRecord } from "./household.ts";
import { newAccountIdForLists, newToken, newUserId } from "./ids.ts";
import { ModelCache } from "./nlu/model.ts";
import { claimsProblem, JWKS_PATH, OAuthServer, tokenClaims, type TokenKind } from "./oauth.ts";
import {
  type ListPermission,
  type Person,
  PERMISSION_SCOPES,
  type PersonView,
  personView,
  resolveItem,
  resolveList,
} from "./people.ts";
import { createTestPki, signBody, type TestPki } from "./pki.ts";
import { ALEXA_RETRY, EVENT_RETRY_WINDOW_MS, type RetryPolicy } from "./retry.ts";
import { json, sleep } from "./router.ts";
import { TokenStore } from "./tokens.ts";
import { VoiceSessions, type VoiceTurn } from "./voice.ts";
import { ConsoleBackend, type ConsoleOptions } from "./web/console-api.ts";

export interface EmulatorOptions {
  /** The emulator's own origin, e.g. `http://127.0.0.1:8790` (apiEndpoint and certificate URL). */
  origin: string;
  /** The skill's endpoint, e.g. `http://127.0.0.1:8787/alexa`. */
  skillEndpoint: string;
  skillId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Reuse a PKI (tests); otherwise one is generated. */
  pki?: TestPki;
  fetch?: typeof fetch;
  now?: () => number;
  /** Alexa's schedule by default (30 s doubling, 30 min cap, events for 1 h). */
  retry?: Partial<RetryPolicy> & { eventWindowMs?: number };
  /** How long Alexa waits for the skill. Default 10 000. */
  skillTimeoutMs?: number;
  locale?: string;
  lwaTokenTtlSeconds?: number;
  apiAccessTokenTtlSeconds?: number;
  /** Reject skill messages whose `data` has non-string values (Amazon's documented rule). Default true. */
  strictMessageData?: boolean;
  /** People created at start. Default `["alice"]`. */
  people?: string[];
  /**
   * Where the interaction models are (`<dir>/<locale>.json`, a path or a
   * `file:` URL). Default `<repo>/skill-package/interactionModels/custom/`.
   */
  modelDir?: string | URL;
  /** How long Alexa waits for an interactive answer. Default 8 000. */
  voiceTimeoutMs?: number;
  /** The bus deliveries, voice turns, calls and list changes are published to. Default: a new one. */
  events?: EventBus;
  /** What the console at `/` shows: the list store, and the Worker URL and API token (see emulator/web/console-api). */
  console?: ConsoleOptions;
  /**
   * The claim the bridge names a list space by (its APP_OAUTH_SPACE_CLAIM).
   * Default `sub`. Another name: tokens of {@link AlexaEmulator.linkAppUser}
   * always carry it, the account's own `sub` unless given (each app account
   * its own household, until people share one).
   */
  oauthSpaceClaim?: string;
}

/** One Amazon API call, as the control API shows it. */
export interface CallView {
  at: string;
  api: AmazonApi;
  method: string;
  path: string;
  status: number;
  fault?: string;
  notes?: string[];
}

export const DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000";
export const DEFAULT_CLIENT_ID = "amzn1.application-oa2-client.emulator";
export const DEFAULT_CLIENT_SECRET = "emulator-client-secret";
const MAX_CALLS = 1000;

/**
 * @example
 * const emu = await AlexaEmulator.create({ origin: "http://127.0.0.1:8790", skillEndpoint: "http://127.0.0.1:8787/alexa" });
 * emu.enable("alice", { permissions: ["read", "write"] });
 * emu.addItem("alice", "shopping", "milk"); // → ItemsCreated, signed, to the skill
 */
export class AlexaEmulator {
  readonly skillId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly origin: string;
  readonly certUrl: string;
  readonly rootPem: string;
  skillEndpoint: string;
  /** Shift of timestamps in signed requests, in ms. */
  skewMs = 0;
  readonly endpointFaults: FaultBook<EndpointFaultSpec>;
  readonly deliveryFaults: FaultBook<DeliveryFaultSpec>;
  readonly deliveries: DeliveryQueue;
  readonly retry: RetryPolicy & { eventWindowMs: number };
  /** Everything that happens, for the console's `GET /_control/events`. */
  readonly events: EventBus;
  /** The page at `/` and its API (emulator/web/console-api). */
  readonly console: ConsoleBackend;

  readonly #now: () => number;
  readonly #pki: TestPki;
  readonly #people = new Map<string, Person>();
  readonly #calls: CallView[] = [];
  readonly #callCounts: Record<AmazonApi, number> = { lwa: 0, messaging: 0, lists: 0 };
  readonly #notes = new WeakMap<Request, string[]>();
  readonly #lwaTokens: TokenStore<{ clientId: string; scope: string }>;
  readonly #apiTokens: TokenStore<{ userId: string }>;
  readonly #apiTokenTtlMs: number;
  readonly #routes: ReturnType<typeof amazonRoutes>;
  readonly #control: ReturnType<typeof controlRoutes>;
  readonly #voice: VoiceSessions;

  /** The app's OAuth server (emulator/oauth): JWKS at /_oauth/jwks.json, tokens for `link --sub`. */
  readonly oauth: OAuthServer;
  /** The claim the bridge names a list space by (EmulatorOptions.oauthSpaceClaim). */
  readonly oauthSpaceClaim: string;

  static async create(opts: EmulatorOptions): Promise<AlexaEmulator> {
    const pki = opts.pki ?? (await createTestPki());
    return new AlexaEmulator(opts, pki, await OAuthServer.create(opts.origin, opts.now ?? Date.now));
  }

  private constructor(opts: EmulatorOptions, pki: TestPki, oauth: OAuthServer) {
    this.oauth = oauth;
    this.oauthSpaceClaim = opts.oauthSpaceClaim ?? "sub";
    this.#now = opts.now ?? Date.now;
    this.events = opts.events ?? new EventBus({ now: this.#now });
    this.#pki = pki;
    this.origin = opts.origin.replace(/\/+$/, "");
    this.certUrl = this.origin + CERT_PATH;
    this.rootPem = pki.rootPem;
    this.skillEndpoint = opts.skillEndpoint;
    this.skillId = opts.skillId ?? DEFAULT_SKILL_ID;
    this.clientId = opts.clientId ?? DEFAULT_CLIENT_ID;
    this.clientSecret = opts.clientSecret ?? DEFAULT_CLIENT_SECRET;
    this.retry = {
      baseMs: opts.retry?.baseMs ?? ALEXA_RETRY.baseMs,
      maxDelayMs: opts.retry?.maxDelayMs ?? ALEXA_RETRY.maxDelayMs,
      eventWindowMs: opts.retry?.eventWindowMs ?? EVENT_RETRY_WINDOW_MS,
    };
    this.endpointFaults = new FaultBook(this.#now, "e");
    this.deliveryFaults = new FaultBook(this.#now, "d");
    this.#lwaTokens = new TokenStore("Atc|", this.#now);
    this.#apiTokens = new TokenStore("Atza|", this.#now);
    this.#apiTokenTtlMs = (opts.apiAccessTokenTtlSeconds ?? 3600) * 1000;
    const sign = async (body: string): Promise<Record<string, string>> => ({
      SignatureCertChainUrl: this.certUrl,
      "Signature-256": await signBody(this.#pki.leafKey, body),
    });
    const skillFetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.deliveries = new DeliveryQueue({
      now: this.#now,
      skewMs: () => this.skewMs,
      locale: opts.locale ?? "en-US",
      endpoint: () => this.skillEndpoint,
      fetch: skillFetch,
      timeoutMs: opts.skillTimeoutMs ?? 10_000,
      policy: this.retry,
      faults: this.deliveryFaults,
      issueToken: (userId) => this.#apiTokens.issue({ userId }, this.#apiTokenTtlMs).token,
      sign,
      onChange: (view) => this.events.publish("delivery", view),
    });
    const backend: AmazonBackend = {
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      chainPem: pki.chainPem,
      lwaTokenTtlMs: (opts.lwaTokenTtlSeconds ?? 3600) * 1000,
      lwaTokens: this.#lwaTokens,
      apiTokens: this.#apiTokens,
      strictMessageData: opts.strictMessageData ?? true,
      personByUserId: (userId) => this.#personByUserId(userId),
      acceptMessage: (person, userId, data, expiresAfterSeconds) =>
        this.#send(person, userId, { type: "Messaging.MessageReceived", message: data }, expiresAfterSeconds * 1000),
      note: (req, text) => this.#notes.get(req)?.push(text),
    };
    this.#routes = amazonRoutes(backend);
    const models = new ModelCache(opts.modelDir);
    this.#voice = new VoiceSessions({
      skillId: this.skillId,
      now: this.#now,
      skewMs: () => this.skewMs,
      defaultLocale: opts.locale ?? "en-US",
      endpoint: () => this.skillEndpoint,
      fetch: skillFetch,
      timeoutMs: opts.voiceTimeoutMs ?? 8000,
      sign,
      issueToken: (userId) => this.#apiTokens.issue({ userId }, this.#apiTokenTtlMs).token,
      currentUserId: (name) => this.#person(name).enablement?.userId ?? null,
      enable: (name) => this.enable(name).userId as string,
      envelopeUser: (userId) => this.#envelopeUser(userId),
      model: (locale) => models.get(locale),
      onTurn: (turn) => this.events.publish("voice", turn),
    });
    this.#control = controlRoutes(this);
    this.console = new ConsoleBackend(this, this.events, opts.console);
    for (const name of opts.people ?? ["alice"]) this.addPerson(name);
  }

  /** Serves Amazon's APIs, the certificate chain and the control API. */
  async fetch(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    try {
      const page = await this.console.handle(req);
      if (page) return page;
      if (path.startsWith("/_control")) return (await this.#control.handle(req)) ?? notFound();
      if (path === JWKS_PATH && req.method === "GET") return json(this.oauth.jwks());
      if (path === "/_oauth/rotate" && req.method === "POST") return json({ kid: await this.oauth.rotate() });
      if (path.startsWith("/echo.api/")) return (await this.#routes.certs.handle(req)) ?? notFound();
      const api: AmazonApi | null = path.startsWith("/auth/o2/")
        ? "lwa"
        : path.startsWith("/v1/skillmessages/")
          ? "messaging"
          : path.startsWith("/v2/householdlists")
            ? "lists"
            : null;
      if (api === null) return notFound();
      return await this.#amazon(api, req);
    } catch (e) {
      console.error("emulator: unhandled error", e);
      return json({ message: "Internal error in the emulator" }, 500);
    }
  }

  /** Stops deliveries (timers and requests in flight) and voice requests in flight. */
  close(): void {
    this.deliveries.close();
    this.#voice.close();
    this.console.close();
  }

  // ------------------------------------------------------------ people

  addPerson(name: string): PersonView {
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(name)) throw new ListApiError(400, "INVALID_REQUEST", "A name is 1-40 letters, digits, _ . -");
    if (this.#people.has(name)) throw new ListApiError(409, "CONFLICT", `"${name}" already exists.`);
    const accountId = newAccountIdForLists();
    const person: Person = {
      name,
      accountId,
      household: new Household(accountId, this.#now, (e) => this.#onListEvent(person, e)),
      enablement: null,
      pastUserIds: [],
    };
    this.#people.set(name, person);
    this.events.publish("person", personView(person));
    return personView(person);
  }

  people(): PersonView[] {
    return [...this.#people.values()].map(personView);
  }

  person(name: string): PersonView {
    return personView(this.#person(name));
  }

  /** Enables the skill: a new user id, `SkillEnabled`, then `SkillPermissionAccepted` if permissions are given. */
  enable(name: string, opts: { permissions?: ListPermission[] } = {}): PersonView {
    const p = this.#person(name);
    if (p.enablement) throw new ListApiError(409, "CONFLICT", `The skill is already enabled for ${name}.`);
    const userId = newUserId();
    p.enablement = { userId, linkedAccessToken: null, linkClaims: null, permissions: new Set(), enabledAt: this.#now() };
    p.pastUserIds.push(userId);
    this.#skillEvent(p, "SkillEnabled");
    if (opts.permissions?.length) this.setPermissions(name, { grant: opts.permissions });
    return personView(p);
  }

  /** Disables the skill: `SkillDisabled` for the current user id, which stops working. */
  disable(name: string): PersonView {
    const p = this.#person(name);
    const e = this.#enabled(p);
    p.enablement = null;
    this.#apiTokens.revokeWhere((c) => c.userId === e.userId);
    this.#send(p, e.userId, { type: "AlexaSkillEvent.SkillDisabled", body: { userInformationPersistenceStatus: "NOT_PERSISTED" } });
    return personView(p);
  }

  /** Links an account: `SkillAccountLinked` with the token (a random one if none is given). */
  link(name: string, accessToken?: string): PersonView {
    const p = this.#person(name);
    const e = this.#enabled(p);
    e.linkedAccessToken = accessToken ?? newToken("Atza|");
    e.linkClaims = tokenClaims(e.linkedAccessToken);
    this.#skillEvent(p, "SkillAccountLinked", { accessToken: e.linkedAccessToken });
    return personView(p);
  }

  /**
   * Links the app's account `sub` with a JWT from the emulator's OAuth server
   * (`expired` / `foreign` tokens as faults): `SkillAccountLinked`, and the
   * token on the person's interactive requests. `claims` go into the token
   * too; the space claim ({@link oauthSpaceClaim}) is the `sub` unless given,
   * so people who share a household pass the same value for it.
   * @example await emu.linkAppUser("bob", { sub: "bob", claims: { household: "fam-1" } });
   */
  async linkAppUser(name: string, opts: { sub?: string; kind?: TokenKind; claims?: Record<string, string> } = {}): Promise<PersonView> {
    this.#enabled(this.#person(name));
    const sub = opts.sub ?? `app-user-${name}`;
    const space = this.oauthSpaceClaim;
    const claims = space === "sub" || opts.claims?.[space] !== undefined ? { ...opts.claims } : { ...opts.claims, [space]: sub };
    const problem = claimsProblem(claims);
    if (problem) throw new ListApiError(400, "INVALID_REQUEST", problem);
    return this.link(name, await this.oauth.issue({ sub, claims, ...(opts.kind ? { kind: opts.kind } : {}) }));
  }

  /** Grants and/or revokes list permissions: `SkillPermissionAccepted` (first grant) or `SkillPermissionChanged`. */
  setPermissions(name: string, change: { grant?: ListPermission[]; revoke?: ListPermission[] }): PersonView {
    const p = this.#person(name);
    const e = this.#enabled(p);
    const hadAny = e.permissions.size > 0;
    for (const perm of change.grant ?? []) e.permissions.add(perm);
    for (const perm of change.revoke ?? []) e.permissions.delete(perm);
    const acceptedPermissions = [...e.permissions].sort().map((perm) => ({ scope: PERMISSION_SCOPES[perm] }));
    this.#skillEvent(p, hadAny ? "SkillPermissionChanged" : "SkillPermissionAccepted", { acceptedPermissions });
    return personView(p);
  }

  // ------------------------------------------------ lists, as a person

  lists(name: string): ListRecord[] {
    return this.#person(name).household.lists();
  }

  list(name: string, listRef: string): ListRecord {
    return resolveList(this.#person(name).household, listRef);
  }

  createList(name: string, listName: string): ListRecord {
    return this.#person(name).household.createList({ name: listName });
  }

  updateList(name: string, listRef: string, change: { name?: string; state?: "active" | "archived" }): ListRecord {
    const h = this.#person(name).household;
    return h.updateList(resolveList(h, listRef).listId, change, false);
  }

  deleteList(name: string, listRef: string): void {
    const h = this.#person(name).household;
    h.deleteList(resolveList(h, listRef).listId);
  }

  addItem(name: string, listRef: string, value: string, status?: "active" | "completed"): ItemRecord {
    const h = this.#person(name).household;
    return h.createItem(resolveList(h, listRef).listId, { value, status });
  }

  updateItem(name: string, listRef: string, itemRef: string, change: { value?: string; status?: "active" | "completed" }): ItemRecord {
    const h = this.#person(name).household;
    const list = resolveList(h, listRef);
    return h.updateItem(list.listId, resolveItem(list, itemRef).id, change, false);
  }

  deleteItem(name: string, listRef: string, itemRef: string): void {
    const h = this.#person(name).household;
    const list = resolveList(h, listRef);
    h.deleteItem(list.listId, resolveItem(list, itemRef).id);
  }

  moveItem(name: string, listRef: string, itemRef: string, toListRef: string): ItemRecord {
    const h = this.#person(name).household;
    const from = resolveList(h, listRef);
    return h.moveItem(from.listId, resolveItem(from, itemRef).id, resolveList(h, toListRef).listId);
  }

  /**
   * Invalidates every LWA token issued so far, as Amazon may at any time:
   * the skill's next Skill Messaging call gets a 401 and must fetch a new token.
   */
  revokeLwaTokens(): void {
    this.#lwaTokens.revokeWhere(() => true);
  }

  // ------------------------------------------------------------- voice

  /**
   * `person` says `text` to the skill (enabling it first if needed); resolves to what Alexa says back.
   * @example (await emu.say("alice", "add milk to my shopping list")).speech
   */
  say(name: string, text: string, opts: { locale?: string } = {}): Promise<VoiceTurn> {
    return this.#voice.say(name, text, opts);
  }

  /** Ends the person's open voice session (SessionEndedRequest, USER_INITIATED); null when none is open. */
  endSession(name: string): Promise<VoiceTurn | null> {
    return this.#voice.endSession(name);
  }

  /** The person's open voice session, or null. */
  voiceSession(name: string): ReturnType<VoiceSessions["session"]> {
    this.#person(name);
    return this.#voice.session(name);
  }

  /** Recent voice turns, newest first. */
  voiceLog(filter: { person?: string; limit?: number } = {}): VoiceTurn[] {
    return this.#voice.log(filter);
  }

  // ------------------------------------------------------- observation

  /** Recent Amazon API calls, newest first. */
  calls(filter: { api?: AmazonApi; limit?: number } = {}): CallView[] {
    const out = this.#calls.filter((c) => filter.api === undefined || c.api === filter.api).reverse();
    return out.slice(0, filter.limit ?? out.length);
  }

  /** Requests received per API since start (including faulted ones). */
  callCounts(): Record<AmazonApi, number> {
    return { ...this.#callCounts };
  }

  // ---------------------------------------------------------- internal

  async #amazon(api: AmazonApi, req: Request): Promise<Response> {
    const url = new URL(req.url);
    const call: CallView = { at: new Date(this.#now()).toISOString(), api, method: req.method, path: url.pathname, status: 0 };
    this.#callCounts[api] += 1;
    this.#calls.push(call);
    if (this.#calls.length > MAX_CALLS) this.#calls.shift();
    const notes: string[] = [];
    this.#notes.set(req, notes);
    const fault = this.endpointFaults.take((f) => f.api === api);
    let res: Response | null = null;
    if (fault) {
      call.fault = `${fault.mode} (${fault.id})`;
      if (fault.mode === "429") {
        const retryAfter = String(fault.retryAfterSeconds ?? 1);
        res = json({ message: "Rate exceeded" }, 429, { "retry-after": retryAfter });
      } else if (fault.mode === "500") {
        res = json({ message: "Internal Server Error" }, 500);
      } else {
        await sleep(fault.hangMs ?? 15_000);
      }
    }
    res ??= (await this.#routes[api].handle(req)) ?? notFound();
    call.status = res.status;
    if (notes.length) call.notes = notes;
    this.events.publish("call", call);
    return res;
  }

  #person(name: string): Person {
    const p = this.#people.get(name);
    if (!p) throw new ListApiError(404, "NOT_FOUND", `No person "${name}".`);
    return p;
  }

  #enabled(p: Person): NonNullable<Person["enablement"]> {
    if (!p.enablement) throw new ListApiError(409, "CONFLICT", `The skill is not enabled for ${p.name}.`);
    return p.enablement;
  }

  #personByUserId(userId: string): Person | null {
    for (const p of this.#people.values()) if (p.enablement?.userId === userId) return p;
    return null;
  }

  /** The user's context now; a disabled user id keeps only the skill and endpoint. */
  #envelopeUser(userId: string): Omit<EnvelopeUser, "apiAccessToken"> {
    const current = this.#personByUserId(userId)?.enablement ?? null;
    return {
      skillId: this.skillId,
      userId,
      apiEndpoint: this.origin,
      accessToken: current?.linkedAccessToken ?? null,
      hasPermissions: (current?.permissions.size ?? 0) > 0,
    };
  }

  #skillEvent(p: Person, name: SkillEventName, body?: Record<string, unknown>): void {
    const e = this.#enabled(p);
    this.#send(p, e.userId, body === undefined ? { type: `AlexaSkillEvent.${name}` } : { type: `AlexaSkillEvent.${name}`, body });
  }

  #onListEvent(p: Person, event: ListEvent): void {
    this.events.publish("lists", { person: p.name, event });
    if (!p.enablement?.permissions.has("read")) return;
    this.#send(p, p.enablement.userId, listEventRequest(event));
  }

  #send(p: Person, userId: string, request: OutOfSessionRequest, windowMs = this.retry.eventWindowMs): DeliveryView {
    if (request.type.startsWith("AlexaSkillEvent.")) this.events.publish("person", personView(p));
    return this.deliveries.enqueue({ userId, person: p.name, user: this.#envelopeUser(userId), request, windowMs });
  }
}

function notFound(): Response {
  return json({ message: "Not found" }, 404);
}
