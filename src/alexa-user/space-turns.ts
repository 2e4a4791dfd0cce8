/**
 * @module alexa-user/space-turns
 * What the Alexa user's object does for the skill store, whose lists live in
 * the user's list space (src/space): settle the membership a request implies
 * (src/alexa-user/space-link.ts) and commit it with the profile, then, for a
 * voice turn, let the space answer. Only requests the space could not take
 * directly come here (the person is not a member there yet: first turn, a new
 * link, the 0.2 upgrade), plus link events and the REST API's "which space".
 * Kept out of alexa-user.ts, which composes the parts.
 */
import type { ResponseEnvelope } from "ask-sdk-model";
import type { Env } from "../env.ts";
import { spaceStub } from "../space/rpc.ts";
import { localeOf } from "../voice/intents.ts";
import type { AlexaAnswer } from "./dedupe.ts";
import type { InboundRequest, VoiceInput } from "./envelope.ts";
import type { ProfileStore } from "./profile.ts";
import type { LinkChange, Settled, SpaceLink } from "./space-link.ts";

export interface SpaceTurnsDeps {
  env: Env;
  spaces: SpaceLink;
  profile: ProfileStore;
  /** The object's transaction. */
  commit: (fn: () => void) => void;
  /** Arms the alarm and sends queued webhooks after a commit. */
  afterCommit: (now: number) => Promise<void>;
}

/**
 * @example
 * this.turns = new SpaceTurns({ env, spaces, profile, commit, afterCommit });
 * return this.turns.converse(req, voice, now);
 */
export class SpaceTurns {
  constructor(private readonly d: SpaceTurnsDeps) {}

  /**
   * A voice turn: the membership is settled (a verified link at the request's
   * time, else kept), committed with the profile, then the space answers (the
   * change and its webhooks commit there before the answer). 503 when a step
   * fails: nothing was changed, Alexa's person may say it again.
   * @example const answer = await turns.converse(req, req.voice, now);
   */
  async converse(req: InboundRequest, voice: VoiceInput, now: number): Promise<AlexaAnswer> {
    try {
      const at = req.at ?? now;
      const change: LinkChange = req.link?.state === "linked" ? { kind: "link", appUserId: req.link.appUserId, spaceId: req.link.spaceId, at } : { kind: "keep", at };
      const settled = await this.d.spaces.settle(change, localeOf(voice.locale));
      this.d.commit(() => {
        this.d.profile.touch(req.userId, req.apiEndpoint, now);
        this.applySettled(settled);
      });
      await this.d.afterCommit(now);
      const m = settled.membership;
      if (m?.spaceId == null) throw new Error("no list space");
      const gone = !settled.stale && settled.joined === "erased";
      const reply = gone ? null : await spaceStub(this.d.env, m.spaceId).voiceTurn({ kind: "voice", userId: req.userId, appUserId: m.appUserId }, voice);
      return { status: 200, body: reply?.outcome === "answered" ? reply.body : spaceGone() };
    } catch (e) {
      console.error(`${req.type}: voice turn failed; nothing was changed`, e);
      return { status: 503, body: { error: "INTERNAL" } };
    }
  }

  /**
   * The membership a non-interactive request settles: a verified link or an
   * unlink moves the user (ordered by event time); `SkillDisabled` leaves the
   * space at once (its voice no longer reaches the lists while its erasure
   * waits). Nothing else settles here: the first use of the lists does
   * ({@link converse}, {@link currentSpace}; the 0.2 upgrade moves the lists then).
   * @example const settled = await turns.settleFor(req, now); if (settled?.stale) return ACK;
   */
  async settleFor(req: InboundRequest, now: number): Promise<Settled | null> {
    const at = req.at ?? now;
    const spaces = this.d.spaces;
    if (req.type === "AlexaSkillEvent.SkillAccountLinked" && req.link?.state === "linked") {
      return spaces.settle({ kind: "link", appUserId: req.link.appUserId, spaceId: req.link.spaceId, at }, "en-US");
    }
    if (req.type === "AlexaSkillEvent.SkillAccountUnlinked") return spaces.settle({ kind: "unlink", at }, "en-US");
    if (req.type === "AlexaSkillEvent.SkillDisabled") {
      await spaces.leave(at);
      return null;
    }
    // A user never settled is put in its space at its first use of the lists (a voice turn, the REST
    // API: converse, currentSpace), not by a skill event: a new user's SkillEnabled creates no space
    // (its schema, default lists and member row would be paid by every user who never speaks to it).
    return null;
  }

  /**
   * A settled membership, in the caller's transaction: its row, and the app
   * user the profile (and so the Alexa user's webhooks) name.
   * @example commit(() => turns.applySettled(settled));
   */
  applySettled(settled: Settled): void {
    if (settled.stale) return;
    settled.commit();
    const profile = this.d.profile;
    const appUserId = settled.membership.appUserId;
    if (appUserId === null && profile.appUserId() !== null) profile.clearAppUserId();
    if (appUserId !== null && profile.appUserId() !== appUserId) profile.setAppUserId(appUserId, settled.membership.at);
  }

  /**
   * The user's space for the REST API, settled (and committed) when never settled before.
   * @example await turns.currentSpace(now) // { outcome: "found", spaceId: "personal-…" }
   */
  async currentSpace(now: number): Promise<{ outcome: "found"; spaceId: string } | { outcome: "unknown_user" }> {
    const known = this.d.spaces.current();
    if (known?.spaceId) return { outcome: "found", spaceId: known.spaceId };
    const settled = await this.d.spaces.settle({ kind: "keep", at: now }, "en-US");
    this.d.commit(() => this.applySettled(settled));
    await this.d.afterCommit(now);
    const spaceId = settled.membership?.spaceId;
    return spaceId ? { outcome: "found", spaceId } : { outcome: "unknown_user" };
  }
}

/** The answer when the user's linked space was deleted by the app after the link (a new link starts a new one). */
function spaceGone(): ResponseEnvelope {
  return {
    version: "1.0",
    response: { outputSpeech: { type: "PlainText", text: "These lists were deleted in the app. Link your account again to start new ones." }, shouldEndSession: true },
  };
}
