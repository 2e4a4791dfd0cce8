// Shared by the account-linking tests of both list stores: the Worker's env
// with verification on (APP_OAUTH_* against test/linking/oauth-fixture), one
// fetch spy serving the JWKS, Amazon's List API and the app, and helpers that
// deliver envelopes and REST calls with that env.
import { env } from "cloudflare:workers";
import type { RequestEnvelope } from "ask-sdk-model";
import { beforeAll, beforeEach, vi } from "vitest";
import type { Env } from "../../src/env.ts";
import { resetLinking } from "../../src/linking/index.ts";
import { handleApi } from "../../src/routes/api/router.ts";
import { dispatchAlexaRequest } from "../../src/alexa-user/dispatch.ts";
import { API, APP_URL, envelope, settle, skillEvent, userStub, type FakeApp, type FakeHousehold } from "../alexa-user/fakes.ts";
import { useFakes } from "../alexa-user/harness.ts";
import { INTROSPECTION_URL, INTROSPECTION_VARS, JWKS_URL, LINKING_VARS, OAuthFixture } from "./oauth-fixture.ts";

export const API_TOKEN = "test-api-token-1";

/** The test env with verification configured (JWKS, or introspection when asked; linking required when asked). */
export function linkingEnv(opts: { require?: boolean; introspection?: boolean } = {}): Env {
  return { ...env, ...(opts.introspection ? INTROSPECTION_VARS : LINKING_VARS), ...(opts.require ? { APP_REQUIRE_LINKING: "true" } : {}) } as Env;
}

/** Routes every fetch: the JWKS to the fixture, Amazon and the app to their fakes. */
export function installLinkingFetch(oauth: OAuthFixture, household: FakeHousehold, app: FakeApp): void {
  resetLinking();
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (req.url === JWKS_URL) return oauth.fetch(req);
    if (req.url === INTROSPECTION_URL) return oauth.introspect(req);
    if (req.url.startsWith(API)) return household.handle(req);
    if (req.url === APP_URL) return app.handle(req);
    throw new Error(`unexpected fetch ${req.url}`);
  });
}

/** Delivers an envelope through the Worker's dispatch with `e` as env. */
export async function deliver(e: Env, envl: RequestEnvelope): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await dispatchAlexaRequest(e, envl);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** `SkillEnabled` then `SkillAccountLinked` with `token`; waits for the webhooks. */
export async function enableAndLink(e: Env, userId: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  await userStub(userId);
  const enabled = await deliver(e, skillEvent(userId, "SkillEnabled"));
  if (enabled.status !== 200) throw new Error(`SkillEnabled: ${enabled.status}`);
  const linked = await deliver(e, skillEvent(userId, "SkillAccountLinked", { accessToken: token }));
  await settle(env.ALEXA_USER.getByName(userId));
  return linked;
}

/** An interactive request carrying a linked-account token (or none). */
export function voiceEnvelope(userId: string, request: Record<string, unknown>, token: string | null): RequestEnvelope {
  const e = envelope(userId, request) as unknown as { context: { System: { user: Record<string, unknown> } } };
  if (token !== null) e.context.System.user.accessToken = token;
  return e as unknown as RequestEnvelope;
}

/** A REST call with the test API token. */
export async function apiCall(e: Env, method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await handleApi(
    new Request(`https://bridge.test${path}`, {
      method,
      headers: { authorization: `Bearer ${API_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
    e,
  );
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/**
 * The linking tests' lifecycle: the user-object fakes, one OAuth server for
 * the file (up again before every test), and the fetch that routes to them.
 * `oauth` is read after the file's `beforeAll` has created it.
 */
export function useLinkingFakes(): { household: FakeHousehold; app: FakeApp; readonly oauth: OAuthFixture } {
  const { household, app } = useFakes();
  let oauth: OAuthFixture | undefined;
  beforeAll(async () => {
    oauth = await OAuthFixture.create();
  });
  beforeEach(() => {
    oauth!.down = false;
    oauth!.introspectionDown = false;
    installLinkingFetch(oauth!, household, app);
  });
  return {
    household,
    app,
    get oauth(): OAuthFixture {
      if (!oauth) throw new Error("useLinkingFakes: the OAuth fixture is created in beforeAll");
      return oauth;
    },
  };
}
