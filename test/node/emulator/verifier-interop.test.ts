/**
 * The emulator's signed requests pass the project's own verifier
 * (src/verifier) when it trusts the emulator's root and origin, and fail it
 * the way real tampering or clock trouble would.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AlexaEmulator } from "../../../emulator/emulator.ts";
import { AlexaVerificationError, verifyAlexaRequest, type VerifyOptions } from "../../../src/verifier/index.ts";
import { call, emulatorWithSkill, enabledAlice, type FakeSkill, ORIGIN, type SkillRequest, waitFor } from "./helpers.ts";

let current: AlexaEmulator | null = null;
afterEach(() => current?.close());

async function setup(): Promise<{ emu: AlexaEmulator; skill: FakeSkill }> {
  const made = await emulatorWithSkill();
  current = made.emu;
  return made;
}

function options(emu: AlexaEmulator, now = Date.now): VerifyOptions {
  return {
    skillIds: [emu.skillId],
    certOrigin: ORIGIN,
    trustedRoots: [emu.rootPem],
    now,
    fetchCertChain: async (url) => (await emu.fetch(new Request(url))).text(),
  };
}

async function verify(emu: AlexaEmulator, req: SkillRequest, opts = options(emu)): Promise<string> {
  try {
    const envelope = await verifyAlexaRequest({ headers: req.headers, body: req.body }, opts);
    return envelope.request.type;
  } catch (e) {
    if (e instanceof AlexaVerificationError) return e.code;
    throw e;
  }
}

describe("emulator requests and the project's verifier", () => {
  it("skill events, list events and messages all verify", async () => {
    const { emu, skill } = await setup();
    const { userId } = await enabledAlice(emu, skill);
    emu.link("alice");
    emu.addItem("alice", "shopping", "milk");
    const form = { grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "alexa:skill_messaging" };
    const token = ((await (await call(emu, "POST", "/auth/o2/token", { form })).json()) as { access_token: string }).access_token;
    await call(emu, "POST", `/v1/skillmessages/users/${userId}`, { token, body: { data: { hi: "there" } } });
    await waitFor(() => skill.requests.length === 5);
    const verified = await Promise.all(skill.requests.map((r) => verify(emu, r)));
    expect(verified.sort()).toEqual(
      [
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillAccountLinked",
        "AlexaHouseholdListEvent.ItemsCreated",
        "Messaging.MessageReceived",
      ].sort(),
    );
  });

  it("a tampered body, another skill id or an untrusted root is refused", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    const req = await waitFor(() => skill.requests[0]);
    expect(await verify(emu, { ...req, body: req.body.replace("SkillEnabled", "SkillDisabled") })).toBe("SIGNATURE_INVALID");
    expect(await verify(emu, req, { ...options(emu), skillIds: ["amzn1.ask.skill.other"] })).toBe("SKILL_ID_MISMATCH");
    const other = await emulatorWithSkill({ pki: undefined });
    try {
      expect(await verify(emu, req, { ...options(emu), trustedRoots: [other.emu.rootPem] })).toBe("CERT_CHAIN_UNTRUSTED");
    } finally {
      other.emu.close();
    }
  });

  it("clock skew shifts timestamps past the verifier's tolerance", async () => {
    const { emu, skill } = await setup();
    emu.skewMs = 200_000;
    emu.enable("alice");
    const req = await waitFor(() => skill.requests[0]);
    expect(await verify(emu, req)).toBe("TIMESTAMP_OUT_OF_RANGE");
    emu.skewMs = -120_000;
    emu.addPerson("bob");
    emu.enable("bob");
    const bob = await waitFor(() => skill.requests[1]);
    expect(await verify(emu, bob)).toBe("AlexaSkillEvent.SkillEnabled");
  });
});
