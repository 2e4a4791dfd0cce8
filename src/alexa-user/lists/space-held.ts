/**
 * @module alexa-user/lists/space-held
 * The skill store as the Alexa user's object sees it: the lists are held by
 * the user's list space (src/space), which voice turns and the app's list
 * operations reach directly. What is left here: the app's skill messages
 * (`kind: "message"`, sent to this Alexa user by Skill Messaging through the
 * outbox), and acknowledging household list events and bridge list messages,
 * which this store neither sends nor uses.
 */
import type { ResponseEnvelope } from "ask-sdk-model";
import type { BridgeOperation } from "../../protocol/bridge-message.ts";
import type { EnqueueOptions, EnqueueResult, Outbox } from "../../shared/outbox/outbox.ts";
import type { HeldList, ListStore, Refused } from "../../shared/list-store.ts";
import { ignoreDelivered, ignoreListEvent } from "./skill-ignored.ts";

/**
 * @example const lists: ListStore = new SpaceHeldStore(outbox);
 */
export class SpaceHeldStore implements ListStore {
  readonly kind = "skill" as const;

  constructor(private readonly outbox: Pick<Outbox, "enqueue">) {}

  /** Skill messages only; list operations go to the space (the router sends them there). @example store.accept({ kind: "message", data: {} }, {}) */
  accept(op: BridgeOperation, opts: EnqueueOptions): EnqueueResult | Refused {
    if (op.kind === "message") return this.outbox.enqueue(op, opts);
    return { outcome: "refused", code: "NOT_SUPPORTED", message: "list operations go to the user's list space: /v1/spaces/{spaceId}/…" };
  }

  /** Acknowledged without effect (skill-ignored.ts). */
  readonly applyDelivered = ignoreDelivered;
  readonly listEvent = ignoreListEvent;

  /** Voice turns are answered by the list space; never called. */
  answerVoice(): ResponseEnvelope {
    throw new Error("skill store: voice turns are answered by the list space");
  }

  /** The lists are read from the space. */
  read(): HeldList[] | null {
    return null;
  }

  /** The skill store has no remote side to reconcile with. */
  reconciles(): boolean {
    return false;
  }
}
