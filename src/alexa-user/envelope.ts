/**
 * @module alexa-user/envelope
 * Reads the fields the bridge needs from a verified Alexa request envelope,
 * defensively: the verifier proves who sent the bytes, not that every field
 * is where the documentation says. Pure.
 */
import type { RequestEnvelope } from "ask-sdk-model";
import type { LinkStatus } from "../linking/index.ts";

/** The fields of a request the user's object works with. */
export interface InboundRequest {
  type: string;
  requestId: string;
  /** `context.System.user.userId` (or `session.user.userId` in old requests). */
  userId: string;
  /** `context.System.apiEndpoint` when it is an https URL, else `null`. */
  apiEndpoint: string | null;
  /** `context.System.apiAccessToken`: valid for this request only, never stored. */
  apiAccessToken: string | null;
  /** `request.body` (events). */
  body: unknown;
  /** `request.message` (`Messaging.MessageReceived`). */
  message: unknown;
  /** An interactive request's parts for the voice layer (src/voice/turn.ts reads them); `null` for events. */
  voice: VoiceInput | null;
  /** When it happened (ms): `request.eventCreationTime`, else `request.timestamp`; null when neither parses. */
  at?: number | null;
  /**
   * The linked account as the Worker verified it (src/linking), set only when
   * verification is configured; the token itself does not travel to the object.
   */
  link?: LinkStatus;
}

/** What a voice turn needs of an interactive request (launch, intent, session end). */
export interface VoiceInput {
  /** `request`: its type, `intent` (name, slots), `reason`. */
  request: unknown;
  /** `session`: `new`, `attributes`. */
  session: unknown;
  /** `request.locale`. */
  locale: unknown;
}

/** The request types of a conversation with a person. */
export const INTERACTIVE_TYPES: ReadonlySet<string> = new Set(["LaunchRequest", "IntentRequest", "SessionEndedRequest"]);

/** Why an envelope cannot be read. */
export type EnvelopeError = "MISSING_REQUEST" | "MISSING_REQUEST_ID" | "MISSING_USER_ID";

/**
 * Reads an envelope; an error code when a required field is missing.
 * @example
 * const r = readEnvelope(envelope);
 * if ("error" in r) return jsonError(400, r.error);
 * r.userId; // "amzn1.ask.account.…"
 */
export function readEnvelope(envelope: RequestEnvelope | unknown): InboundRequest | { error: EnvelopeError } {
  const env = asRecord(envelope);
  const request = asRecord(env?.request);
  if (!request || typeof request.type !== "string") return { error: "MISSING_REQUEST" };
  if (typeof request.requestId !== "string" || request.requestId === "") return { error: "MISSING_REQUEST_ID" };
  const userId = readUserId(envelope);
  if (userId === null) return { error: "MISSING_USER_ID" };
  const system = asRecord(asRecord(env?.context)?.System);
  return {
    type: request.type,
    requestId: request.requestId,
    userId,
    apiEndpoint: httpsUrl(system?.apiEndpoint),
    apiAccessToken: typeof system?.apiAccessToken === "string" && system.apiAccessToken !== "" ? system.apiAccessToken : null,
    body: request.body,
    message: request.message,
    at: eventTime(request),
    voice: INTERACTIVE_TYPES.has(request.type)
      ? { request: { type: request.type, intent: request.intent, reason: request.reason }, session: env?.session, locale: request.locale }
      : null,
  };
}

/**
 * The user id of a request, or `null`.
 * @example readUserId(envelope) // "amzn1.ask.account.X"
 */
export function readUserId(envelope: RequestEnvelope | unknown): string | null {
  const env = asRecord(envelope);
  const fromContext = asRecord(asRecord(asRecord(env?.context)?.System)?.user)?.userId;
  if (typeof fromContext === "string" && fromContext !== "") return fromContext;
  const fromSession = asRecord(asRecord(env?.session)?.user)?.userId;
  return typeof fromSession === "string" && fromSession !== "" ? fromSession : null;
}

/**
 * `request.type`, or `null`.
 * @example readRequestType(envelope) // "LaunchRequest"
 */
export function readRequestType(envelope: RequestEnvelope | unknown): string | null {
  const t = asRecord(asRecord(envelope)?.request)?.type;
  return typeof t === "string" ? t : null;
}

function eventTime(request: Record<string, unknown>): number | null {
  for (const v of [request.eventCreationTime, request.timestamp]) {
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    if (Number.isFinite(t)) return t;
  }
  return null;
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function httpsUrl(v: unknown): string | null {
  if (typeof v !== "string") return null;
  try {
    return new URL(v).protocol === "https:" ? v : null;
  } catch {
    return null;
  }
}
