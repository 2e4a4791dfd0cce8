/**
 * @module scripts/soak/people
 * Who acts in one soak run, and where their lists are. The household store:
 * one person, their Alexa user (`/v1/users/{userId}/…`). The skill store:
 * two people with their own Amazon accounts, linked with the same
 * `household` claim, so one list space (`/v1/spaces/{spaceId}/…`, issue 19)
 * that both speak to, sometimes at the same moment; one of them may disable,
 * re-enable and re-link the skill in the middle of the run (a new Alexa
 * `userId`, the same space). The run reads the app's side from the webhooks
 * of that space (the space's own queue, in order), whichever user acted.
 */
import type { WebhookLog, WebhookRecord } from "../../emulator/app/webhook-log.ts";
import type { AlexaEmulator } from "../../emulator/emulator.ts";
import { eventually } from "../lib/eventually.ts";

/** The people of a run. @example const people = await soakPeople(emu, log, "skill", "soak123-4"); */
export interface SoakPeople {
  /** The names of the people who speak (index = the command's `who`). */
  names: string[];
  /** The list space (skill store), null on the household store. */
  spaceId: string | null;
  /** The REST path of the lists' owner: `["spaces", id]` or `["users", userId]`. */
  scope: string[];
  /** Every Alexa user id any of them has had this run. */
  userIds(): string[];
  /** The webhooks about the run's lists, in arrival order (`type`: exact, or a prefix ending in "."). */
  webhooks(type?: string): WebhookRecord[];
  /** Whether a webhook body (e.g. one the app refused) is about the run's lists. */
  mine(body: { userId?: string; spaceId?: string }): boolean;
  /** `names[who]` disables the skill, enables it again (a new user id), grants list access and links again. */
  relink(who: number): Promise<void>;
}

const SETTLED = ["delivered", "dropped", "expired"];

/**
 * Adds the run's people (named `<tag>-a`, `<tag>-b`), enables the skill with
 * list access for each, links them (skill store) and waits until the bridge
 * has told the app.
 */
export async function soakPeople(emu: AlexaEmulator, log: WebhookLog, store: "skill" | "household", tag: string): Promise<SoakPeople> {
  const names = store === "skill" ? [`${tag}-a`, `${tag}-b`] : [tag];
  const spaceId = store === "skill" ? `hh-${tag}` : null;
  const past = new Set<string>();
  const enable = async (name: string): Promise<void> => {
    const userId = emu.enable(name, { permissions: ["read", "write"] }).userId as string;
    past.add(userId);
    await eventually(`${name}'s permissions webhook`, () => log.query({ userId, type: "alexa.user.permissions_changed" }).length > 0, 120_000, 200);
  };
  const link = async (name: string): Promise<void> => {
    if (spaceId === null) return;
    await emu.linkAppUser(name, { sub: `app-${name}`, claims: { household: spaceId } });
    await eventually(`${name}'s link delivered`, () => emu.deliveries.list({ person: name, type: "SkillAccountLinked" })[0]?.state === "delivered", 120_000, 200);
  };
  for (const name of names) {
    emu.addPerson(name);
    await enable(name);
    await link(name);
  }
  const firstUserId = [...past][0] as string;
  const mine = (body: { userId?: string; spaceId?: string }): boolean =>
    spaceId !== null ? body.spaceId === spaceId : body.userId !== undefined && past.has(body.userId);
  return {
    names,
    spaceId,
    scope: spaceId !== null ? ["spaces", spaceId] : ["users", firstUserId],
    userIds: () => [...past],
    webhooks: (type) => (spaceId !== null ? log.query({ spaceId, ...(type ? { type } : {}) }) : log.query({ userId: firstUserId, ...(type ? { type } : {}) })),
    mine,
    relink: async (who) => {
      const name = names[who % names.length] as string;
      const before = emu.person(name).userId as string;
      emu.disable(name);
      await eventually(`${name}'s SkillDisabled settled`, () =>
        emu.deliveries.list({ person: name, userId: before }).every((d) => SETTLED.includes(d.state)), 120_000, 200);
      await enable(name);
      await link(name);
    },
  };
}
