/**
 * @module alexa-user/alexa-user
 * The Durable Object of one Alexa user (SQLite-backed, addressed by the user
 * id): Amazon's per-user protocol state. A thin composition root:
 * {@link AlexaUser.build} creates each part's tables and wires the parts
 * together; `alarm()` runs every part's due work through the shared
 * {@link AlarmSchedule}. Work lives in the parts: profile, dedupe, item-map,
 * echo, held-deletes, webhook-queue, inbound/*, op-progress, the outbox, and
 * the link to the user's list space (space-link, space-turns: with the skill
 * store the lists live in the space, src/space).
 *
 * Handling an Alexa request ({@link AlexaUser.handleAlexa}):
 * 1. concurrent copies of the same delivery (same `requestId`, or same bridge
 *    `opId`) join the first one and get its answer (in memory, InFlight);
 * 2. requests run one at a time (a per-object queue), because the input gate
 *    opens at every `await fetch(...)`;
 * 3. an already handled key gets its stored answer, with no side effect
 *    (but the alarm is armed and queued webhooks sent, in case the instance
 *    that handled it died before it did so);
 * 4. the handler does its I/O, then its effects, the queued webhooks and the
 *    dedupe record commit in one `transactionSync`; only then is the answer
 *    200 (and the output gate holds it until the write is durable);
 *    a List API 429/5xx/timeout (or anything unexpected) answers 503 and
 *    records nothing;
 * 5. webhooks are sent in the background (`ctx.waitUntil`), never delaying
 *    Alexa's answer; the alarm is the durable backstop;
 * 6. a full sync is only accepted (durably) while Alexa waits, and runs after
 *    the answer (src/alexa-user/sync-runner.ts); its deliveries are not recorded as
 *    handled, so that one arriving after a run died starts it again, and one
 *    arriving while it runs is acknowledged at once.
 *
 * After `SkillDisabled`, once the webhook queue has drained (the app has been
 * told, or its webhooks became dead letters after their 24 h window, also
 * when webhooks are not configured), all storage is deleted, the empty
 * tables are recreated and a tombstone (no personal data) is written: from
 * `SkillDisabled` until the tombstone expires (26 h after the erasure) every
 * request for this id is acknowledged with no effect (src/shared/tombstone.ts).
 *
 * Seams for tests: `now` (the clock of every part), `http` (the fetch used for
 * Amazon and the app; it calls `globalThis.fetch` at call time, so
 * `vi.spyOn(globalThis, "fetch")` intercepts it) and `random` (jitter).
 */
import { DurableObject } from "cloudflare:workers";
import type { RequestEnvelope } from "ask-sdk-model";
import { allowedApiEndpoint, apiEndpointFor } from "../alexa/endpoints.ts";
import { createListApi, ListApiError } from "../alexa/list-api.ts";
import { failureAnswer } from "./failure.ts";
import type { Env } from "../env.ts";
import { DedupeStore, InFlight, opKey, requestKey, type AlexaAnswer, type AlexaAnswerBody } from "./dedupe.ts";
import { EchoLog } from "./echo.ts";
import { INTERACTIVE_TYPES, readEnvelope, type InboundRequest } from "./envelope.ts";
import { HeldDeletes } from "./held-deletes.ts";
import type { Apply, InboundParts } from "./inbound/context.ts";
import { HeldDeleteReleaser } from "./inbound/list-events.ts";
import { bridgeOpId, MESSAGE_RECEIVED, runsAfterAnswer } from "./inbound/messages.ts";
import { handledByUserObject, routeInbound } from "./inbound/route.ts";
import { ItemMap } from "./item-map.ts";
import { OpProgress } from "./op-progress.ts";
import type { EnqueueOptions } from "../shared/outbox/outbox.ts";
import { createListStore, listStoreKind, type HeldList, type ListStore } from "./lists/index.ts";
import { ensureSchema } from "../storage/schema.ts";
import { ALEXA_USER_OUTBOX_SCHEMA, ALEXA_USER_TOMBSTONE_SCHEMA, ensureUserSchemas } from "./user-schemas.ts";
import { Outbound, type EnqueueReply, type GetOperationReply } from "./outbox/service.ts";
import type { OutboxPort } from "../shared/ports.ts";
import type { BridgeOperation } from "../protocol/bridge-message.ts";
import type { RegistryEntry } from "../registry/entry.ts";
import { ProfileStore } from "./profile.ts";
import { SpaceLink, type Settled } from "./space-link.ts";
import { SpaceTurns } from "./space-turns.ts";
import { AlarmSchedule } from "../shared/schedule.ts";
import { SyncRunner } from "./sync-runner.ts";
import { Tombstone } from "../shared/tombstone.ts";
import { deadLetterTtlMs, WebhookQueue, type DeadLetter, type QueuedWebhook } from "../shared/webhook-queue.ts";

