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
  /** A raw message from the app (`POST /v1/users/{id}/messages`). */
  | { kind: "message"; data: unknown };

export type OperationKind = BridgeOperation["kind"];

/** What travels in the skill message's `data`. */
export interface BridgeMessage {
  /** Marker and format version. */
  alb: 1;
  /** The outbox operation id: the duplicate-suppression key on delivery. */
  opId: string;
  op: BridgeOperation;
}

const KINDS = new Set<string>(["create", "update", "complete", "delete", "sync", "message"]);

/**
 * Recognises a bridge message in `request.message`; anything else is `null`.
 * @example
 * const msg = parseBridgeMessage(envelope.request.message);
 * if (msg) apply(msg.op); else forwardToApp(envelope.request.message);
 */
export function parseBridgeMessage(message: unknown): BridgeMessage | null {
  if (typeof message !== "object" || message === null) return null;
  const m = message as Record<string, unknown>;
  if (m.alb !== 1 || typeof m.opId !== "string" || m.opId === "") return null;
  const op = m.op as Record<string, unknown> | undefined;
  if (typeof op !== "object" || op === null || typeof op.kind !== "string" || !KINDS.has(op.kind)) return null;
  return message as BridgeMessage;
}
