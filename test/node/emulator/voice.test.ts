/**
 * A person talking to the skill (emulator/voice), against a tiny skill on a
 * real loopback HTTP server: signed in-session requests that the project's
 * verifier accepts, session rules (attributes, new sessions, stop, end),
 * locales, enabling on first use, and failures reported, never thrown.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { AlexaEmulator, type EmulatorOptions } from "../../../emulator/emulator.ts";
import { ssmlProblem, ssmlToText } from "../../../emulator/voice.ts";
import { AlexaVerificationError, verifyAlexaRequest } from "../../../src/verifier/index.ts";
import { call, ORIGIN, testPki, waitFor } from "./helpers.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/models/", import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience over Alexa's JSON shapes
type Json = any;

interface Received {
  headers: Headers;
  body: string;
  json: Json;
}

interface Reply {
  status?: number;
  /** An object is sent as JSON, a string as it is. */
  body: unknown;
  delayMs?: number;
}

/** A skill on a loopback port: records every request, answers with `respond`. */
class SkillServer {
  readonly received: Received[] = [];
  respond: (json: Json) => Reply = (json) => defaultReply(json);
  #server: Server | null = null;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const json = JSON.parse(body) as Json;
        this.received.push({ headers, body, json });
        const reply = this.respond(json);
        const send = (): void => {
          const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status ?? 200, { "content-type": "application/json" });
          res.end(text);
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/alexa`;
  }

  async close(): Promise<void> {
    const s = this.#server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Requests of a type, oldest first. */
  ofType(type: string): Received[] {
    return this.received.filter((r) => r.json.request.type === type);
  }

  /** The interactive requests (in a session), oldest first. */
  voice(): Received[] {
    return this.received.filter((r) => r.json.session !== undefined);
  }
}

/** Says what it heard, counts turns in `sessionAttributes`, keeps the session open. */
function defaultReply(json: Json): Reply {
  const type = json.request.type as string;
  if (type !== "IntentRequest" && type !== "LaunchRequest") return { body: { version: "1.0", response: {} } };
  const count = ((json.session?.attributes?.count as number | undefined) ?? 0) + 1;
  const what = type === "LaunchRequest" ? "welcome" : json.request.intent.name;
  return {
    body: {
      version: "1.0",
      sessionAttributes: { count },
      response: { outputSpeech: { type: "PlainText", text: `heard ${what}` }, shouldEndSession: false },
    },
  };
}

let emu: AlexaEmulator | null = null;
let skill: SkillServer | null = null;
afterEach(async () => {
  emu?.close();
  await skill?.close();
  emu = null;
  skill = null;
});

async function setup(opts: Partial<EmulatorOptions> = {}): Promise<{ emu: AlexaEmulator; skill: SkillServer }> {
  skill = new SkillServer();
  const endpoint = await skill.start();
  emu = await AlexaEmulator.create({
    origin: ORIGIN,
    skillEndpoint: endpoint,
    pki: await testPki(),
    retry: { baseMs: 5, maxDelayMs: 40, eventWindowMs: 60_000 },
    modelDir: FIXTURES,
    ...opts,
  });
  return { emu, skill };
}

async function verify(e: AlexaEmulator, r: Received): Promise<string> {
  try {
    const envelope = await verifyAlexaRequest(
      { headers: r.headers, body: r.body },
      {
        skillIds: [e.skillId],
        certOrigin: ORIGIN,
        trustedRoots: [e.rootPem],
        fetchCertChain: async (url) => (await e.fetch(new Request(url))).text(),
      },
    );
    return envelope.request.type;
  } catch (err) {
    if (err instanceof AlexaVerificationError) return err.code;
    throw err;
  }
}

describe("say: a person talking to the skill", () => {
  it("sends a signed IntentRequest in a new session, as Alexa builds it, and the project's verifier accepts it", async () => {
    const { emu, skill } = await setup();
    const { userId } = emu.enable("alice");
    const before = Date.now();
    const turn = await emu.say("alice", "Alexa, ask list bridge to add milk and eggs to my grocery list");

    const [req] = skill.voice();
    expect(await verify(emu, req!)).toBe("IntentRequest");
    expect(req!.headers.get("signaturecertchainurl")).toBe(emu.certUrl);
    const env = req!.json;
    expect(env.session).toMatchObject({ new: true, application: { applicationId: emu.skillId }, attributes: {}, user: { userId } });
    expect(env.session.sessionId).toMatch(/^amzn1\.echo-api\.session\./);
    expect(env.session.user.accessToken).toBeUndefined();
    expect(env.context.System).toMatchObject({
      application: { applicationId: emu.skillId },
      user: { userId },
      device: { supportedInterfaces: {} },
      apiEndpoint: ORIGIN,
    });
    expect(env.context.System.device.deviceId).toMatch(/^amzn1\.ask\.device\./);
    expect(env.context.System.apiAccessToken).toMatch(/^Atza\|/);
    expect(env.request.requestId).toMatch(/^amzn1\.echo-api\.request\./);
    expect(env.request.locale).toBe("en-US");
    expect(Math.abs(Date.parse(env.request.timestamp) - before)).toBeLessThan(5000);
    expect("dialogState" in env.request).toBe(false);
    expect(env.request.intent).toEqual({
      name: "AddItemsIntent",
      confirmationStatus: "NONE",
      slots: {
        items: {
          name: "items",
          value: "milk and eggs",
          confirmationStatus: "NONE",
          source: "USER",
          slotValue: { type: "Simple", value: "milk and eggs" },
        },
        list: {
          name: "list",
          value: "grocery",
          resolutions: {
            resolutionsPerAuthority: [
              {
                authority: `amzn1.er-authority.echo-sdk.${emu.skillId}.LIST_NAME`,
                status: { code: "ER_SUCCESS_MATCH" },
                values: [{ value: { name: "shopping", id: "shopping" } }],
              },
            ],
          },
          confirmationStatus: "NONE",
          source: "USER",
          slotValue: {
            type: "Simple",
            value: "grocery",
            resolutions: env.request.intent.slots.list.resolutions,
          },
        },
      },
    });

    expect(turn).toMatchObject({
      person: "alice",
      userId,
      utterance: "Alexa, ask list bridge to add milk and eggs to my grocery list",
      locale: "en-US",
      sessionId: env.session.sessionId,
      newSession: true,
      requestId: env.request.requestId,
      request: { type: "IntentRequest", intent: "AddItemsIntent", sample: "add {items} to my {list} list", slots: { items: { value: "milk and eggs" } } },
      status: 200,
      speech: "heard AddItemsIntent",
      reprompt: null,
      card: null,
      sessionOpen: true,
      response: { version: "1.0", sessionAttributes: { count: 1 }, response: { shouldEndSession: false } },
    });
    expect(turn.error).toBeUndefined();
    expect(turn.enabledSkill).toBeUndefined();
  });

  it("carries session attributes across turns, and starts a new session after the skill ends one", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    const first = await emu.say("alice", "what's on my shopping list");
    const second = await emu.say("alice", "yes");
    expect(second).toMatchObject({ newSession: false, sessionId: first.sessionId, sessionOpen: true, request: { intent: "AMAZON.YesIntent" } });
    const [a, b] = skill.voice();
    expect(a!.json.session.attributes).toEqual({});
    expect(b!.json.session).toMatchObject({ new: false, sessionId: first.sessionId, attributes: { count: 1 } });
    expect(emu.voiceSession("alice")).toMatchObject({ sessionId: first.sessionId, attributes: { count: 2 } });

    skill.respond = () => ({ body: { version: "1.0", response: { outputSpeech: { type: "PlainText", text: "Bye." }, shouldEndSession: true } } });
    const third = await emu.say("alice", "no");
    expect(third).toMatchObject({ sessionId: first.sessionId, newSession: false, sessionOpen: false, speech: "Bye." });
    expect(emu.voiceSession("alice")).toBeNull();

    skill.respond = defaultReply;
    const fourth = await emu.say("alice", "undo");
    expect(fourth.newSession).toBe(true);
    expect(fourth.sessionId).not.toBe(first.sessionId);
    expect(skill.voice()[3]!.json.session).toMatchObject({ new: true, attributes: {} });
  });

  it("keeps the session open when shouldEndSession is left out with a reprompt; closes it without one; drops attributes the skill did not return", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    skill.respond = () => ({
      body: {
        version: "1.0",
        sessionAttributes: { step: 1 },
        response: {
          outputSpeech: { type: "SSML", ssml: "<speak>Milk &amp; eggs? <break time='1s'/> <emphasis>Say</emphasis> yes.</speak>" },
          reprompt: { outputSpeech: { type: "PlainText", text: "Yes or no?" } },
          card: { type: "Simple", title: "Lists", content: "milk, eggs" },
        },
      },
    });
    const open = await emu.say("alice", "add milk");
    expect(open).toMatchObject({
      sessionOpen: true,
      speech: "Milk & eggs? Say yes.",
      reprompt: "Yes or no?",
      card: { type: "Simple", title: "Lists", content: "milk, eggs" },
    });
    skill.respond = () => ({ body: { version: "1.0", response: { outputSpeech: { type: "PlainText", text: "Noted." } } } });
    const next = await emu.say("alice", "add eggs");
    expect(skill.voice()[1]!.json.session.attributes).toEqual({ step: 1 });
    expect(next).toMatchObject({ newSession: false, sessionOpen: false, speech: "Noted." });

    skill.respond = () => ({ body: { version: "1.0", response: { shouldEndSession: false } } });
    await emu.say("alice", "add bread");
    await emu.say("alice", "add butter");
    expect(skill.voice()[3]!.json.session.attributes).toEqual({});
  });

  it("sets request.locale from --locale, resolving against that locale's model, and keeps it for the session", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    const turn = await emu.say("alice", "füge Milch zu meiner Einkaufsliste hinzu", { locale: "de-DE" });
    expect(turn).toMatchObject({ locale: "de-DE", request: { intent: "AddItemsIntent", slots: { items: { value: "Milch" } } } });
    const yes = await emu.say("alice", "ja");
    expect(yes).toMatchObject({ locale: "de-DE", newSession: false, request: { intent: "AMAZON.YesIntent" } });
    const [de, ja] = skill.voice();
    expect(de!.json.request.locale).toBe("de-DE");
    expect(de!.json.request.intent.slots.list.resolutions.resolutionsPerAuthority[0].values).toEqual([{ value: { name: "Einkaufsliste", id: "shopping" } }]);
    expect(ja!.json.request.locale).toBe("de-DE");
    // Another locale is another device: a new session.
    const en = await emu.say("alice", "help", { locale: "en-US" });
    expect(en).toMatchObject({ locale: "en-US", newSession: true, request: { intent: "AMAZON.HelpIntent" } });
    expect(skill.voice()[2]!.json.request.locale).toBe("en-US");
  });

  it("enables the skill on first use: SkillEnabled goes out and the request carries the new user id", async () => {
    const { emu, skill } = await setup();
    expect(emu.person("alice").enabled).toBe(false);
    const turn = await emu.say("alice", "open list bridge");
    const userId = emu.person("alice").userId;
    expect(userId).toMatch(/^amzn1\.ask\.account\./);
    expect(turn).toMatchObject({ enabledSkill: true, userId, request: { type: "LaunchRequest" }, speech: "heard welcome" });
    const enabled = await waitFor(() => skill.ofType("AlexaSkillEvent.SkillEnabled")[0], 30_000, "SkillEnabled");
    expect(enabled.json.context.System.user.userId).toBe(userId);
    expect(await verify(emu, enabled)).toBe("AlexaSkillEvent.SkillEnabled");
    const launch = skill.ofType("LaunchRequest")[0]!;
    expect(launch.json.request.shouldLinkResultBeReturned).toBe(false);
    expect(launch.json.session.user.userId).toBe(userId);
    // Already enabled: no second SkillEnabled.
    expect((await emu.say("alice", "help")).enabledSkill).toBeUndefined();
    expect(emu.deliveries.list({ type: "SkillEnabled" })).toHaveLength(1);
  });

  it("sends the linked account's token in session.user and context.System.user", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    emu.link("alice", "app-token-7");
    await emu.say("alice", "help");
    const [req] = skill.voice();
    expect(req!.json.session.user.accessToken).toBe("app-token-7");
    expect(req!.json.context.System.user.accessToken).toBe("app-token-7");
  });

  it("reports a skill answering 500, a timeout and an unreachable skill, without throwing; the session is closed", async () => {
    const { emu, skill } = await setup({ voiceTimeoutMs: 300 });
    emu.enable("alice");
    await emu.say("alice", "help");
    skill.respond = () => ({ status: 500, body: "boom" });
    const failed = await emu.say("alice", "check off milk");
    expect(failed).toMatchObject({
      status: 500,
      error: "HTTP 500: boom",
      response: "boom",
      speech: "There was a problem with the requested skill's response.",
      sessionOpen: false,
      newSession: false,
    });
    expect(emu.voiceSession("alice")).toBeNull();
    expect(skill.ofType("SessionEndedRequest")).toHaveLength(0);

    skill.respond = () => ({ delayMs: 1500, body: { version: "1.0", response: {} } });
    const slow = await emu.say("alice", "help");
    expect(slow).toMatchObject({ status: null, error: "no answer within 300 ms", newSession: true, sessionOpen: false, response: null });

    await skill.close();
    const gone = await emu.say("alice", "help", { locale: "de-DE" });
    expect(gone.status).toBeNull();
    expect(gone.error).toMatch(/^cannot reach the skill/);
    expect(gone.speech).toBe("Bei der Antwort des angeforderten Skills ist ein Problem aufgetreten.");
  });

  it("treats a 200 Alexa cannot use as a failure and tells the skill with SessionEndedRequest ERROR", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    skill.respond = (json) =>
      json.request.type === "SessionEndedRequest"
        ? { body: { version: "1.0", response: {} } }
        : { body: { version: "1.0", response: { outputSpeech: { type: "SSML", ssml: "<speak>milk & eggs</speak>" }, shouldEndSession: false } } };
    const turn = await emu.say("alice", "add milk and eggs");
    expect(turn).toMatchObject({ status: 200, sessionOpen: false, error: "outputSpeech: unescaped & (write &amp;)" });
    const [ended] = skill.ofType("SessionEndedRequest");
    expect(ended!.json.session.sessionId).toBe(turn.sessionId);
    expect(ended!.json.request).toMatchObject({ reason: "ERROR", error: { type: "INVALID_RESPONSE", message: "outputSpeech: unescaped & (write &amp;)" } });
    expect(await verify(emu, ended!)).toBe("SessionEndedRequest");

    for (const [body, error] of [
      ["not json", "the response is not a JSON object"],
      [{ version: "1.0" }, 'no "response" object'],
      [{ version: "1.0", response: { outputSpeech: { type: "PlainText" } } }, 'outputSpeech: PlainText needs "text"'],
      [{ version: "1.0", response: { outputSpeech: { type: "PlainText", text: "x".repeat(8001) } } }, "outputSpeech is 8001 characters; the limit is 8000"],
      [{ version: "1.0", response: { outputSpeech: { type: "PlainText", text: "x".repeat(7000) }, card: { type: "Simple", content: "y".repeat(20_000) } } }, /Alexa's limit is 24576/],
    ] as const) {
      skill.respond = (json) => (json.request.type === "SessionEndedRequest" ? { body: { version: "1.0", response: {} } } : { body });
      const t = await emu.say("alice", "help");
      expect(t.error).toMatch(error);
      expect(t.sessionOpen).toBe(false);
    }
  });

  it("ends the session on stop, whatever the skill answers; endSession sends SessionEndedRequest USER_INITIATED", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    await emu.say("alice", "help");
    const stop = await emu.say("alice", "stop");
    expect(stop).toMatchObject({ request: { intent: "AMAZON.StopIntent" }, sessionOpen: false });
    expect(emu.voiceSession("alice")).toBeNull();
    expect(await emu.endSession("alice")).toBeNull();

    const opened = await emu.say("alice", "open list bridge");
    const ended = await emu.endSession("alice");
    expect(ended).toMatchObject({ request: { type: "SessionEndedRequest", reason: "USER_INITIATED" }, sessionId: opened.sessionId, status: 200, sessionOpen: false, utterance: null });
    const [req] = skill.ofType("SessionEndedRequest");
    expect(req!.json.session).toMatchObject({ new: false, sessionId: opened.sessionId, attributes: { count: 1 } });
    expect(req!.json.request.reason).toBe("USER_INITIATED");
    expect(await verify(emu, req!)).toBe("SessionEndedRequest");
    expect(emu.voiceSession("alice")).toBeNull();
    expect((await emu.say("alice", "help")).newSession).toBe(true);
  });

  it("opening the skill inside a session starts a new one", async () => {
    const { emu } = await setup();
    emu.enable("alice");
    const first = await emu.say("alice", "help");
    const launch = await emu.say("alice", "open list bridge");
    expect(launch).toMatchObject({ newSession: true, request: { type: "LaunchRequest" } });
    expect(launch.sessionId).not.toBe(first.sessionId);
  });

  it("shifts the timestamp by the clock skew, past the verifier's tolerance", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    emu.skewMs = 200_000;
    await emu.say("alice", "help");
    const [req] = skill.voice();
    expect(Date.parse(req!.json.request.timestamp) - Date.now()).toBeGreaterThan(190_000);
    expect(await verify(emu, req!)).toBe("TIMESTAMP_OUT_OF_RANGE");
  });

  it("refuses what cannot be said: an unknown person, nothing, a locale without a model; nothing is sent", async () => {
    const { emu, skill } = await setup();
    await expect(emu.say("zed", "help")).rejects.toMatchObject({ status: 404 });
    await expect(emu.say("alice", "   ")).rejects.toMatchObject({ status: 400 });
    await expect(emu.say("alice", "Alexa")).rejects.toMatchObject({ status: 400 });
    await expect(emu.say("alice", "help", { locale: "fr-FR" })).rejects.toMatchObject({ status: 404, type: "NO_MODEL" });
    await expect(emu.say("alice", "help", { locale: "../../x" })).rejects.toMatchObject({ status: 400 });
    expect(emu.person("alice").enabled).toBe(false);
    expect(skill.received).toHaveLength(0);
  });

  it("control API: say, the session, ending it, and the voice log (newest first, by person)", async () => {
    const { emu, skill } = await setup();
    emu.addPerson("bob");
    const said = await call(emu, "POST", "/_control/people/alice/say", { body: { text: "add milk to my shopping list" } });
    expect(said.status).toBe(200);
    const turn = (await said.json()) as Json;
    expect(turn).toMatchObject({ request: { intent: "AddItemsIntent" }, speech: "heard AddItemsIntent", sessionOpen: true, enabledSkill: true });
    const de = await call(emu, "POST", "/_control/people/bob/say", { body: { text: "hilfe", locale: "de-DE" } });
    expect(((await de.json()) as Json).request.intent).toBe("AMAZON.HelpIntent");
    expect(skill.voice().map((r) => r.json.request.locale)).toEqual(["en-US", "de-DE"]);

    expect(((await (await call(emu, "GET", "/_control/people/alice/session")).json()) as Json).session.sessionId).toBe(turn.sessionId);
    const ended = (await (await call(emu, "DELETE", "/_control/people/alice/session")).json()) as Json;
    expect(ended).toMatchObject({ ended: true, turn: { request: { type: "SessionEndedRequest", reason: "USER_INITIATED" } } });
    expect(await (await call(emu, "DELETE", "/_control/people/alice/session")).json()).toEqual({ ended: false });

    const log = (await (await call(emu, "GET", "/_control/voice?person=alice&limit=5")).json()) as Json[];
    expect(log.map((t) => t.request.type)).toEqual(["SessionEndedRequest", "IntentRequest"]);
    expect(((await (await call(emu, "GET", "/_control/voice?limit=1")).json()) as Json[]).map((t) => t.person)).toEqual(["alice"]);
    expect(((await (await call(emu, "GET", "/_control/voice")).json()) as Json[]).map((t) => t.person)).toEqual(["alice", "bob", "alice"]);

    expect((await call(emu, "POST", "/_control/people/alice/say", { body: {} })).status).toBe(400);
    expect((await call(emu, "POST", "/_control/people/zed/say", { body: { text: "help" } })).status).toBe(404);
    const noModel = await call(emu, "POST", "/_control/people/alice/say", { body: { text: "help", locale: "fr-FR" } });
    expect(noModel.status).toBe(404);
    expect(await noModel.json()).toMatchObject({ error: "NO_MODEL" });
  });
});

describe("SSML as Alexa judges and speaks it", () => {
  it("finds what Alexa would refuse", () => {
    expect(ssmlProblem("<speak>Hello <emphasis level='strong'>you</emphasis>.<break time='1s'/></speak>")).toBeNull();
    expect(ssmlProblem("Hello")).toBe("SSML must be wrapped in <speak>…</speak>");
    expect(ssmlProblem("<speak>a < b</speak>")).toBe("unescaped < (write &lt;)");
    expect(ssmlProblem("<speak><emphasis>a</speak>")).toBe("</speak> does not close the open tag");
    expect(ssmlProblem("<speak>Tom &amp; Jerry &#38; co</speak>")).toBeNull();
  });

  it("reduces SSML to the text spoken", () => {
    expect(ssmlToText("<speak>Added <say-as interpret-as='characters'>AB</say-as> &lt;3 &#233;<break/>done .</speak>")).toBe("Added AB <3 é done.");
  });
});
