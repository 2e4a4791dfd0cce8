/**
 * @module space/skill-store
 * The skill store: a list space's lists, held in its Durable Object
 * (src/space/list-space.ts), changed by voice (src/voice decides,
 * voice-changes.ts applies), by assistants (the same path, another actor) and
 * by the app's REST operations (operations.ts). Every method is synchronous
 * SQL, run inside the space object's transaction, so a change, its webhooks
 * and its operation record commit together before anyone is answered.
 *
 * Convergence, one rule: the space object applies every change (voice of any
 * member, assistant or app) in the order it reaches it, one at a time; each
 * change of an item raises its `version` by one, and the webhooks leave in
 * that same order. The last change applied wins, field by field; a delete is
 * final (a later edit of the item finds nothing: `ITEM_NOT_FOUND`). The app
 * converges by keeping, per item, the state with the highest version it has
 * seen, whether from a webhook or from the `outbox.completed` of its own
 * operation.
 *
 * What the app hears: voice changes as the household's webhooks
 * (`alexa.list.items.created` / `updated` / `deleted`, `alexa.list.created`)
 * with `source: "voice"` (`"assistant"` for an assistant); its own operations
 * only as `outbox.completed` (with the item's new state); `alexa.list.snapshot`
 * on a sync. Adding by voice an item that is on the list checked off puts that
 * item back (`updated`, as an uncheck would) instead of creating a second
 * one; a REST create always creates.
 */
import type { ResponseEnvelope } from "ask-sdk-model";
import { converse, errorReply } from "../voice/dialogue/index.ts";
import { buildResponse } from "../voice/response.ts";
import { readTurn } from "../voice/turn.ts";
import type { VoiceInput } from "../alexa-user/envelope.ts";
import type { BridgeOperation } from "../protocol/bridge-message.ts";
import { ignoreDelivered, ignoreListEvent } from "../alexa-user/lists/skill-ignored.ts";
import type { EnqueueOptions, EnqueueResult, Outbox } from "../shared/outbox/outbox.ts";
import type { WebhookPort } from "../shared/ports.ts";
import { StoreError, type HeldList, type ListStore, type Refused } from "../shared/list-store.ts";
import { listData, webhookItem } from "../sync/payloads.ts";
import type { UndoableChange, VoiceChange, VoiceItem, VoiceListSummary, VoiceLists } from "../voice/types.ts";
import type { Actor } from "./actor.ts";
import { applyOperation } from "./operations.ts";
import { SkillRows } from "./skill-rows.ts";
import { UndoJournal } from "./undo-journal.ts";
import { VoiceChanges, type UndoEntry } from "./voice-changes.ts";

export interface SkillStoreDeps {
  sql: SqlStorage;
  webhooks: WebhookPort;
  outbox: Pick<Outbox, "applied">;
  now: () => number;
}

/** The actor of a turn nobody is named for (tests of the store alone). */
const NOBODY: Actor = { kind: "voice", userId: "", appUserId: null };

/**
 * @example
 * const store = new SkillStore({ sql, webhooks, outbox, now });
 * store.applyVoice({ kind: "add", listId: store.listId("shopping")!, values: ["milk"] }, now, actor);
 */
export class SkillStore implements ListStore {
  readonly kind = "skill" as const;
  readonly rows: SkillRows;
  readonly #d: SkillStoreDeps;
  readonly #changes: VoiceChanges;

  constructor(deps: SkillStoreDeps) {
    this.#d = deps;
    this.rows = new SkillRows(deps.sql, deps.now);
    this.#changes = new VoiceChanges(this.rows, deps.webhooks, new UndoJournal<UndoEntry>(deps.sql));
  }

  /**
   * What the dialogue may read, for one actor (their own undo).
   * @example converse(turn, store.viewFor(actor))
   */
  viewFor(actor: Actor): VoiceLists {
    return {
      lists: (): VoiceListSummary[] => this.rows.summaries(),
      items: (listId: string): VoiceItem[] => this.rows.itemRows(listId).map((r) => ({ id: r.id, value: r.value, status: r.status })),
      lastChange: (): UndoableChange | null => this.#changes.lastChange(actor, this.#d.now()),
    };
  }

