/**
 * @module protocol/bridge-message
 * The `data` the bridge's outbox sends through the Skill Messaging API, and
 * reads back from `Messaging.MessageReceived`. A message without the `alb`
 * marker was sent by someone else and goes to the app as
 * `alexa.message.received`.
 *
 * Shared contract between the outbox (sends) and the inbound handler (applies).
 */

/** `"shopping"`, `"todo"`, or an Alexa list id. */
export type ListRef = string;

export type ItemStatus = "active" | "completed";

export type BridgeOperation =
  | { kind: "create"; list: ListRef; value: string; status?: ItemStatus; appItemId?: string }
  | { kind: "update"; list: ListRef; itemRef: string; value?: string; status?: ItemStatus }
  | { kind: "complete"; list: ListRef; itemRef: string }
  | { kind: "delete"; list: ListRef; itemRef: string }
  | { kind: "sync" }
  /** List management (the skill store applies these; the household store refuses them: people manage Alexa's lists in the Alexa app). */
  | { kind: "createList"; name: string }
  | { kind: "renameList"; list: ListRef; name: string }
  | { kind: "deleteList"; list: ListRef }
  /** A raw message from the app (`POST /v1/users/{id}/messages`). */
  | { kind: "message"; data: unknown };

export type OperationKind = BridgeOperation["kind"];

/** A bridge operation as the outbox sends it and the inbound handler applies it. */
export interface BridgeMessage {
  /** The outbox operation id: the duplicate-suppression key on delivery. */
  opId: string;
  op: BridgeOperation;
}

/**
 * What travels in the skill message's `data`. Every value is a string:
 * Amazon's Skill Messaging reference gives `data` as key/value pairs of
 * strings, so nested objects or numbers could be refused (or flattened) by
 * Amazon even where a lenient endpoint accepts them. The operation rides as
 * JSON text in `op`.
 */
export interface BridgeMessageData {
  /** Marker and format version. */
  alb: "1";
  opId: string;
  /** `JSON.stringify(BridgeOperation)`. */
  op: string;
}

/**
 * Largest `data` the bridge sends, as UTF-8 JSON. Amazon caps the payload
 * (its reference gives a maximum beginning with "6", the rest cut off in
 * every copy we found), so stay below 6 KB.
 */
export const MAX_SKILL_MESSAGE_DATA_BYTES = 6_000;

const KINDS = new Set<string>(["create", "update", "complete", "delete", "sync", "message"]);

/**
 * The app's id of a create operation (`appItemId`), or `null`: not a create,
 * or none given. Stored operations were validated, but an empty id counts as
 * none.
 * @example createAppItemId({ kind: "create", list: "shopping", value: "milk", appItemId: "a1" }); // "a1"
 */
export function createAppItemId(op: BridgeOperation | null | undefined): string | null {
  return op?.kind === "create" && typeof op.appItemId === "string" && op.appItemId !== "" ? op.appItemId : null;
}

/**
 * The skill message `data` for an operation.
 * @example
 * await sendSkillMessage({ ..., data: encodeBridgeMessage({ opId: "op_1", op: { kind: "sync" } }) });
 */
export function encodeBridgeMessage(message: BridgeMessage): BridgeMessageData {
  return { alb: "1", opId: message.opId, op: JSON.stringify(message.op) };
}

/**
 * Size of the encoded `data` in bytes, as Amazon receives it.
 * @example if (bridgeMessageBytes(msg) > MAX_SKILL_MESSAGE_DATA_BYTES) reject();
 */
export function bridgeMessageBytes(message: BridgeMessage): number {
  return new TextEncoder().encode(JSON.stringify(encodeBridgeMessage(message))).byteLength;
}

/**
 * Recognises a bridge message in `request.message`; anything else (a message
 * another sender queued, or a malformed one) is `null`.
 * @example
 * const msg = parseBridgeMessage(envelope.request.message);
 * if (msg) apply(msg.op); else forwardToApp(envelope.request.message);
 */
export function parseBridgeMessage(message: unknown): BridgeMessage | null {
  if (typeof message !== "object" || message === null) return null;
  const m = message as Record<string, unknown>;
  if (m.alb !== "1" || typeof m.opId !== "string" || m.opId === "" || typeof m.op !== "string") return null;
  let op: unknown;
  try {
    op = JSON.parse(m.op);
  } catch {
    return null;
  }
  if (typeof op !== "object" || op === null) return null;
  const kind = (op as Record<string, unknown>).kind;
  if (typeof kind !== "string" || !KINDS.has(kind)) return null;
  return { opId: m.opId, op: op as BridgeOperation };
}
