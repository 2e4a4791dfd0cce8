/**
 * @module shared/list-store
 * Where a user's lists live, behind one interface, and the one place that
 * decides which store a deployment uses (`ALEXA_LISTS`):
 *
 * - `skill` (default): the lists live in the user's Durable Object (SQLite,
 *   src/space/skill-store.ts), people manage them by voice through the
 *   custom skill, and the app's REST operations apply to them at once;
 * - `household`: Alexa's own shopping and to-do lists, reached through the
 *   List Management API (src/alexa-user/lists/household-store.ts): operations travel
 *   as Skill Messaging messages, changes arrive as list events. Amazon closed
 *   this API to third parties on 1 July 2024; it stays for the emulator and
 *   for anyone who still has access.
 *
 * Both give the app the same contract: operations with ids and outcomes
 * (`outbox.completed` / `outbox.failed`), the same webhooks, the same REST API.
 * The webhook queue, the operation bookkeeping (the outbox table) and the REST
 * routes are shared; only applying a change and answering a person differ.
 */
import type { Env } from "../env.ts";
import type { BridgeOperation } from "../protocol/bridge-message.ts";
import type { ListData, WebhookItem } from "../sync/payloads.ts";
import type { StoreErrorCode } from "../voice/types.ts";
import type { Apply, InboundParts } from "../alexa-user/inbound/context.ts";
import type { InboundRequest, VoiceInput } from "../alexa-user/envelope.ts";
import type { ResponseEnvelope } from "ask-sdk-model";
import type { EnqueueOptions, EnqueueResult } from "./outbox/outbox.ts";
import type { UserProfile } from "./ports.ts";
import type { BridgeMessage } from "../protocol/bridge-message.ts";

export type ListStoreKind = "skill" | "household";

/** The `ALEXA_LISTS` values, the default first. */
export const LIST_STORE_KINDS: readonly ListStoreKind[] = ["skill", "household"];

/**
 * The store this deployment uses, from `ALEXA_LISTS` (unset or empty: `skill`);
 * `null` for any other value, which the Worker refuses to serve with (503
 * NOT_CONFIGURED) rather than guess.
 * @example listStoreKind({ ALEXA_LISTS: "household" }) // "household"
 */
export function listStoreKind(env: Pick<Env, "ALEXA_LISTS">): ListStoreKind | null {
  const raw = (env.ALEXA_LISTS ?? "").trim().toLowerCase();
  if (raw === "") return "skill";
  return (LIST_STORE_KINDS as readonly string[]).includes(raw) ? (raw as ListStoreKind) : null;
}

/**
 * Whether interactive requests (launch, intents, session end) go to the
 * user's object: the skill store answers people from their lists there; the
 * household store has nothing to say beyond fixed sentences, which the Worker
 * answers without creating an object (src/skill/responses.ts).
 * @example if (!voiceInUserObject("household")) return json(interactiveResponse(request));
 */
export function voiceInUserObject(kind: ListStoreKind): boolean {
  return kind === "skill";
}

/**
 * A change the store cannot make: the REST API answers it with a 4xx naming
 * the code, a voice turn explains it.
 * @example throw new StoreError("LIST_FULL", "the shopping list holds 500 items, the most it can");
 */
export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An app operation the store refused at once (skill store only; nothing was stored). */
export interface Refused {
  outcome: "refused";
  code: StoreErrorCode;
  message: string;
}

/** A list with its items, as `GET /v1/users/{id}/lists` and snapshots show it. */
export type HeldList = ListData & { items: WebhookItem[] };

/** One user's lists, as the user's object and the REST API use them. */
export interface ListStore {
  readonly kind: ListStoreKind;
  /**
   * An app operation (REST). Synchronous SQL, run inside the object's
   * transaction: the household store queues it in the outbox (sent as a skill
   * message); the skill store applies it and records it completed, or refuses it.
   */
  accept(op: BridgeOperation, opts: EnqueueOptions, now: number): EnqueueResult | Refused;
  /** A bridge list operation delivered by `Messaging.MessageReceived` (the household path). */
  applyDelivered(msg: BridgeMessage, req: InboundRequest, parts: InboundParts, now: number): Promise<Apply>;
  /** An `AlexaHouseholdListEvent.*`. */
  listEvent(req: InboundRequest, parts: InboundParts, now: number): Promise<Apply>;
  /**
   * Answers a person (launch, intent, session end). Synchronous SQL, in the
   * object's transaction: any change is stored before the answer leaves.
   */
  answerVoice(voice: VoiceInput, now: number): ResponseEnvelope;
  /** Every list with its items, or `null` when Alexa holds them (household: use a sync). */
  read(): HeldList[] | null;
  /** Whether the cron queues reconciliation syncs for this user. */
  reconciles(profile: UserProfile): boolean;
}