  /** Every list with its items (as snapshots show them), for `GET …/lists`. @example store.read()[0]?.items */
  read(): HeldList[] {
    const appIds = this.rows.appIds();
    return this.rows.readLists().map((l) => ({
      ...listData(l.metadata),
      items: [...l.active, ...l.completed].map((i) => webhookItem(i, appIds.get(i.id) ?? null)),
    }));
  }

  /** The skill store has no remote side to reconcile with. */
  reconciles(): boolean {
    return false;
  }

  /** The id of a list reference: `shopping`, `todo`, or a list id. @example store.listId("shopping") */
  listId(ref: string): string | null {
    return this.rows.listId(ref);
  }

  /**
   * One voice turn of `actor`: the dialogue (src/voice) reads the lists and
   * names at most one change, applied here with its webhooks; a refusal (list
   * full, …) is explained instead. Runs in the space object's transaction.
   * @example const response = store.answerVoice(voice, now, { kind: "voice", userId, appUserId });
   */
  answerVoice(voice: VoiceInput, now: number, actor: Actor = NOBODY): ResponseEnvelope {
    const turn = readTurn(voice.request, voice.session, voice.locale);
    let reply = converse(turn, remembered(this.viewFor(actor)));
    if (reply.change) {
      try {
        this.applyVoice(reply.change, now, actor);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        reply = errorReply(e.code, turn.locale, turn.kind === "ended" ? {} : turn.session);
      }
    }
    return buildResponse(reply);
  }

  /**
   * Applies a voice (or assistant) change as `actor`, with its webhooks and
   * undo entry; a {@link StoreError} leaves nothing behind.
   * @example store.applyVoice({ kind: "add", listId, values: ["milk", "eggs"] }, now, actor);
   */
  applyVoice(change: VoiceChange, now: number, actor: Actor = NOBODY): void {
    this.#changes.apply(actor, change, now);
  }

  /**
   * An app operation: applied now and recorded completed (`outbox.completed`
   * queued), or refused with a {@link StoreError} code (nothing stored).
   * Skill messages go to an Alexa user, never to a space.
   * @example const r = store.accept({ kind: "create", list: "shopping", value: "milk" }, {}, now);
   */
  accept(op: BridgeOperation, opts: EnqueueOptions, now: number): EnqueueResult | Refused {
    if (op.kind === "message") return { outcome: "refused", code: "NOT_SUPPORTED", message: "skill messages go to an Alexa user: POST /v1/users/{userId}/messages" };
    try {
      return this.#d.outbox.applied(op, opts, (opId) => applyOperation(this.rows, this.#d.webhooks, op, opId, now));
    } catch (e) {
      if (e instanceof StoreError) return { outcome: "refused", code: e.code, message: e.message };
      throw e;
    }
  }

  /** Acknowledged without effect (skill-ignored.ts). */
  readonly applyDelivered = ignoreDelivered;
  readonly listEvent = ignoreListEvent;
}

/**
 * A view that reads each thing once: the dialogue asks for the same lists and
 * items several times while it decides (each a statement and its rows read,
 * billed); nothing changes until it has decided. Only for one decision: a
 * caller that reads after applying a change (MCP's tools) uses the live view.
 * @example converse(turn, remembered(store.viewFor(actor)))
 */
function remembered(view: VoiceLists): VoiceLists {
  let lists: VoiceListSummary[] | undefined;
  const items = new Map<string, VoiceItem[]>();
  let last: { change: UndoableChange | null } | undefined;
  return {
    // Frozen: every caller gets the same array, so none may change it.
    lists: () => (lists ??= Object.freeze(view.lists()) as VoiceListSummary[]),
    items: (listId) => items.get(listId) ?? items.set(listId, Object.freeze(view.items(listId)) as VoiceItem[]).get(listId)!,
    lastChange: () => (last ??= { change: view.lastChange() }).change,
  };
}
