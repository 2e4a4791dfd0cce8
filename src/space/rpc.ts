/**
 * @module space/rpc
 * How other code calls a list space's object (src/space/list-space.ts): its
 * replies and a typed stub. The method names are the interface for the
 * Worker, the Alexa user's object, the REST routes, and an assistant (MCP)
 * server: `voiceTurn`, `applyChange`, `join`, `leave`, `exportLists`,
 * `mergeIn`, `eraseSpace`, `describe`, `readLists`, `enqueueOperation`,
 * `getOperation`, `deadLetters`, `redriveDeadLetters`, `deleteDeadLetters`.
 */
import type { ResponseEnvelope } from "ask-sdk-model";
import type { Env } from "../env.ts";
import type { Refused } from "../shared/list-store.ts";
import type { EnqueueResult } from "../shared/outbox/outbox.ts";
import type { ListSpace } from "./list-space.ts";
import type { Member } from "./members.ts";
import type { SpaceKind } from "./space-id.ts";

/** A voice turn's answer: the response, or "not a member" (the Worker then asks the Alexa user's object). */
export type SpaceVoiceReply = { outcome: "answered"; body: ResponseEnvelope } | { outcome: "not_member" };

/** `GET /v1/spaces/{spaceId}`. */
export interface SpaceView {
  spaceId: string;
  kind: SpaceKind;
  members: Member[];
}

/** An app operation's answer (the router maps it to HTTP). */
export type SpaceEnqueueReply = EnqueueResult | Refused;

/**
 * The space object's RPC methods as plain promises (the Workers RPC types of
 * a stub are too deep for some replies, e.g. a ResponseEnvelope).
 */
export type SpaceRpc = Pick<
  ListSpace,
  | "voiceTurn"
  | "applyChange"
  | "join"
  | "leave"
  | "exportLists"
  | "mergeIn"
  | "eraseSpace"
  | "describe"
  | "readLists"
  | "enqueueOperation"
  | "getOperation"
  | "deadLetters"
  | "redriveDeadLetters"
  | "deleteDeadLetters"
  | "webhookQueue"
  | "idle"
>;

/**
 * The stub of a list space, typed as {@link SpaceRpc}.
 * @example await spaceStub(env, "fam-1").readLists();
 */
export function spaceStub(env: Pick<Env, "LIST_SPACES">, spaceId: string): SpaceRpc {
  return env.LIST_SPACES.getByName(spaceId) as unknown as SpaceRpc;
}

