import { env } from "cloudflare:workers";
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { dispatchAlexaRequest } from "../../src/alexa-user/dispatch.ts";
import { readEnvelope } from "../../src/alexa-user/envelope.ts";
import { envelope, newUserId, skillEvent } from "./fakes.ts";
import { useFakes } from "./harness.ts";

useFakes();

async function objectExists(userId: string): Promise<boolean> {
  const id = env.ALEXA_USER.idFromName(userId);
  return (await listDurableObjectIds(env.ALEXA_USER)).some((x) => x.equals(id));
}

describe("dispatchAlexaRequest", () => {
  it("answers interactive requests in the Worker, without creating the user's object", async () => {
    const user = newUserId("interactive");
    const launch = await dispatchAlexaRequest(env, envelope(user, { type: "LaunchRequest" }));
    const help = await dispatchAlexaRequest(env, envelope(user, { type: "IntentRequest", intent: { name: "AMAZON.HelpIntent" } }));
    const stop = await dispatchAlexaRequest(env, envelope(user, { type: "IntentRequest", intent: { name: "AMAZON.StopIntent" } }));
    const ended = await dispatchAlexaRequest(env, envelope(user, { type: "SessionEndedRequest", reason: "USER_INITIATED" }));

    for (const res of [launch, help, stop, ended]) expect(res.status).toBe(200);
    expect(await launch.json()).toMatchObject({ version: "1.0", response: { shouldEndSession: false, outputSpeech: { type: "PlainText" } } });
    expect(await help.json()).toMatchObject({ response: { reprompt: { outputSpeech: { type: "PlainText" } } } });
    expect(await stop.json()).toMatchObject({ response: { shouldEndSession: true } });
    expect(await ended.json()).toEqual({ version: "1.0", response: {} });
    expect(await objectExists(user)).toBe(false);
  });

  it("routes events to the object named by the user id", async () => {
    const user = newUserId("routed");
    const res = await dispatchAlexaRequest(env, skillEvent(user, "SkillEnabled"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: "1.0", response: {} });
    expect(await objectExists(user)).toBe(true);
    expect(await env.ALEXA_USER.getByName(user).handleAlexa(skillEvent(user, "SkillEnabled"))).toEqual({
      status: 200,
      body: { version: "1.0", response: {} },
    });
  });

  it("acknowledges request types with nothing to do, without an object", async () => {
    const user = newUserId("other");
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const exc = await dispatchAlexaRequest(env, envelope(user, { type: "System.ExceptionEncountered", error: { type: "INVALID_RESPONSE" } }));
    const sub = await dispatchAlexaRequest(env, envelope(user, { type: "AlexaSkillEvent.ProactiveSubscriptionChanged", body: {} }));
    expect(exc.status).toBe(200);
    expect(sub.status).toBe(200);
    expect(await objectExists(user)).toBe(false);
  });

  it("a request without a user id or type is a 400", async () => {
    const noUser = skillEvent("x", "SkillEnabled") as unknown as { context: { System: { user: { userId?: string } } } };
    delete noUser.context.System.user.userId;
    const res = await dispatchAlexaRequest(env, noUser as never);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "MISSING_USER_ID", message: "context.System.user.userId is required" });

    const noType = await dispatchAlexaRequest(env, { version: "1.0", context: {}, request: {} } as never);
    expect(noType.status).toBe(400);
    expect(await noType.json()).toMatchObject({ error: "MISSING_REQUEST" });
  });

  it("an envelope without requestId gets a 400, without creating the object", async () => {
    const user = newUserId("noreq");
    const e = skillEvent(user, "SkillEnabled") as unknown as { request: { requestId?: string } };
    delete e.request.requestId;
    const res = await dispatchAlexaRequest(env, e as never);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "MISSING_REQUEST_ID" });
    expect(await objectExists(user)).toBe(false);
  });

  it("the object answers the fields read by the Worker as it answers the envelope", async () => {
    const user = newUserId("inbound");
    const stub = env.ALEXA_USER.getByName(user);
    const event = skillEvent(user, "SkillEnabled");
    const req = readEnvelope(event);
    if ("error" in req) throw new Error(req.error);
    expect(await stub.handleInbound(req)).toEqual({ status: 200, body: { version: "1.0", response: {} } });
    // The same delivery again, as an envelope: the duplicate record written through handleInbound answers it.
    expect(await stub.handleAlexa(event)).toEqual({ status: 200, body: { version: "1.0", response: {} } });
    expect(await runInDurableObject(stub, (o: AlexaUser) => o.dedupe.size())).toBe(1);
  });
});
