/**
 * @module emulator/envelope
 * The request envelopes Alexa sends a skill outside a session: skill events
 * (`AlexaSkillEvent.*`), list events (`AlexaHouseholdListEvent.*`) and
 * `Messaging.MessageReceived`. Shapes follow Amazon's samples: a `context`
 * with `System.application`, `System.user` (with `accessToken` once linked and
 * `permissions.consentToken` once permissions are granted), `apiEndpoint`,
 * `apiAccessToken`; no `session`.
 */
import type { RequestEnvelope } from "ask-sdk-model";
import type { ListEvent } from "./household.ts";

/** Who the request is for, as of the attempt being sent. */
export interface EnvelopeUser {
  skillId: string;
  userId: string;
  apiEndpoint: string;
  /** Fresh for every attempt: valid ~1 h, as Amazon's. */
  apiAccessToken: string;
  /** Account-linking token, when linked. */
  accessToken: string | null;
  /** Whether any list permission is granted (adds `permissions.consentToken`). */
  hasPermissions: boolean;
}

/** What stays the same across redeliveries of one request. */
export interface RequestIdentity {
  requestId: string;
  /** ISO 8601, already shifted by any clock skew. */
  timestamp: string;
  locale: string;
}

/** The `request` part of an out-of-session request, before identity is added. */
export type OutOfSessionRequest =
  | { type: `AlexaSkillEvent.${SkillEventName}`; body?: Record<string, unknown> }
  | { type: `AlexaHouseholdListEvent.${ListEvent["type"]}`; body: Record<string, unknown> }
  | { type: "Messaging.MessageReceived"; message: unknown };

export type SkillEventName =
  | "SkillEnabled"
  | "SkillDisabled"
  | "SkillAccountLinked"
  | "SkillPermissionAccepted"
  | "SkillPermissionChanged";

/**
 * The `request` of a list event.
 * @example listEventRequest({ type: "ItemsCreated", listId, listItemIds: [id] })
 */
export function listEventRequest(event: ListEvent): OutOfSessionRequest {
  const body = "listItemIds" in event ? { listId: event.listId, listItemIds: event.listItemIds } : { listId: event.listId };
  return { type: `AlexaHouseholdListEvent.${event.type}`, body };
}

/**
 * A full envelope. Events carry `eventCreationTime` / `eventPublishingTime`
 * (equal to the timestamp: the emulator publishes at once).
 * @example
 * const env = buildEnvelope(user, identity, { type: "Messaging.MessageReceived", message: { hello: "world" } });
 */
export function buildEnvelope(user: EnvelopeUser, id: RequestIdentity, request: OutOfSessionRequest): RequestEnvelope {
  const isEvent = request.type !== "Messaging.MessageReceived";
  const envelope = {
    version: "1.0",
    context: { System: systemContext(user) },
    request: {
      ...request,
      requestId: id.requestId,
      timestamp: id.timestamp,
      locale: id.locale,
      ...(isEvent ? { eventCreationTime: id.timestamp, eventPublishingTime: id.timestamp } : {}),
    },
  };
  // The shapes above are Amazon's; ask-sdk-model's union cannot be narrowed from a template type.
  return envelope as unknown as RequestEnvelope;
}

/**
 * `context.System` for a user (shared with the in-session requests of
 * emulator/voice): the skill, the user (with `accessToken` once linked and
 * `permissions.consentToken` once list permissions are granted), the API
 * endpoint and a fresh `apiAccessToken`; `device` when given.
 * @example systemContext(user).user.userId
 */
export function systemContext(
  user: EnvelopeUser,
  device?: { deviceId: string; supportedInterfaces: Record<string, unknown> },
): { application: { applicationId: string }; user: Record<string, unknown>; device?: typeof device; apiEndpoint: string; apiAccessToken: string } {
  const userPart: Record<string, unknown> = { userId: user.userId };
  if (user.accessToken !== null) userPart.accessToken = user.accessToken;
  if (user.hasPermissions) userPart.permissions = { consentToken: user.apiAccessToken };
  return {
    application: { applicationId: user.skillId },
    user: userPart,
    ...(device ? { device } : {}),
    apiEndpoint: user.apiEndpoint,
    apiAccessToken: user.apiAccessToken,
  };
}
