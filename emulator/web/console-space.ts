/**
 * @module emulator/web/console-space
 * The console's view of a person's list space (skill store): which space the
 * bridge keeps their lists in, whether it is linked (the app's account or
 * household) or personal, and who else is in it, as `GET /v1/spaces/{id}`
 * answers, each member named by the emulated person who has (or had) that
 * user id. Kept apart from console-api so that file stays one read.
 *
 * Which space: the person's linking token names it (the claim the bridge
 * reads, the emulator's `oauthSpaceClaim`); without one (not linked, or an
 * opaque token) the latest webhook the app received for the person's user id
 * says (`spaceId`, set on every skill-store webhook).
 */
import type { BridgeClient } from "../app/bridge-client.ts";
import type { WebhookLog } from "../app/webhook-log.ts";
import type { PersonView } from "../people.ts";

/** A member of a space, as the REST API lists it, with the emulated person it belongs to. */
export interface SpaceMemberView {
  userId: string;
  appUserId: string | null;
  linkedAt: string | null;
  /** The emulated person whose current or past user id this is; null when none is. */
  person: string | null;
  /** Whether it is that person's current user id. */
  current: boolean;
}

/** What `GET /_control/console/people/:name/space` answers. */
export interface SpaceView {
  spaceId: string | null;
  kind: "linked" | "personal" | null;
  members: SpaceMemberView[];
  /** Why nothing (or not everything) is shown. */
  note?: string;
}

/** What {@link spaceView} needs. */
export interface SpaceSources {
  person: PersonView;
  people: PersonView[];
  /** The claim of the linking token that names the space (APP_OAUTH_SPACE_CLAIM). */
  spaceClaim: string;
  bridge: BridgeClient | null;
  log: WebhookLog | null;
}

/**
 * The space id the person's lists are in, as far as the emulator can tell, or null.
 * @example spaceIdOf(bob, "household", log) // "fam-1" after `link --claim household=fam-1`
 */
export function spaceIdOf(person: PersonView, spaceClaim: string, log: WebhookLog | null): string | null {
  const claim = person.linkClaims?.[spaceClaim];
  if (typeof claim === "string" && claim !== "") return claim;
  return heardSpaceId(person.userId, log);
}

/**
 * The `spaceId` of the latest webhook the app received for `userId`, or null:
 * the key the fake app's view holds that user's lists under (emulator/app/app-view).
 * @example heardSpaceId(person.userId, app.log) ?? person.userId
 */
export function heardSpaceId(userId: string | null, log: WebhookLog | null): string | null {
  if (!userId || !log) return null;
  const hooks = log.query({ userId });
  for (let i = hooks.length - 1; i >= 0; i--) {
    const id = hooks[i]?.spaceId;
    if (typeof id === "string" && id !== "") return id;
  }
  return null;
}

/**
 * The person's space with its members (read from the bridge), or a note saying why not.
 * @example await spaceView({ person, people, spaceClaim: "household", bridge, log })
 */
export async function spaceView(src: SpaceSources): Promise<SpaceView> {
  const empty = (note: string, spaceId: string | null = null): SpaceView => ({ spaceId, kind: null, members: [], note });
  const { person } = src;
  if (!person.userId) return empty(`${person.name} has not enabled the skill yet.`);
  const spaceId = spaceIdOf(person, src.spaceClaim, src.log);
  if (spaceId === null) return empty("The bridge has not named this person's space yet (no webhook with a spaceId so far).");
  if (!src.bridge) return empty("The console was not given the Worker URL and API token.", spaceId);
  let res;
  try {
    res = await src.bridge.getSpace(spaceId);
  } catch (e) {
    return empty(`The Worker did not answer: ${e instanceof Error ? e.message : String(e)}`, spaceId);
  }
  if (res.status === 404) return empty("The bridge holds no such space (yet).", spaceId);
  if (res.status !== 200) return empty(`The Worker answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`, spaceId);
  const members = res.body.members.map((m): SpaceMemberView => {
    const owner = src.people.find((p) => p.userId === m.userId || p.pastUserIds.includes(m.userId)) ?? null;
    return {
      userId: m.userId,
      appUserId: m.appUserId ?? null,
      linkedAt: m.linkedAt ?? null,
      person: owner?.name ?? null,
      current: owner?.userId === m.userId,
    };
  });
  return { spaceId: res.body.spaceId, kind: res.body.kind, members };
}
