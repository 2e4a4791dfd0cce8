/**
 * @module space/list-space
 * The Durable Object of one list space (class `ListSpace`, binding
 * `LIST_SPACES`, named by the space id: src/space/space-id.ts). With the skill
 * store it holds the lists, items, versions, the undo journal, the app-facing
 * webhook queue for them (with dead letters), the app's list operations, the
 * members (Alexa userIds with their app user and link time) and its own
 * erasure tombstone. What belongs to Amazon's per-user protocol stays in the
 * Alexa user's object (src/alexa-user).
 *
 * Every call is synchronous SQL in one `transactionSync` (the change, its
 * webhooks and its operation record commit together before the answer), so
 * turns of several members are applied one at a time in arrival order: the
 * convergence rule of src/space/skill-store.ts. A read writes no row.
 * Webhooks leave in the background after the answer; the alarm is the
 * durable backstop.
 *
 * Lifecycle: a space exists from its first member's join, the app's first
 * write to it, an assistant's first change (MCP `callTool`), or a merge into it. `eraseSpace` (the app's
 * `DELETE /v1/spaces/{id}`, a personal space merged away or erased with its
 * Alexa user) deletes everything and leaves a tombstone for
 * {@link TOMBSTONE_TTL_MS}: meanwhile reads find nothing and a join older than
 * the erasure (a redelivered link) is refused; only a newer link or a new app
 * write starts a new, empty space.
 *
 * Seams for tests: `now`, `http`, `random`, as in the Alexa user's object.
 */
import { DurableObject } from "cloudflare:workers";
import type { ResponseEnvelope } from "ask-sdk-model";
import type { VoiceInput } from "../alexa-user/envelope.ts";
import type { Env } from "../env.ts";
import type { BridgeOperation } from "../protocol/bridge-message.ts";
import type { HeldList, Refused } from "../shared/list-store.ts";
import { StoreError } from "../shared/list-store.ts";
import type { EnqueueOptions, Outbox } from "../shared/outbox/outbox.ts";
import type { OperationView } from "../shared/ports.ts";
import type { AlarmSchedule } from "../shared/schedule.ts";
import { TOMBSTONE_TTL_MS, type Tombstone } from "../shared/tombstone.ts";
import type { DeadLetter, QueuedWebhook, WebhookQueue } from "../shared/webhook-queue.ts";
import type { Locale } from "../voice/intents.ts";
import type { VoiceChange } from "../voice/types.ts";
import type { ToolCall } from "../mcp/call.ts";
import { actorFields, type Actor, type AssistantActor, type VoiceActor } from "./actor.ts";
import { callToolInSpace } from "./assistant-call.ts";
import type { JoinOutcome, Members } from "./members.ts";
import { exportLists, mergeLists, type MergeResult, type MovedList } from "./merge.ts";
import type { SkillStore } from "./skill-store.ts";
import { spaceKind } from "./space-id.ts";
import { buildSpaceParts, type SpaceParts } from "./space-parts.ts";
import type { SpaceAssistantReply, SpaceEnqueueReply, SpaceView, SpaceVoiceReply } from "./rpc.ts";

/** The alarm backstop for queued webhooks (as in the Alexa user's object). */
export const SPACE_WEBHOOK_BACKSTOP_MS = 30_000;

/** Rolls a transaction back while answering `reply`. */
class Rollback {
  constructor(readonly reply: SpaceEnqueueReply) {}
}

/**
 * One list space's Durable Object.
 * @example
 * const reply = await env.LIST_SPACES.getByName(spaceId).voiceTurn({ kind: "voice", userId, appUserId }, req.voice);
 * const view = await env.LIST_SPACES.getByName("fam-1").describe();
 */
export class ListSpace extends DurableObject<Env> implements SpaceParts {
  now: () => number = () => Date.now();
  http: typeof fetch = (input, init) => globalThis.fetch(input, init);
  random: () => number = () => Math.random();

  schedule!: AlarmSchedule;
  webhooks!: WebhookQueue;
  outbox!: Outbox;
  store!: SkillStore;
  members!: Members;
  tombstone!: Tombstone;