/** Alexa's acknowledgement. */
export const ACK: AlexaAnswer = { status: 200, body: { version: "1.0", response: {} } };

/** Deadline of each List API exchange: several may run within Alexa's 10 s. */
export const LIST_API_TIMEOUT_MS = 4_000;
/**
 * The alarm backstop for queued webhooks: if the background send dies with
 * the instance, the alarm sends them this much later.
 */
export const WEBHOOK_BACKSTOP_MS = 30_000;

/**
 * One Alexa user's Durable Object.
 * @example
 * const answer = await env.ALEXA_USER.getByName(userId).handleAlexa(envelope);
 * return json(answer.body, answer.status);
 */
export class AlexaUser extends DurableObject<Env> {
  /** The clock of every part (ms since epoch). Tests may replace it. */
  now: () => number = () => Date.now();
  /** The fetch of every part. Resolved per call so test spies take effect. */
  http: typeof fetch = (input, init) => globalThis.fetch(input, init);
  /** Jitter source of the webhook backoff. */
  random: () => number = () => Math.random();
  /** Deadline of each List API exchange. Tests may shorten it. */
  listApiTimeoutMs: number = LIST_API_TIMEOUT_MS;

  // The parts; rebuilt after an erasure (see build()).
  schedule!: AlarmSchedule;
  profile!: ProfileStore;
  dedupe!: DedupeStore;
  items!: ItemMap;
  echoes!: EchoLog;
  held!: HeldDeletes;
  progress!: OpProgress;
  /** The erasure mark: while it stands, nothing for this user id has any effect (src/shared/tombstone.ts). */
  tombstone!: Tombstone;
  webhooks!: WebhookQueue;
  outbox!: OutboxPort;
  /** Where the lists live (`ALEXA_LISTS`): the skill store or the household store. */
  lists!: ListStore;
  /** The user's list space and moving it (skill store, src/alexa-user/space-link.ts). */
  spaces!: SpaceLink;
  /** Voice turns, REST and link events of the skill store, through the space (src/alexa-user/space-turns.ts). */
  turns!: SpaceTurns;
  /** Full syncs after Alexa's answer. */
  syncs!: SyncRunner;
  /** The outbound side: outbox, REST API and registry (src/alexa-user/outbox/service.ts). */
  outbound!: Outbound;

