import { createVerify, X509Certificate } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { AlexaEmulator } from "../../../emulator/emulator.ts";
import { call, emulatorWithSkill, enabledAlice, type FakeSkill, ORIGIN, testPki, waitFor } from "./helpers.ts";

let current: AlexaEmulator | null = null;
afterEach(() => current?.close());

async function setup(opts = {}): Promise<{ emu: AlexaEmulator; skill: FakeSkill }> {
  const made = await emulatorWithSkill(opts);
  current = made.emu;
  return made;
}

describe("signed delivery", () => {
  it("signs the exact body with Signature-256 and points at the served chain", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    const req = await waitFor(() => skill.requests[0]);
    expect(req.headers.get("SignatureCertChainUrl")).toBe(`${ORIGIN}/echo.api/echo-api-cert.pem`);
    const chain = await (await call(emu, "GET", "/echo.api/echo-api-cert.pem")).text();
    const leaf = new X509Certificate(chain.slice(0, chain.indexOf("-----END CERTIFICATE-----") + 25));
    expect(leaf.subjectAltName).toContain("echo-api.amazon.com");
    const ok = createVerify("RSA-SHA256").update(req.body).verify(leaf.publicKey, req.headers.get("Signature-256") as string, "base64");
    expect(ok).toBe(true);
    const tampered = createVerify("RSA-SHA256").update(req.body + " ").verify(leaf.publicKey, req.headers.get("Signature-256") as string, "base64");
    expect(tampered).toBe(false);
    expect(leaf.checkIssued(new X509Certificate((await testPki()).intermediatePem))).toBe(true);
  });

  it("uses Alexa's request shape: skill id, user, apiEndpoint, a working apiAccessToken, request id, timestamp, locale", async () => {
    const clock = { t: Date.UTC(2026, 2, 3, 4, 5, 6) };
    const { emu, skill } = await setup({ now: () => clock.t, locale: "en-GB" });
    const userId = emu.enable("alice", { permissions: ["read"] }).userId;
    const [enabled, accepted] = await waitFor(() => (skill.requests.length >= 2 ? skill.requests : null));
    expect(enabled!.json).toMatchObject({
      version: "1.0",
      context: { System: { application: { applicationId: emu.skillId }, user: { userId }, apiEndpoint: ORIGIN } },
      request: {
        type: "AlexaSkillEvent.SkillEnabled",
        timestamp: "2026-03-03T04:05:06.000Z",
        eventCreationTime: "2026-03-03T04:05:06.000Z",
        locale: "en-GB",
      },
    });
    expect(enabled!.json.request.requestId).toMatch(/^amzn1\.echo-api\.request\./);
    expect(enabled!.json.context.System.user.permissions).toBeUndefined();
    expect(accepted!.json.context.System.user.permissions).toEqual({ consentToken: accepted!.json.context.System.apiAccessToken });
    const lists = await call(emu, "GET", "/v2/householdlists/", { token: accepted!.json.context.System.apiAccessToken });
    expect(lists.status).toBe(200);
  });

  it("shifts timestamps by the clock skew", async () => {
    const clock = { t: Date.UTC(2026, 2, 3, 4, 5, 6) };
    const { emu, skill } = await setup({ now: () => clock.t });
    emu.skewMs = -200_000;
    emu.enable("alice");
    const req = await waitFor(() => skill.requests[0]);
    expect(req.json.request.timestamp).toBe("2026-03-03T04:01:46.000Z");
  });
});

