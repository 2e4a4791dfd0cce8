/**
 * @module alexa-user/lists/household-store
 * The household store: Alexa's own shopping and to-do lists, reached through
 * the List Management API (closed to third parties since 1 July 2024; kept
 * for the emulator and for anyone who still has access). Nothing is held
 * here: an app operation is queued in the outbox and travels as a Skill
 * Messaging message, applied when `Messaging.MessageReceived` brings it back
 * with a token (src/alexa-user/inbound/messages.ts); people's changes arrive as list
 * events (src/alexa-user/inbound/list-events.ts); the cron reconciles with full syncs.
 *
 * List management (create, rename, delete a list) is refused: on the
 * household path people manage their Alexa lists in the Alexa app.
 */
import type { BridgeMessage, BridgeOperation } from "../../protocol/bridge-message.ts";
import type { Apply, InboundParts } from "../inbound/context.ts";
import { handleListEvent } from "../inbound/list-events.ts";
import { applyHouseholdOperation } from "../inbound/messages.ts";
import type { InboundRequest, VoiceInput } from "../envelope.ts";
import type { ResponseEnvelope } from "ask-sdk-model";
import { interactiveResponse } from "../../skill/responses.ts";
import type { EnqueueOptions, EnqueueResult, Outbox } from "../../shared/outbox/outbox.ts";
import type { UserProfile } from "../../shared/ports.ts";
import { canReadLists } from "../profile.ts";
import type { HeldList, ListStore, Refused } from "../../shared/list-store.ts";

const LIST_MANAGEMENT: ReadonlySet<BridgeOperation["kind"]> = new Set(["createList", "renameList", "deleteList"]);

/**
 * @example const store = new HouseholdStore(outbox); store.accept({ kind: "sync" }, {}, now);
 */
export class HouseholdStore implements ListStore {
  readonly kind = "household" as const;

  constructor(private readonly outbox: Pick<Outbox, "enqueue">) {}

  /** @example store.accept({ kind: "create", list: "shopping", value: "milk" }, {}, now).outcome // "created" */
  accept(op: BridgeOperation, opts: EnqueueOptions): EnqueueResult | Refused {
    if (LIST_MANAGEMENT.has(op.kind)) {
      return { outcome: "refused", code: "NOT_SUPPORTED", message: "with ALEXA_LISTS=household, lists are managed in the Alexa app" };
    }
    return this.outbox.enqueue(op, opts);
  }

  /** @example const apply = await store.applyDelivered(msg, req, parts, now); */
  applyDelivered(msg: BridgeMessage, req: InboundRequest, parts: InboundParts, now: number): Promise<Apply> {
    return applyHouseholdOperation(msg, req, parts, now);
  }

  /** @example const apply = await store.listEvent(req, parts, now); */
  listEvent(req: InboundRequest, parts: InboundParts, now: number): Promise<Apply> {
    return handleListEvent(req, parts, now);
  }

  /** The fixed answers of a sync skill (the Worker gives them without the object; this is the same text). */
  answerVoice(voice: VoiceInput): ResponseEnvelope {
    return interactiveResponse(voice.request as Parameters<typeof interactiveResponse>[0]);
  }

  /** Alexa holds the lists: the app reads them with a sync (`alexa.list.snapshot`). */
  read(): HeldList[] | null {
    return null;
  }

  /** Enabled, and allowed to read the lists (a sync without the permission could only fail). */
  reconciles(p: UserProfile): boolean {
    return p.enabled && canReadLists(p);
  }
}