  /** Who acts in the transaction now running (the webhooks' `userId` / `appUserId`); null: the app or a merge. */
  #actor: Actor | null = null;
  /** A personal space's person, read once per instance (undefined: not read yet). */
  #ownerId: string | null | undefined = undefined;
  readonly #background = new Set<Promise<unknown>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.build();
  }

  /** The space id (the object's name). */
  get spaceId(): string {
    return this.ctx.id.name ?? "";
  }

  /** Creates the tables (idempotent) and the parts (src/space/space-parts.ts); again after an erasure. */
  protected build(): void {
    Object.assign<SpaceParts, SpaceParts>(
      this,
      buildSpaceParts({
        ctx: this.ctx,
        env: this.env,
        spaceId: () => this.spaceId,
        // A personal space's webhooks always name its person (as 0.2's did); a linked space's only a voice actor.
        userId: () => actorFields(this.#actor).userId ?? this.#owner(),
        appUserId: () => actorFields(this.#actor).appUserId ?? null,
        now: () => this.now(),
        http: (input, init) => this.http(input, init),
        random: () => this.random(),
        deliver: () => this.#deliver(),
      }),
    );
  }

  override async alarm(): Promise<void> {
    await this.schedule.runAll(this.now());
  }

  // ------------------------------------------------------------------ voice

  /**
   * A member's voice turn, answered from the space's lists; the change and
   * its webhooks commit before the answer. `not_member` when `actor.userId`
   * is not a member now (first turn, relinked, erased): the Worker then goes
   * through the Alexa user's object, which joins it (or not) and asks again.
   * @example const r = await stub.voiceTurn({ kind: "voice", userId, appUserId: null }, req.voice);
   */
  async voiceTurn(actor: VoiceActor, voice: VoiceInput): Promise<SpaceVoiceReply> {
    const member = this.#live() ? this.members.get(actor.userId) : null;
    if (!member) return { outcome: "not_member" };
    // The member row, not the token, says which app user acts (the latest link by event time).
    const as: VoiceActor = { kind: "voice", userId: actor.userId, appUserId: member.appUserId };
    const now = this.now();
    let body!: ResponseEnvelope;
    this.#commit(as, () => (body = this.store.answerVoice(voice, now, as)));
    this.#afterCommit();
    return { outcome: "answered", body };
  }

  /**
   * Applies one change as `actor` (an assistant, e.g. an MCP server, or a
   * voice change decided elsewhere), on the same path as voice turns: its
   * webhooks carry the actor's `source`, and "undo" is the actor's own.
   * `not_found` when the space does not exist (nothing is created).
   * @example await stub.applyChange({ kind: "assistant", clientId: "mcp", sub: "u1" }, { kind: "add", listId, values: ["milk"] });
   */
  async applyChange(actor: Actor, change: VoiceChange): Promise<{ outcome: "applied" } | Refused | { outcome: "not_found" }> {
    if (!this.#live()) return { outcome: "not_found" };
    try {
      this.#commit(actor, () => this.store.applyVoice(change, this.now(), actor));
    } catch (e) {
      if (e instanceof StoreError) return { outcome: "refused", code: e.code, message: e.message };
      throw e;
    }
    this.#afterCommit();
    return { outcome: "applied" };
  }

  /**
   * One MCP tool call as `actor`, in one transaction (src/space/assistant-call.ts):
   * its first change creates the space; `erased` when the token (`issuedAt`,
   * its `iat`) is not newer than the space's erasure.
   * @example await stub.callTool({ kind: "assistant", clientId: "alexa", sub: "u1" }, { name: "read_list", arguments: {} }, null);
   */
  async callTool(actor: AssistantActor, call: ToolCall, issuedAt: number | null): Promise<SpaceAssistantReply> {
    const parts = { now: this.now(), store: this.store, tombstone: this.tombstone, afterCommit: () => this.#afterCommit() };
    const space = { ...parts, exists: () => this.#exists(), create: () => this.#create(), commit: (fn: () => void) => this.#commit(actor, fn) };
    return callToolInSpace(space, actor, call, issuedAt);
  }

  // ---------------------------------------------------------------- members

  /**
   * Makes `userId` a member as of `at` (its latest verified link, or its
   * personal space), creating the space if needed. `erased`: the space was
   * deleted after `at` (a redelivered, older link), nothing changed.
   * @example await env.LIST_SPACES.getByName("fam-1").join(userId, "app-user-1", Date.parse(eventCreationTime));
   */
  async join(userId: string, appUserId: string | null, at: number): Promise<{ outcome: JoinOutcome | "erased" }> {
    if (!this.#revive(at)) return { outcome: "erased" };
    let outcome!: JoinOutcome;
    this.#commit(null, () => {
      this.#create();
      outcome = this.members.join(userId, appUserId, at);
    });
    return { outcome };
  }

  /**
   * `userId` leaves as of `at` (relinked elsewhere, unlinked, disabled), unless it joined later.
   * @example await stub.leave(userId, at) // true when it was a member
   */
  async leave(userId: string, at: number): Promise<boolean> {
    if (this.tombstone.active(this.now())) return false;
    let left = false;
    this.#commit(null, () => (left = this.members.leave(userId, at)));
    return left;
  }

  /** The lists, for a merge into another space. @example const lists = await personal.exportLists(); */
  async exportLists(): Promise<MovedList[]> {
    return this.#live() ? exportLists(this.ctx.storage.sql) : [];
  }

  /**
   * Merges lists in (src/space/merge.ts), creating the space if needed; the
   * app hears what was added as this space's webhooks (`source: "merge"`).
   * @example await linked.mergeIn(await personal.exportLists(), "en-US");
   */
  async mergeIn(lists: MovedList[], locale: Locale): Promise<MergeResult> {
    this.#revive(this.now());
    let result!: MergeResult;
    this.#commit(null, () => {
      this.#create();
      result = mergeLists(this.store.rows, this.webhooks, lists, this.now(), locale);
    });
    this.#afterCommit();
    return result;
  }

  /**
   * Erases the space for good: every row (queued webhooks and dead letters
   * too), then a tombstone. @example await env.LIST_SPACES.getByName(spaceId).eraseSpace();
   */
  async eraseSpace(): Promise<{ outcome: "erased" | "not_found" }> {
    const existed = this.#exists();
    await this.webhooks.idle();
    await this.ctx.storage.deleteAll();
    await this.ctx.storage.deleteAlarm();
    this.build();
    this.tombstone.write(this.now());
    await this.schedule.wakeAt(this.now() + TOMBSTONE_TTL_MS);
    return { outcome: existed ? "erased" : "not_found" };
  }

  // ------------------------------------------------------------------- REST

  /** `GET /v1/spaces/{spaceId}`. @example await stub.describe() */
  async describe(): Promise<{ outcome: "found"; view: SpaceView } | { outcome: "not_found" }> {
    if (!this.#live()) return { outcome: "not_found" };
    return { outcome: "found", view: { spaceId: this.spaceId, kind: spaceKind(this.spaceId), members: this.members.list() } };
  }

  /** Every list with its items. Writes no row. @example await stub.readLists() */
  async readLists(): Promise<{ outcome: "found"; lists: HeldList[] } | { outcome: "not_found" }> {
    if (!this.#live()) return { outcome: "not_found" };
    return { outcome: "found", lists: this.store.read() };
  }

  /**
   * An app operation, applied at once (202 once this returns); the app's
   * write creates the space (a new, empty one after an erasure). A refusal
   * stores nothing, not even the space.
   * @example await stub.enqueueOperation({ kind: "create", list: "shopping", value: "milk" }, { idempotencyKey: "k" })
   */
  async enqueueOperation(op: BridgeOperation, opts: EnqueueOptions): Promise<SpaceEnqueueReply> {
    const now = this.now();
    const erased = this.tombstone.active(now);
    let reply!: SpaceEnqueueReply;
    try {
      this.#commit(null, () => {
        if (erased) this.tombstone.clear();
        this.#create();
        reply = this.store.accept(op, opts, now);
        if (reply.outcome === "refused" || reply.outcome === "conflict") throw new Rollback(reply);
      });
    } catch (e) {
      if (e instanceof Rollback) return e.reply;
      throw e;
    }
    this.#afterCommit();
    return reply;
  }

  /** An operation's status. @example await stub.getOperation("op_…") */
  async getOperation(opId: string): Promise<{ outcome: "found"; view: OperationView } | { outcome: "not_found" }> {
    const view = this.#live() ? this.outbox.get(opId) : null;
    return view ? { outcome: "found", view } : { outcome: "not_found" };
  }

  /** The space's dead-letter webhooks, oldest first (at most 1000), and their count. @example await stub.deadLetters() */
  async deadLetters(): Promise<{ outcome: "found"; total: number; deadLetters: DeadLetter[] } | { outcome: "not_found" }> {
    if (!this.#live()) return { outcome: "not_found" };
    return { outcome: "found", total: this.webhooks.deadLetterCount(), deadLetters: this.webhooks.deadLetters() };
  }

  /** Puts every dead letter back in the queue and starts sending. @example await stub.redriveDeadLetters() */
  async redriveDeadLetters(): Promise<{ outcome: "done"; count: number } | { outcome: "not_found" }> {
    if (!this.#live()) return { outcome: "not_found" };
    const count = this.webhooks.redriveDeadLetters();
    if (count > 0) this.#afterCommit();
    return { outcome: "done", count };
  }

  /** Deletes every dead letter. @example await stub.deleteDeadLetters() */
  async deleteDeadLetters(): Promise<{ outcome: "done"; count: number } | { outcome: "not_found" }> {
    if (!this.#live()) return { outcome: "not_found" };
    return { outcome: "done", count: this.webhooks.deleteDeadLetters() };
  }

  /** The webhook queue's rows (tests, the emulator's console). @example await stub.webhookQueue() */
  async webhookQueue(): Promise<QueuedWebhook[]> {
    return this.webhooks.list();
  }

  /** Resolves when background sends have finished (tests). @example await stub.idle() */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
    await this.webhooks.idle();
  }

  // -------------------------------------------------------------- internals

  /** The person of a personal space (its one member), or null (a linked space, or none yet). */
  #owner(): string | null {
    if (spaceKind(this.spaceId) !== "personal") return null;
    if (this.#ownerId === undefined) this.#ownerId = this.members.list()[0]?.userId ?? null;
    return this.#ownerId;
  }

  #exists(): boolean {
    return this.ctx.storage.sql.exec(`SELECT 1 FROM space_meta WHERE id = 1`).toArray().length > 0;
  }

  /** The space exists and is not erased. */
  #live(): boolean {
    return this.#exists() && !this.tombstone.active(this.now());
  }

  /** Within the tombstone window only something newer than the erasure starts the space again. */
  #revive(at: number): boolean {
    const erasedAt = this.tombstone.erasedAt();
    if (erasedAt === null || !this.tombstone.active(this.now())) return true;
    if (at <= erasedAt) return false;
    this.tombstone.clear();
    return true;
  }

  #create(): void {
    this.ctx.storage.sql.exec(`INSERT INTO space_meta (id, created_at) VALUES (1, ?) ON CONFLICT DO NOTHING`, this.now());
    this.store.rows.ensureDefaults();
  }

  #commit(actor: Actor | null, fn: () => void): void {
    this.#actor = actor;
    this.#ownerId = undefined;
    try {
      this.ctx.storage.transactionSync(fn);
    } catch (e) {
      // Rolled back: the default lists may have gone with it.
      this.store.rows.reset();
      throw e;
    } finally {
      this.#actor = null;
    }
  }

  /** Starts sending what was queued, with the alarm as backstop. */
  #afterCommit(): void {
    if (this.webhooks.pendingCount() === 0) return;
    this.#inBackground(this.schedule.wakeAt(this.now() + SPACE_WEBHOOK_BACKSTOP_MS));
    this.#inBackground(this.#deliver());
  }

  async #deliver(): Promise<number | null> {
    const next = await this.webhooks.drain();
    if (next !== null) await this.schedule.wakeAt(next);
    return next;
  }

  #inBackground(p: Promise<unknown>): void {
    const tracked = p.catch((e: unknown) => console.error("space: background work failed", e)).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
    this.ctx.waitUntil(tracked);
  }
}