  readonly #inflight = new InFlight<AlexaAnswer>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #background = new Set<Promise<unknown>>();
  /** Bumped by every erasure, so an alarm run can tell that one happened during it. */
  #generation = 0;
  /** `ALEXA_LISTS=household`: the household parts have tables and timed work; with the skill store neither. */
  #household = false;
  /** Whether the outbox's tables exist: always with the household store, from the first skill message with the skill store. */
  #outboxPresent = false;
  /** Whether the erasure mark's table exists (from the first erasure). */
  #tombstonePresent = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.build();
  }

  /**
   * Makes the tables current (src/alexa-user/user-schemas.ts) and creates the
   * parts. Runs at start and again after an erasure, which drops all tables. A
   * new part is added here: its tables in one of the user's schemas (raise its
   * version), build it, and register it with the schedule if it has timed work.
   */
  protected build(): void {
    const sql = this.ctx.storage.sql;
    // One SELECT when the tables are current (src/alexa-user/user-schemas.ts). With the skill store the
    // lists live in the list space's object (src/space/list-space.ts), not here.
    this.#household = listStoreKind(this.env) === "household";
    const present = ensureUserSchemas(this.ctx, this.#household);
    this.#outboxPresent = present.outbox;
    this.#tombstonePresent = present.tombstone;

    this.schedule = new AlarmSchedule(this.ctx.storage);
    this.profile = new ProfileStore(sql);
    this.dedupe = new DedupeStore(sql);
    this.items = new ItemMap(sql);
    this.echoes = new EchoLog(sql);
    this.held = new HeldDeletes(sql);
    this.progress = new OpProgress(sql);
    this.tombstone = new Tombstone(sql, () => this.#tombstonePresent);
    this.spaces = new SpaceLink({
      sql,
      env: this.env,
      userId: () => this.profile.userId() ?? this.ctx.id.name ?? "",
      membership: { read: () => this.profile.membership(), write: (m) => this.profile.setMembership(m) },
    });
    this.webhooks = new WebhookQueue({
      sql,
      userId: () => this.profile.userId() ?? this.ctx.id.name ?? "",
      appUserId: () => this.profile.appUserId(),
      now: () => this.now(),
      fetch: (input, init) => this.http(input, init),
      config: {
        url: this.env.APP_WEBHOOK_URL || undefined,
        secret: this.env.APP_WEBHOOK_SECRET || undefined,
        allowHttp: this.env.ENVIRONMENT === "development" || this.env.ENVIRONMENT === "test",
      },
      random: () => this.random(),
      deadLetterTtlMs: deadLetterTtlMs(this.env.DEAD_LETTER_TTL_DAYS),
      // Development and test: a webhook over 512 KiB is a bug (every path splits), so it throws.
      strictSize: this.env.ENVIRONMENT === "development" || this.env.ENVIRONMENT === "test",
    });
    this.outbound = new Outbound({
      sql,
      env: this.env,
      profile: () => this.profile.get(),
      reportSlot: { read: () => this.profile.registryEntry(), write: (entry) => this.profile.setRegistryEntry(entry) },
      webhooks: this.webhooks,
      wakeAt: (at) => this.schedule.wakeAt(at),
      http: (input, init) => this.http(input, init),
      now: () => this.now(),
      accept: (op, opts) => {
        // The skill store's outbox carries only skill messages: its tables come with the first one.
        if (op.kind === "message") this.#ensureOutbox();
        let result!: ReturnType<ListStore["accept"]>;
        this.#commit(() => (result = this.lists.accept(op, opts, this.now())));
        return result;
      },
      afterAccept: () => {
        if (this.webhooks.pendingCount() > 0) this.#inBackground(this.#deliverWebhooks());
      },
      reconciles: (p) => this.lists.reconciles(p),
      outboxPresent: () => this.#outboxPresent,
    });
    this.outbox = this.outbound.outbox;
    this.turns = new SpaceTurns({ env: this.env, spaces: this.spaces, profile: this.profile, commit: (fn) => this.#commit(fn), afterCommit: (now) => this.#afterCommit(now) });
    this.lists = createListStore(this.env, { sql, webhooks: this.webhooks, outbox: this.outbound.outbox, now: () => this.now() });
    this.syncs = new SyncRunner({
      parts: { items: this.items, profile: this.profile, held: this.held, webhooks: this.webhooks, outbox: this.outbox, progress: this.progress },
      commit: (fn) => this.#commit(fn),
      afterCommit: (now) => this.#afterCommit(now),
      serial: (fn) => this.#serial(fn),
      background: (p) => this.#inBackground(p),
      now: () => this.now(),
    });

    // Alarm order matters only in that the webhook queue runs last, so the
    // webhooks the other parts queued go out in the same run. The household
    // parts only with that store: with the skill store their tables do not exist.
    this.schedule.register(this.dedupe);
    if (this.#household) {
      this.schedule.register(this.echoes);
      this.schedule.register(this.progress);
    }
    this.schedule.register(this.tombstone);
    if (this.#household) {
      this.schedule.register(
        new HeldDeleteReleaser({ held: this.held, items: this.items, webhooks: this.webhooks }, (fn) => this.#commit(fn)),
      );
      // Before the outbox: a sync it finds lost is sent again in the same run.
      this.schedule.register(this.syncs);
    }
    this.schedule.register(this.outbound.participant);
    this.schedule.register({ name: "dead-letters", runDue: (now) => this.webhooks.expireDeadLetters(now) });
    this.schedule.register({ name: "webhook-delivery", runDue: () => this.#deliverWebhooks() });
  }

  /** Creates the outbox's tables if they do not exist yet, in their own transaction (before the request's). */
  #ensureOutbox(): void {
    if (this.#outboxPresent) return;
    ensureSchema(this.ctx, ALEXA_USER_OUTBOX_SCHEMA);
    this.#outboxPresent = true;
  }

  /**
   * Makes the alarm fire no later than `at` (default: now). Parts call it after
   * queuing timed work. @example await this.reschedule(this.now() + 60_000);
   */
  async reschedule(at: number = this.now()): Promise<void> {
    await this.schedule.wakeAt(at);
  }

  override async alarm(): Promise<void> {
    const generation = this.#generation;
    await this.schedule.runAll(this.now());
    // Erased during this run: the old parts re-armed the alarm for data that is
    // gone. Arm it for what the fresh parts hold instead (usually nothing). An
    // erasure outside an alarm run leaves later runs alone.
    if (this.#generation !== generation) {
      await this.ctx.storage.deleteAlarm();
      const at = this.#nextDueAt(this.now());
      if (at !== null) await this.schedule.wakeAt(at);
    }
  }

  /**
   * Handles one verified Alexa request of this user and answers with the
   * HTTP status and body for Alexa. 200 only once the effects are durable.
   * @example
   * const { status, body } = await env.ALEXA_USER.getByName(userId).handleAlexa(envelope);
   */
  async handleAlexa(envelope: RequestEnvelope): Promise<AlexaAnswer> {
    const req = readEnvelope(envelope);
    if ("error" in req) return { status: 400, body: { error: req.error } };
    return this.handleInbound(req);
  }

  /**
   * {@link handleAlexa} for an envelope already read by the Worker
   * (`readEnvelope`): the Worker's path, because an RPC argument is
   * structured-cloned, and these few fields cost less to copy than the whole
   * envelope (context, device, permissions…).
   * @example
   * const req = readEnvelope(envelope);
   * if (!("error" in req)) await env.ALEXA_USER.getByName(req.userId).handleInbound(req);
   */
  async handleInbound(inbound: InboundRequest): Promise<AlexaAnswer> {
    const req = this.#checkedEndpoint(inbound);
    if (INTERACTIVE_TYPES.has(req.type)) return this.#serial(() => this.#converse(req));
    if (!handledByUserObject(req.type)) return ACK;
    const keys = [requestKey(req.requestId)];
    const opId = req.type === MESSAGE_RECEIVED ? bridgeOpId(req.message) : null;
    if (opId !== null) keys.push(opKey(opId));
    // What runs after the answer is the stored operation's kind, not what the message claims.
    const afterAnswer = opId !== null && runsAfterAnswer(req.message) && this.outbound.outbox.operation(opId)?.kind === "sync";
    // Its sync is accepted or running: answer without queuing behind it.
    if (afterAnswer && this.syncs.busy(opId)) return ACK;
    return this.#inflight.run(keys, () => this.#serial(() => this.#handle(req, keys, !afterAnswer)));
  }

  /** Resolves when background work (webhook sends, erasure) has finished (tests). @example await stub.idle(); */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
    await this.webhooks.idle();
    await this.#queue;
  }

  /** The webhook queue's rows (pending and dead letters). @example await stub.webhookQueue() */
  async webhookQueue(): Promise<QueuedWebhook[]> {
    return this.webhooks.list();
  }

  /** REST API: the user's dead-letter webhooks, oldest first (at most 1000), and their count. @example await stub.deadLetters() */
  async deadLetters(): Promise<{ outcome: "found"; total: number; deadLetters: DeadLetter[] } | { outcome: "unknown_user" }> {
    if (!this.profile.get()) return { outcome: "unknown_user" };
    return { outcome: "found", total: this.webhooks.deadLetterCount(), deadLetters: this.webhooks.deadLetters() };
  }

  /**
   * REST API: puts every dead letter back at its place in the queue (a fresh
   * 24 h window) and starts sending. @example await stub.redriveDeadLetters()
   */
  async redriveDeadLetters(): Promise<{ outcome: "done"; count: number } | { outcome: "unknown_user" }> {
    if (!this.profile.get()) return { outcome: "unknown_user" };
    const count = this.webhooks.redriveDeadLetters();
    if (count > 0) {
      await this.schedule.wakeAt(this.now() + WEBHOOK_BACKSTOP_MS);
      this.#inBackground(this.#deliverWebhooks());
    }
    return { outcome: "done", count };
  }

  /** REST API: deletes every dead letter. @example await stub.deleteDeadLetters() */
  async deleteDeadLetters(): Promise<{ outcome: "done"; count: number } | { outcome: "unknown_user" }> {
    if (!this.profile.get()) return { outcome: "unknown_user" };
    return { outcome: "done", count: this.webhooks.deleteDeadLetters() };
  }

  /** REST API: stores an app operation in the outbox (202 once this returns). @example await stub.enqueueOperation({ kind: "sync" }, {}); */
  async enqueueOperation(op: BridgeOperation, opts: EnqueueOptions): Promise<EnqueueReply> {
    return this.outbound.enqueueOperation(op, opts);
  }

  /**
   * REST API: every list with its items (skill store), `held_by_alexa` for the
   * household store (the app reads those with a sync).
   * @example const reply = await stub.readLists();
   */
  async readLists(): Promise<{ outcome: "found"; lists: HeldList[] } | { outcome: "unknown_user" } | { outcome: "held_by_alexa" }> {
    if (!this.profile.get()) return { outcome: "unknown_user" };
    const lists = this.lists.read();
    return lists === null ? { outcome: "held_by_alexa" } : { outcome: "found", lists };
  }

  /** REST API: an operation's status. @example await stub.getOperation("op_…") */
  async getOperation(opId: string): Promise<GetOperationReply> {
    return this.outbound.getOperation(opId);
  }

  /**
   * The registry's cron poke: queues a due reconciliation sync, re-arms the
   * alarm for due work, answers the fresh registry entry (null: unknown user).
   * @example const entry = await stub.sweep(Date.now());
   */
  async sweep(now: number): Promise<RegistryEntry | null> {
    return this.outbound.sweep(now);
  }

  /**
   * A voice turn the list space could not answer directly (src/alexa-user/space-turns.ts), or,
   * with the household store, a fixed answer. Not redelivered by Alexa: nothing recorded for duplicates.
   */
  async #converse(req: InboundRequest): Promise<AlexaAnswer> {
    const now = this.now();
    if (this.#retired(req, now)) return ACK;
    const voice = req.voice ?? { request: { type: req.type }, session: null, locale: null };
    if (this.lists.kind === "skill") return this.turns.converse(req, voice, now);
    let body!: AlexaAnswerBody;
    this.#commit(() => {
      this.profile.touch(req.userId, req.apiEndpoint, now);
      body = this.lists.answerVoice(voice, now);
    });
    await this.#afterCommit(now);
    return { status: 200, body };
  }

  /**
   * REST API (skill store): the user's list space now, settled first (a 0.2 user's lists move on this first request too).
   * @example const r = await env.ALEXA_USER.getByName(userId).currentSpace(); // { outcome: "found", spaceId }
   */
  async currentSpace(): Promise<{ outcome: "found"; spaceId: string } | { outcome: "unknown_user" }> {
    return this.#serial(async () => {
      const now = this.now();
      if (!this.profile.get() || this.tombstone.active(now)) return { outcome: "unknown_user" as const };
      return this.turns.currentSpace(now);
    });
  }

  /** `remember`: record the delivery as handled (not for work that runs after the answer). */
  async #handle(req: InboundRequest, keys: string[], remember: boolean): Promise<AlexaAnswer> {
    const now = this.now();
    if (this.#retired(req, now)) return ACK;
    const seen = this.dedupe.lookup(keys);
    if (seen) {
      // A redelivery: the first answer was lost, perhaps with the instance, between the commit and the alarm
      // being armed or the webhooks sent. Arm and send from what is stored, as the first handling would have.
      await this.#afterCommit(now);
      return seen;
    }
    let settled: Settled | null = null;
    let apply: Apply;
    try {
      settled = await this.turns.settleFor(req, now);
      if (settled?.stale) {
        console.log(`${req.type}: older than the link held; acknowledged without effect`);
        this.#commit(() => this.dedupe.record(keys, ACK, now));
        return ACK;
      }
      apply = await routeInbound(req, this.#parts(), now);
    } catch (e) {
      const answer = failureAnswer(e, req.type);
      if (answer) return answer;
      // Permanent List API failure: redelivery cannot help; acknowledge.
      apply = () => {};
    }
    try {
      this.#commit(() => {
        this.profile.touch(req.userId, req.apiEndpoint, now);
        apply();
        if (settled) this.turns.applySettled(settled);
        if (remember) this.dedupe.record(keys, ACK, now);
      });
    } finally {
      // Before any await, and whatever happened: an accepted sync left unstarted
      // would answer every redelivery "busy" while nothing runs. Running it is
      // safe even if the acceptance was rolled back: its operation is real.
      this.syncs.startAccepted();
    }
    await this.#afterCommit(now);
    return ACK;
  }

  /**
   * The request with its `apiEndpoint` dropped (logged) unless it is one of
   * Amazon's region endpoints (src/alexa/endpoints.ts): the profile then keeps
   * the last good one, and the List API and the outbox never send a token
   * elsewhere.
   */
  #checkedEndpoint(req: InboundRequest): InboundRequest {
    if (req.apiEndpoint === null) return req;
    const endpoint = allowedApiEndpoint(req.apiEndpoint, this.env);
    if (endpoint === null) {
      console.warn(`${req.type}: apiEndpoint ${JSON.stringify(req.apiEndpoint.slice(0, 100))} is not an Alexa API endpoint; ignored`);
    }
    return { ...req, apiEndpoint: endpoint };
  }

  /**
   * True once the user disabled the skill (erasure pending) or was erased
   * (the tombstone stands): the request is acknowledged with no effect, so
   * that nothing for this id (a late `SkillEnabled`, a redelivered list
   * event, a voice request) can re-create a profile or cancel the erasure.
   * Checked inside the serial queue, so a request queued behind the erasure
   * sees its tombstone.
   */
  #retired(req: InboundRequest, now: number): boolean {
    const erased = this.tombstone.active(now);
    if (!erased && this.profile.eraseRequestedAt() === null) return false;
    console.log(`${req.type}: the user ${erased ? "was erased" : "disabled the skill"}; acknowledged without effect`);
    return true;
  }

  /** Arms the alarm for everything now stored and starts sending webhooks. */
  async #afterCommit(now: number): Promise<void> {
    this.outbound.afterRequest();
    const at = this.#nextDueAt(now);
    if (at !== null) await this.schedule.wakeAt(at);
    if (this.webhooks.pendingCount() > 0 || this.profile.eraseRequestedAt() !== null) this.#inBackground(this.#deliverWebhooks());
    this.#inBackground(this.outbound.reportRegistry());
  }

  /** The earliest time any part has work, as stored now; `null` when none. */
  #nextDueAt(now: number): number | null {
    const household = this.#household;
    const times = [
      this.dedupe.nextExpiry(),
      household ? this.echoes.nextExpiry() : null,
      household ? this.held.nextReleaseAt() : null,
      household ? this.progress.nextExpiry() : null,
      household ? this.syncs.nextCheckAt(now) : null,
      this.tombstone.expiresAt(),
      this.webhooks.nextDeadLetterExpiry(),
      this.webhooks.pendingCount() > 0 ? now + WEBHOOK_BACKSTOP_MS : null,
      this.outbound.outbox.nextDueAt(),
    ].filter((t): t is number => t !== null);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /** Sends what is due; erases the user once disabled and drained. */
  async #deliverWebhooks(): Promise<number | null> {
    const next = await this.webhooks.drain();
    if (this.profile.eraseRequestedAt() !== null && this.webhooks.pendingCount() === 0) {
      await this.#serial(() => this.#erase());
      return null;
    }
    if (next !== null) await this.schedule.wakeAt(next);
    return next;
  }

  async #erase(): Promise<void> {
    await this.webhooks.idle();
    // Re-check: new webhooks may have arrived meanwhile (nothing cancels an erasure).
    if (this.profile.eraseRequestedAt() === null || this.webhooks.pendingCount() > 0) return;
    // A sync queued behind this erasure must not write into the fresh tables.
    this.syncs.cancel();
    const dead = this.webhooks.list().length;
    console.log(`user disabled the skill: erasing all stored data (${dead} dead-letter webhooks go with it)`);
    const userId = this.profile.userId();
    // Best effort: a registry entry left behind is dropped by the next sweep (the object answers null).
    if (userId !== null) {
      await this.outbound.forgetRegistry(userId).catch((e: unknown) => console.error("erase: registry not updated", e));
      // Best effort, too: a mapping left behind resolves to this (now unknown) user, answered 404 USER_NOT_FOUND.
      const appUserId = this.profile.appUserId();
      if (appUserId !== null) {
        await this.env.APP_USERS.getByName(appUserId)
          .unlink(userId)
          .catch((e: unknown) => console.error("erase: app user mapping not updated", e));
      }
    }
    // Best effort: a linked space keeps its lists (the app's) and loses this member; a personal one is erased.
    await this.spaces.forget(this.now()).catch((e: unknown) => console.error("erase: list space not updated", e));
    await this.ctx.storage.deleteAll();
    this.profile.invalidate();
    await this.ctx.storage.deleteAlarm();
    this.#generation++;
    this.build();
    // No personal data: the object's name is the user id; the row holds two times.
    ensureSchema(this.ctx, ALEXA_USER_TOMBSTONE_SCHEMA);
    this.#tombstonePresent = true;
    this.tombstone.write(this.now());
    await this.schedule.wakeAt(this.tombstone.expiresAt()!);
  }

  #parts(): InboundParts {
    return {
      profile: this.profile,
      items: this.items,
      echoes: this.echoes,
      held: this.held,
      webhooks: this.webhooks,
      outbox: this.outbox,
      storedOperation: (opId) => this.outbound.outbox.operation(opId),
      requestSync: () => {
        if (!this.outbound.outbox.kindState("sync").pending) this.outbound.outbox.enqueue({ kind: "sync" });
      },
      progress: this.progress,
      syncs: this.syncs,
      lists: this.lists,
      flush: () => this.ctx.storage.sync(),
      listApi: (req) => {
        if (!req.apiAccessToken) throw new ListApiError("UNAUTHORIZED", "the request carries no apiAccessToken");
        return createListApi({
          fetch: (input, init) => this.http(input, init),
          apiEndpoint: apiEndpointFor(this.env, req.apiEndpoint, this.profile.get()?.apiEndpoint),
          accessToken: req.apiAccessToken,
          timeoutMs: this.listApiTimeoutMs,
          now: () => this.now(),
        });
      },
    };
  }

  /**
   * The object's `transactionSync`. A failed transaction rolls back what it
   * wrote, so the profile's copy of its row (possibly read inside it) goes too.
   */
  #commit(fn: () => void): void {
    try {
      this.ctx.storage.transactionSync(fn);
    } catch (e) {
      this.profile.invalidate();
      throw e;
    }
  }

  /** Runs `fn` after every earlier one has settled (one request at a time). */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #inBackground(p: Promise<unknown>): void {
    const tracked = p
      .catch((e: unknown) => console.error("background work failed", e))
      .finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
    this.ctx.waitUntil(tracked);
  }
}
