// Per-test lifecycle shared by the user-object tests: the clock back at T0, a
// clean household and app behind the fetch spy for every test, and the spy
// removed afterwards; plus `send`, an Alexa delivery through the Worker's
// dispatch with its answer read back.
import { env } from "cloudflare:workers";
import type { RequestEnvelope } from "ask-sdk-model";
import { afterEach, beforeEach, vi } from "vitest";
import { dispatchAlexaRequest } from "../../src/alexa-user/dispatch.ts";
import { clock, FakeApp, FakeHousehold, installFetch, newUserId, skillEvent, T0, userStub } from "./fakes.ts";

/** Alexa's acknowledgement of a handled event or message. */
export const ACK = { status: 200, body: { version: "1.0", response: {} } } as const;

/**
 * Registers the hooks in the calling scope (file or `describe`) and returns the
 * fakes: the same two objects throughout, cleared before every test, so they
 * can be destructured once at the top.
 */
export function useFakes(): { household: FakeHousehold; app: FakeApp } {
  const household = new FakeHousehold();
  const app = new FakeApp();
  beforeEach(() => {
    clock.t = T0;
    household.reset();
    app.reset();
    installFetch(household, app);
  });
  afterEach(() => vi.restoreAllMocks());
  return { household, app };
}

/** Delivers a verified envelope as POST /alexa would, and reads the answer. */
export async function send(e: RequestEnvelope): Promise<{ status: number; body: unknown }> {
  const res = await dispatchAlexaRequest(env, e);
  return { status: res.status, body: (await res.json()) as unknown };
}

/**
 * A known, enabled user (`SkillEnabled` delivered) with a stub whose clock is the test clock.
 * @example const { user, stub } = await knownUser("sync");
 */
export async function knownUser(tag: string) {
  const user = newUserId(tag);
  const stub = await userStub(user);
  await send(skillEvent(user, "SkillEnabled"));
  return { user, stub };
}
