/**
 * @module voice/dialogue/session
 * The state a conversation keeps between turns, and how a turn's decision
 * becomes a reply. Alexa hands the session attributes back verbatim, so they
 * are validated on read (readState) and written only when the session stays
 * open; `finish` is the one place the session rule below is applied.
 *
 * Session rule. The session stays open (reprompt non-null) when
 * - the reply asks something: "Oat milk or almond milk?", "Did you mean oat
 *   milk?", "What should I add?", or "Say more to hear the rest.";
 * - the reply invites a next step by nature: welcome, help, fallback, and
 *   "Okay." after a cancelled question;
 * - or the session was opened by a LaunchRequest ("open list helper"); then
 *   every other reply ends with "Anything else?" (the reprompt too).
 * Otherwise, i.e. in a one-shot request ("ask list helper to add milk"), it
 * ends after the answer. Stop, Cancel without a question, NavigateHome and
 * SessionEndedRequest always end it.
 *
 * Session attributes (ours only, validated on read): `launched`, `listId` (the
 * list talked about, the default for the next add), `reading` (list and
 * offset for "more"), `pending` (the open question and its candidates).
 */
import type { Locale } from "../intents.ts";
import type { ItemOp, Speech } from "../speech/index.ts";
import type { VoiceCard, VoiceChange, VoiceLists, VoiceReply } from "../types.ts";

export interface Candidate {
  listId: string;
  itemId: string;
  value: string;
}

/** The questions about items (items.ts answers them). */
export type ItemPending =
  /** `listId`: the list the request named, where a corrected answer is looked for (null: every list). */
  | { kind: "choose"; op: ItemOp; candidates: Candidate[]; listId: string | null }
  | { kind: "confirm"; op: ItemOp; candidate: Candidate; listId: string | null }
  | { kind: "item"; op: ItemOp | "add"; listId: string | null }
  | { kind: "listName" };

/** The questions about whole lists (manage.ts answers them). */
export type ListPending =
  /** "Delete your hardware store list with 3 items?", "Remove all 5 items from your shopping list?" */
  | { kind: "confirmList"; action: "delete" | "clear"; listId: string }
  /** "I don't have a hardware store list yet. Should I create it and add nails?" */
  | { kind: "createAndAdd"; name: string; values: string[] }
  /** "What should your garden list be called?" */
  | { kind: "newName"; listId: string };

export type Pending = ItemPending | ListPending;

export interface Reading {
  listId: string;
  offset: number;
}

export interface State {
  launched: boolean;
  listId: string | null;
  reading: Reading | null;
  pending: Pending | null;
}

export interface Ctx {
  locale: Locale;
  say: Speech;
  lists: VoiceLists;
  state: State;
}

/** What one handler decided; `finish` turns it into a VoiceReply. */
export interface Say {
  speech: string;
  change?: VoiceChange;
  card?: VoiceCard;
  /** A question: the session stays open with this reprompt. */
  ask?: string;
  pending?: Pending;
  reading?: Reading;
  /** The reply invites a next step: the session stays open with this reprompt. */
  invite?: string;
  /** The list this turn was about. */
  listId?: string;
  /** End the session whatever else holds. */
  end?: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readCandidate(value: unknown): Candidate | null {
  if (!isObject(value)) return null;
  const { listId, itemId, value: v } = value;
  return typeof listId === "string" && typeof itemId === "string" && typeof v === "string"
    ? { listId, itemId, value: v }
    : null;
}

function isOp(value: unknown): value is ItemOp {
  return value === "remove" || value === "checkOff" || value === "uncheck";
}

function scopeOf(value: Record<string, unknown>): string | null {
  return typeof value["listId"] === "string" ? value["listId"] : null;
}

function readPending(value: unknown): Pending | null {
  if (!isObject(value)) return null;
  switch (value["kind"]) {
    case "choose": {
      const candidates = Array.isArray(value["candidates"]) ? value["candidates"].map(readCandidate) : [];
      const valid = candidates.filter((c): c is Candidate => c !== null);
      return isOp(value["op"]) && valid.length > 1 && valid.length === candidates.length
        ? { kind: "choose", op: value["op"], candidates: valid, listId: scopeOf(value) }
        : null;
    }
    case "confirm": {
      const candidate = readCandidate(value["candidate"]);
      return isOp(value["op"]) && candidate
        ? { kind: "confirm", op: value["op"], candidate, listId: scopeOf(value) }
        : null;
    }
    case "item": {
      const op = value["op"];
      const listId = value["listId"];
      return (isOp(op) || op === "add") && (typeof listId === "string" || listId === null)
        ? { kind: "item", op, listId }
        : null;
    }
    case "listName":
      return { kind: "listName" };
    case "confirmList": {
      const { action, listId } = value;
      return (action === "delete" || action === "clear") && typeof listId === "string" ? { kind: "confirmList", action, listId } : null;
    }
    case "createAndAdd": {
      const { name, values } = value;
      return typeof name === "string" && Array.isArray(values) && values.every((v) => typeof v === "string")
        ? { kind: "createAndAdd", name, values: values as string[] }
        : null;
    }
    case "newName":
      return typeof value["listId"] === "string" ? { kind: "newName", listId: value["listId"] } : null;
    default:
      return null;
  }
}

export function readState(session: Record<string, unknown>): State {
  const reading = session["reading"];
  return {
    launched: session["launched"] === true,
    listId: typeof session["listId"] === "string" ? session["listId"] : null,
    reading:
      isObject(reading) && typeof reading["listId"] === "string" && Number.isSafeInteger(reading["offset"])
        ? { listId: reading["listId"], offset: Math.max(0, reading["offset"] as number) }
        : null,
    pending: readPending(session["pending"]),
  };
}

function writeState(state: State): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (state.launched) out["launched"] = true;
  if (state.listId !== null) out["listId"] = state.listId;
  if (state.reading) out["reading"] = state.reading;
  if (state.pending) out["pending"] = state.pending;
  return out;
}

export function finish(ctx: Ctx, s: Say): VoiceReply {
  const state: State = {
    launched: ctx.state.launched,
    listId: s.listId ?? ctx.state.listId,
    reading: s.reading ?? null,
    pending: s.pending ?? null,
  };
  let speech = s.speech;
  let reprompt: string | null = null;
  if (s.end) reprompt = null;
  else if (s.ask !== undefined) reprompt = s.ask;
  else if (s.invite !== undefined) reprompt = s.invite;
  else if (state.launched) {
    reprompt = ctx.say.anythingElse;
    speech = speech ? `${speech} ${ctx.say.anythingElse}` : ctx.say.anythingElse;
  }
  return {
    change: s.change ?? null,
    speech,
    reprompt,
    card: s.card ?? null,
    session: reprompt === null ? {} : writeState(state),
  };
}

/** The reply when a turn asks for nothing we can do (or answers no question); it invites a next step. */
export function fallback(ctx: Ctx): VoiceReply {
  return finish(ctx, { speech: ctx.say.fallback, invite: ctx.say.fallbackReprompt });
}