describe("redelivery", () => {
  it("redelivers until the skill answers 200, keeping the request id and timestamp, refreshing the token", async () => {
    const { emu, skill } = await setup();
    skill.respond = (_req, n) => (n <= 2 ? new Response("down", { status: 500 }) : Response.json({ version: "1.0", response: {} }));
    emu.enable("alice");
    const view = await waitFor(() => emu.deliveries.list().find((d) => d.state === "delivered"));
    expect(view.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(new Set(skill.requests.map((r) => r.json.request.requestId)).size).toBe(1);
    expect(new Set(skill.requests.map((r) => r.json.request.timestamp)).size).toBe(1);
    expect(new Set(skill.requests.map((r) => r.json.context.System.apiAccessToken)).size).toBe(3);
  });

  it("treats only HTTP 200 as success", async () => {
    const { emu, skill } = await setup();
    skill.respond = (_req, n) => new Response(null, { status: n === 1 ? 204 : 200 });
    emu.enable("alice");
    const view = await waitFor(() => emu.deliveries.list().find((d) => d.state === "delivered"));
    expect(view.attempts.map((a) => a.status)).toEqual([204, 200]);
  });

  it("gives up on an event when the retry window closes", async () => {
    const { emu, skill } = await setup({ retry: { baseMs: 2, maxDelayMs: 8, eventWindowMs: 40 } });
    skill.respond = () => new Response(null, { status: 503 });
    emu.enable("alice");
    const view = await waitFor(() => emu.deliveries.list().find((d) => d.state === "expired"));
    expect(view.attempts.length).toBeGreaterThan(2);
    expect(view.attempts.every((a) => a.status === 503)).toBe(true);
  });

  it("gives up on a message when it expires (expiresAfterSeconds)", async () => {
    const clock = { t: Date.UTC(2026, 0, 1) };
    const { emu, skill } = await setup({ now: () => clock.t });
    const { userId } = await enabledAlice(emu, skill);
    skill.respond = (req) =>
      req.json.request.type === "Messaging.MessageReceived" ? new Response(null, { status: 500 }) : Response.json({});
    const token = await lwaTokenFor(emu);
    await call(emu, "POST", `/v1/skillmessages/users/${userId}`, { token, body: { data: { a: "b" }, expiresAfterSeconds: 60 } });
    await waitFor(() => skill.ofType("Messaging.MessageReceived").length >= 2);
    const before = emu.deliveries.list({ type: "Messaging" })[0]!;
    expect(before.state).not.toBe("expired");
    clock.t += 61_000;
    const after = await waitFor(() => emu.deliveries.list({ type: "Messaging" }).find((d) => d.state === "expired"));
    expect(after.windowEndsAt).toBe(new Date(Date.UTC(2026, 0, 1) + 60_000).toISOString());
  });

  it("counts a skill that does not answer in time as a failure", async () => {
    const { emu, skill } = await setup({ skillTimeoutMs: 20 });
    skill.respond = (_req, n) => (n === 1 ? new Promise<Response>(() => {}) : Response.json({}));
    emu.enable("alice");
    const view = await waitFor(() => emu.deliveries.list().find((d) => d.state === "delivered"));
    expect(view.attempts[0]!.error).toMatch(/timed out/);
    expect(view.attempts[1]!.status).toBe(200);
  });
});

describe("delivery faults", () => {
  it("drop: the request never reaches the skill", async () => {
    const { emu, skill } = await setup();
    await enabledAlice(emu, skill);
    emu.deliveryFaults.add({ mode: "drop", count: 1, match: "ItemsCreated" });
    emu.addItem("alice", "shopping", "milk");
    emu.addItem("alice", "shopping", "eggs");
    await waitFor(() => skill.ofType("AlexaHouseholdListEvent.ItemsCreated").length === 1);
    const views = emu.deliveries.list({ type: "ItemsCreated" });
    expect(views.map((v) => v.state).sort()).toEqual(["delivered", "dropped"]);
    const dropped = views.find((v) => v.state === "dropped")!;
    expect(dropped.attempts).toEqual([]);
    expect(dropped.faults).toEqual(["drop (d1)"]);
  });

  it("duplicate, concurrent: two copies of the same request are in flight at once", async () => {
    const { emu, skill } = await setup();
    await enabledAlice(emu, skill);
    emu.deliveryFaults.add({ mode: "duplicate", count: 1, concurrent: true });
    let release: () => void = () => {};
    const both = new Promise<void>((r) => (release = r));
    skill.respond = async (req) => {
      if (req.json.request.type.endsWith("ItemsCreated")) {
        if (skill.ofType("AlexaHouseholdListEvent.ItemsCreated").length === 2) release();
        await both; // resolves only once the second copy has arrived while the first is pending
      }
      return Response.json({});
    };
    emu.addItem("alice", "shopping", "milk");
    const copies = await waitFor(() => {
      const d = emu.deliveries.list({ type: "ItemsCreated" });
      return d.length === 2 && d.every((v) => v.state === "delivered") ? d : null;
    });
    const reqs = skill.ofType("AlexaHouseholdListEvent.ItemsCreated");
    expect(reqs[0]!.json.request.requestId).toBe(reqs[1]!.json.request.requestId);
    expect(copies.filter((c) => c.copyOf !== undefined)).toHaveLength(1);
  });

  it("duplicate, sequential: the copy follows the original", async () => {
    const { emu, skill } = await setup();
    await enabledAlice(emu, skill);
    emu.deliveryFaults.add({ mode: "duplicate", count: 1, match: "ItemsCreated" });
    emu.addItem("alice", "shopping", "milk");
    await waitFor(() => skill.ofType("AlexaHouseholdListEvent.ItemsCreated").length === 2);
    const [original, copy] = emu.deliveries.list({ type: "ItemsCreated" }).reverse();
    expect(copy!.copyOf).toBe(original!.id);
    expect(Date.parse(copy!.attempts[0]!.at)).toBeGreaterThanOrEqual(Date.parse(original!.attempts[0]!.at));
  });

  it("delay: the first attempt is scheduled after the delay", async () => {
    const { emu, skill } = await setup();
    await enabledAlice(emu, skill);
    emu.deliveryFaults.add({ mode: "delay", count: 1, delayMs: 60_000 });
    emu.addItem("alice", "shopping", "milk");
    const view = emu.deliveries.list({ type: "ItemsCreated" })[0]!;
    expect(view.state).toBe("pending");
    expect(Date.parse(view.nextAttemptAt!) - Date.parse(view.createdAt)).toBe(60_000);
    emu.addItem("alice", "shopping", "eggs");
    await waitFor(() => skill.ofType("AlexaHouseholdListEvent.ItemsCreated").length === 1);
    expect(skill.ofType("AlexaHouseholdListEvent.ItemsCreated")[0]!.json.request.body).toMatchObject({
      listItemIds: [[...emu.list("alice", "shopping").items.values()][1]!.id],
    });
  });

  it("reorder: held requests are released newest first", async () => {
    const { emu, skill } = await setup();
    await enabledAlice(emu, skill);
    emu.deliveryFaults.add({ mode: "reorder", count: 3, batch: 3, match: "Items" });
    const ids = ["a", "b", "c"].map((v) => emu.addItem("alice", "todo", v).id);
    await waitFor(() => skill.ofType("AlexaHouseholdListEvent.ItemsCreated").length === 3);
    const seen = skill.ofType("AlexaHouseholdListEvent.ItemsCreated").map((r) => (r.json.request.body as { listItemIds: string[] }).listItemIds[0]);
    expect(seen).toEqual(ids.reverse());
  });
});

async function lwaTokenFor(emu: AlexaEmulator): Promise<string> {
  const res = await call(emu, "POST", "/auth/o2/token", {
    form: { grant_type: "client_credentials", client_id: emu.clientId, client_secret: emu.clientSecret, scope: "alexa:skill_messaging" },
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
