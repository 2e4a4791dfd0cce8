/**
 * @module space/actor
 * Who makes a change in a list space: a person by voice (an Alexa user, with
 * the app user their link names), or an assistant (an MCP client acting for
 * an app user). The actor keys the undo journal, so "undo" reverts the
 * speaker's own latest change and never a family member's, and it decides the
 * webhook's `source` and the `userId` / `appUserId` the webhook carries.
 */
import type { ChangeSource } from "../sync/payloads.ts";

/** A person speaking to the skill. */
export interface VoiceActor {
  kind: "voice";
  /** The Alexa user id. */
  userId: string;
  /** The app user of their verified link, or null (not linked). */
  appUserId: string | null;
}

/** An assistant (e.g. an MCP client) acting for an app user. */
export interface AssistantActor {
  kind: "assistant";
  /** The OAuth client that acts. */
  clientId: string;
  /** The app user it acts for (the token's `sub`), or null. */
  sub: string | null;
}

/** @example const actor: Actor = { kind: "voice", userId: "amzn1.ask.account.A", appUserId: "app-user-1" }; */
export type Actor = VoiceActor | AssistantActor;

/**
 * The undo journal's key of an actor.
 * @example actorKey({ kind: "voice", userId: "amzn1.ask.account.A", appUserId: null }) // "voice:amzn1.ask.account.A"
 */
export function actorKey(actor: Actor): string {
  return actor.kind === "voice" ? `voice:${actor.userId}` : `assistant:${actor.clientId}:${actor.sub ?? ""}`;
}

/**
 * The webhook `source` of the actor's changes.
 * @example actorSource({ kind: "assistant", clientId: "mcp", sub: "u1" }) // "assistant"
 */
export function actorSource(actor: Actor): ChangeSource {
  return actor.kind;
}

/**
 * The envelope fields naming who acted: the Alexa user and app user of a voice change.
 * @example actorFields({ kind: "voice", userId: "A", appUserId: "u1" }) // { userId: "A", appUserId: "u1" }
 */
export function actorFields(actor: Actor | null): { userId?: string; appUserId?: string } {
  if (actor === null) return {};
  if (actor.kind === "voice") return { userId: actor.userId, ...(actor.appUserId ? { appUserId: actor.appUserId } : {}) };
  return actor.sub ? { appUserId: actor.sub } : {};
}
