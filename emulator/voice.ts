/**
 * @module emulator/voice
 * A person talking to the skill. `say(person, text)` resolves the utterance
 * against the skill's interaction model (emulator/nlu), sends the
 * `LaunchRequest` or `IntentRequest` inside a session, signed like every
 * other request from the emulator (emulator/delivery's headers and identity,
 * emulator/envelope's `context.System`), and returns what Alexa would say.
 *
 * Sessions, per person, as Alexa keeps them:
 * - a session stays open while the skill answers `shouldEndSession: false`,
 *   or leaves it out and gives a reprompt; any other answer ends it, and so
 *   does `AMAZON.StopIntent`, whatever the skill answers;
 * - each request in it carries the `sessionAttributes` of the previous
 *   answer (none given: none carried), `new: true` only on the first;
 * - "open <name>" starts a new session; so does a change of locale (another
 *   device) or of user id (the skill was re-enabled);
 * - `endSession` sends `SessionEndedRequest` (reason `USER_INITIATED`);
 *   a 200 answer Alexa cannot use ends the session with a
 *   `SessionEndedRequest` (reason `ERROR`, `INVALID_RESPONSE`).
 * A person without the skill enabled gets it enabled first (Alexa enables a
 * custom skill on first use, with `SkillEnabled`).
 *
 * Interactive requests are sent once, never redelivered, and given up after
 * Alexa's ~8 s. A skill that answers late, with an error status, or with a
 * response Alexa would refuse is reported in the turn (`status`, `error`,
 * `response`), never thrown.
 *
 * Trade-off: a session never times out on its own (Alexa closes it after
 * about 8 s of silence plus a reprompt): at a keyboard that would close every
 * session, so it stays open until the skill, `stop` or `endSession` ends it.
 */
import { fetchTextWithTimeout, isFetchTimeoutError } from "../src/util/fetch-timeout.ts";
import { ALEXA_REQUEST_HEADERS, newIdentity } from "./delivery.ts";
import { type EnvelopeUser, systemContext } from "./envelope.ts";
import { ListApiError } from "./household.ts";
import { type CompiledModel, ModelError } from "./nlu/model.ts";
import { type Resolved, type ResolvedSlot, resolveUtterance } from "./nlu/resolve.ts";

export type VoiceRequestType = "LaunchRequest" | "IntentRequest" | "SessionEndedRequest";

/** What was sent, in short. */
export interface VoiceRequestSummary {
  type: VoiceRequestType;
  intent?: string;
  /** Filled slots, as sent (value, and resolutions for types with ids). */
  slots?: Record<string, ResolvedSlot>;
  /** The sample that matched (null: nothing did, the fallback). */
  sample?: string | null;
  /** SessionEndedRequest only. */
  reason?: "USER_INITIATED" | "ERROR";
}

/** One exchange with the skill, as `say` returns it and the voice log keeps it. */
export interface VoiceTurn {
  id: string;
  at: string;
  person: string;
  userId: string;
  /** What was said; null for a SessionEndedRequest. */
  utterance: string | null;
  locale: string;
  sessionId: string;
  newSession: boolean;
  requestId: string;
  request: VoiceRequestSummary;
  /** Set when this turn enabled the skill for the person first. */
  enabledSkill?: true;
  /** The skill's HTTP status; null when it did not answer (timeout, network). */
  status: number | null;
  ms: number;
  /** What Alexa says (SSML reduced to text); on a failure, Alexa's error phrase. */
  speech: string | null;
  reprompt: string | null;
  /** `response.card` as the skill sent it. */
  card: unknown;
  /** Whether the session is still open after this turn. */
  sessionOpen: boolean;
  /** The skill's answer: parsed JSON, or the text when it is not JSON; null without an answer. */
  response: unknown;
  /** Why the answer could not be used (status, timeout, invalid response). */
  error?: string;
}

export interface VoiceDeps {
  skillId: string;
  /** The emulator's clock (not skewed). */
  now: () => number;
  skewMs: () => number;
  defaultLocale: string;
  endpoint: () => string;
  fetch: typeof fetch;
  /** Alexa waits about 8 s for an interactive answer. */
  timeoutMs: number;
  sign: (body: string) => Promise<Record<string, string>>;
  issueToken: (userId: string) => string;
  /** The person's current user id or null; throws for an unknown person. */
  currentUserId: (person: string) => string | null;
  /** Enables the skill for the person (SkillEnabled) and returns the new user id. */
  enable: (person: string) => string;
  envelopeUser: (userId: string) => Omit<EnvelopeUser, "apiAccessToken">;
  model: (locale: string) => Promise<CompiledModel>;
  /** Turns kept for the log. Default 200. */
  maxLog?: number;
  /** Called with each turn as it is recorded (the console's event bus). */
  onTurn?: (turn: VoiceTurn) => void;
}

interface Session {
  id: string;
  userId: string;
  locale: string;
  attributes: Record<string, unknown>;
}

interface Answer {
  status: number | null;
  ms: number;
  body: unknown;
  error?: string;
  /** The usable response, when there is one. */
  ok?: SkillAnswer;
}

interface SkillAnswer {
  speech: string | null;
  reprompt: string | null;
  card: unknown;
  shouldEndSession: boolean | null;
  sessionAttributes: Record<string, unknown>;
}

/** Alexa's limit on the whole response. */
export const MAX_RESPONSE_BYTES = 24 * 1024;
/** Alexa's limit on `outputSpeech` (text or SSML). */
export const MAX_SPEECH_CHARS = 8000;
const MAX_BODY_KEPT = 64 * 1024;

/** What a person hears when the skill's answer is unusable. */
const PROBLEM: Record<string, string> = {
  en: "There was a problem with the requested skill's response.",
  de: "Bei der Antwort des angeforderten Skills ist ein Problem aufgetreten.",
};

/**
 * Per-person voice sessions with the skill.
 * @example
 * const voice = new VoiceSessions(deps);
 * const turn = await voice.say("alice", "add milk to my shopping list");
 * turn.speech; // "Added milk to your shopping list."
 */
export class VoiceSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #devices = new Map<string, string>();
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #inflight = new Set<AbortController>();
  readonly #log: VoiceTurn[] = [];
  #seq = 0;

  constructor(private readonly deps: VoiceDeps) {}

  /**
   * Says `text` as `person`; `locale` defaults to the open session's, else the emulator's.
   * Throws ListApiError for an unknown person (404), nothing said (400) or no model for the locale (404).
   */
  say(person: string, text: string, opts: { locale?: string } = {}): Promise<VoiceTurn> {
    return this.#serial(person, () => this.#say(person, text, opts));
  }

  /** Ends the person's open session with `SessionEndedRequest` (USER_INITIATED); null when none is open. */
  endSession(person: string): Promise<VoiceTurn | null> {
    return this.#serial(person, async () => {
      this.deps.currentUserId(person);
      const session = this.#sessions.get(person);
      if (!session) return null;
      this.#sessions.delete(person);
      return this.#sessionEnded(person, session, "USER_INITIATED");
    });
  }

  /** The open session's id and locale, or null. */
  session(person: string): { sessionId: string; locale: string; attributes: Record<string, unknown> } | null {
    const s = this.#sessions.get(person);
    return s ? { sessionId: s.id, locale: s.locale, attributes: structuredClone(s.attributes) } : null;
  }

  /** Recent turns, newest first. */
  log(filter: { person?: string; limit?: number } = {}): VoiceTurn[] {
    const out: VoiceTurn[] = [];
    for (let i = this.#log.length - 1; i >= 0; i--) {
      const t = this.#log[i] as VoiceTurn;
      if (filter.person !== undefined && t.person !== filter.person) continue;
      out.push(structuredClone(t));
      if (filter.limit !== undefined && out.length >= filter.limit) break;
    }
    return out;
  }

  /** Aborts requests in flight. */
  close(): void {
    for (const c of this.#inflight) c.abort(new Error("emulator closed"));
  }

  async #say(person: string, text: string, opts: { locale?: string }): Promise<VoiceTurn> {
    let userId = this.deps.currentUserId(person);
    if (text.trim() === "") throw new ListApiError(400, "BAD_REQUEST", "Say something.");
    const open = this.#sessions.get(person);
    const locale = opts.locale ?? open?.locale ?? this.deps.defaultLocale;
    const model = await this.#model(locale);
    const heard = resolveUtterance(model, text, { skillId: this.deps.skillId });
    if (!heard) throw new ListApiError(400, "BAD_REQUEST", `Nothing to send in "${text}".`);

    let enabledSkill = false;
    if (userId === null) {
      userId = this.deps.enable(person);
      enabledSkill = true;
    }
    let session = open;
    if (session && (heard.type === "LaunchRequest" || session.userId !== userId || session.locale !== locale)) {
      this.#sessions.delete(person);
      session = undefined;
    }
    const newSession = session === undefined;
    session ??= { id: `amzn1.echo-api.session.${crypto.randomUUID()}`, userId, locale, attributes: {} };

    const request = heard.type === "LaunchRequest" ? { type: "LaunchRequest", shouldLinkResultBeReturned: false } : intentRequest(model, heard);
    const summary: VoiceRequestSummary =
      heard.type === "LaunchRequest" ? { type: "LaunchRequest" } : { type: "IntentRequest", intent: heard.intent, slots: heard.slots, sample: heard.sample };
    const { requestId, answer } = await this.#send(person, session, newSession, request);

    const stop = heard.type === "IntentRequest" && heard.intent === "AMAZON.StopIntent";
    const ok = answer.ok;
    const stayOpen = ok !== undefined && !stop && (ok.shouldEndSession === false || (ok.shouldEndSession === null && ok.reprompt !== null));
    if (stayOpen) {
      session.attributes = ok.sessionAttributes;
      this.#sessions.set(person, session);
    } else {
      this.#sessions.delete(person);
    }
    const turn = this.#record({
      person,
      userId,
      utterance: text,
      locale,
      sessionId: session.id,
      newSession,
      requestId,
      request: summary,
      ...(enabledSkill ? { enabledSkill: true as const } : {}),
      ...answerFields(answer, locale),
      sessionOpen: stayOpen,
    });
    // Alexa tells the skill when it could not use an answer that arrived.
    if (answer.status === 200 && !ok) {
      await this.#sessionEnded(person, session, "ERROR", { type: "INVALID_RESPONSE", message: answer.error ?? "invalid response" });
    }
    return turn;
  }

  async #sessionEnded(person: string, session: Session, reason: "USER_INITIATED" | "ERROR", error?: { type: string; message: string }): Promise<VoiceTurn> {
    const request = { type: "SessionEndedRequest", reason, ...(error ? { error } : {}) };
    const { requestId, answer } = await this.#send(person, session, false, request);
    return this.#record({
      person,
      userId: session.userId,
      utterance: null,
      locale: session.locale,
      sessionId: session.id,
      newSession: false,
      requestId,
      request: { type: "SessionEndedRequest", reason },
      status: answer.status,
      ms: answer.ms,
      speech: null,
      reprompt: null,
      card: null,
      response: answer.body,
      ...(answer.status === 200 ? {} : { error: answer.error ?? `HTTP ${answer.status}` }),
      sessionOpen: false,
    });
  }

  /** Builds, signs and posts one in-session request. */
  async #send(person: string, session: Session, isNew: boolean, request: Record<string, unknown>): Promise<{ requestId: string; answer: Answer }> {
    const identity = newIdentity(this.deps.now(), this.deps.skewMs(), session.locale);
    const user = { ...this.deps.envelopeUser(session.userId), apiAccessToken: this.deps.issueToken(session.userId) };
    const system = systemContext(user, { deviceId: this.#device(person), supportedInterfaces: {} });
    const envelope = {
      version: "1.0",
      session: {
        new: isNew,
        sessionId: session.id,
        application: { applicationId: user.skillId },
        attributes: isNew ? {} : session.attributes,
        user: system.user,
      },
      context: { System: system },
      request: { type: request.type, requestId: identity.requestId, timestamp: identity.timestamp, locale: identity.locale, ...request },
    };
    const body = JSON.stringify(envelope);
    const started = this.deps.now();
    const controller = new AbortController();
    this.#inflight.add(controller);
    try {
      const headers = { ...ALEXA_REQUEST_HEADERS, ...(await this.deps.sign(body)) };
      const { response, text } = await fetchTextWithTimeout(
        this.deps.fetch,
        this.deps.endpoint(),
        { method: "POST", headers, body, signal: controller.signal },
        this.deps.timeoutMs,
      );
      return { requestId: identity.requestId, answer: { ...readAnswer(response.status, text), ms: this.deps.now() - started } };
    } catch (e) {
      const error = isFetchTimeoutError(e) ? `no answer within ${this.deps.timeoutMs} ms` : `cannot reach the skill: ${describeError(e)}`;
      return { requestId: identity.requestId, answer: { status: null, ms: this.deps.now() - started, body: null, error } };
    } finally {
      this.#inflight.delete(controller);
    }
  }

  async #model(locale: string): Promise<CompiledModel> {
    try {
      return await this.deps.model(locale);
    } catch (e) {
      if (!(e instanceof ModelError)) throw e;
      if (e.kind === "missing") throw new ListApiError(404, "NO_MODEL", e.message);
      if (e.kind === "locale") throw new ListApiError(400, "BAD_REQUEST", e.message);
      throw new ListApiError(422, "BAD_MODEL", e.message);
    }
  }

  #device(person: string): string {
    let id = this.#devices.get(person);
    if (!id) {
      id = `amzn1.ask.device.${crypto.randomUUID().replace(/-/g, "").toUpperCase()}`;
      this.#devices.set(person, id);
    }
    return id;
  }

  #record(t: Omit<VoiceTurn, "id" | "at">): VoiceTurn {
    const turn: VoiceTurn = { id: `v${++this.#seq}`, at: new Date(this.deps.now()).toISOString(), ...t };
    this.#log.push(turn);
    const max = this.deps.maxLog ?? 200;
    if (this.#log.length > max) this.#log.splice(0, this.#log.length - max);
    this.deps.onTurn?.(turn);
    return structuredClone(turn);
  }

  /** Runs `work` after the person's previous turn has finished (one conversation at a time). */
  #serial<T>(person: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(person) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(person, settled);
    void settled.then(() => {
      if (this.#queues.get(person) === settled) this.#queues.delete(person);
    });
    return next;
  }
}

/** The `request` of an IntentRequest: every slot the intent declares, filled or not; no `dialogState`. */
function intentRequest(model: CompiledModel, heard: Extract<Resolved, { type: "IntentRequest" }>): Record<string, unknown> {
  const declared = model.intents.get(heard.intent)?.slots ?? new Map<string, string>();
  const intent: Record<string, unknown> = { name: heard.intent, confirmationStatus: "NONE" };
  if (declared.size > 0) {
    const slots: Record<string, unknown> = {};
    for (const name of declared.keys()) {
      const filled = heard.slots[name];
      if (!filled) {
        slots[name] = { name, confirmationStatus: "NONE" };
        continue;
      }
      const resolutions = filled.resolutions ? { resolutions: filled.resolutions } : {};
      slots[name] = {
        name,
        value: filled.value,
        ...resolutions,
        confirmationStatus: "NONE",
        source: "USER",
        slotValue: { type: "Simple", value: filled.value, ...resolutions },
      };
    }
    intent.slots = slots;
  }
  return { type: "IntentRequest", intent };
}

function answerFields(a: Answer, locale: string): Pick<VoiceTurn, "status" | "ms" | "speech" | "reprompt" | "card" | "response" | "error"> {
  if (a.ok) return { status: a.status, ms: a.ms, speech: a.ok.speech, reprompt: a.ok.reprompt, card: a.ok.card, response: a.body };
  const problem = PROBLEM[locale.slice(0, 2)] ?? (PROBLEM.en as string);
  return { status: a.status, ms: a.ms, speech: problem, reprompt: null, card: null, response: a.body, error: a.error ?? "invalid response" };
}

/**
 * Reads the skill's HTTP answer the way Alexa judges it: HTTP 200, at most
 * 24 KB, JSON with a `response` object, speech that is valid (PlainText with
 * `text`, SSML in `<speak>` with escaped `&` and `<` and balanced tags, at
 * most 8,000 characters).
 */
export function readAnswer(status: number, text: string): Omit<Answer, "ms"> {
  let body: unknown = text.length > MAX_BODY_KEPT ? `${text.slice(0, MAX_BODY_KEPT)}…` : text;
  try {
    body = text === "" ? null : (JSON.parse(text) as unknown);
  } catch {
    // not JSON: the text is kept
  }
  const fail = (error: string): Omit<Answer, "ms"> => ({ status, body, error });
  if (status !== 200) return fail(`HTTP ${status}${typeof body === "string" && body ? `: ${body.slice(0, 200)}` : ""}`);
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_RESPONSE_BYTES) return fail(`the response is ${bytes} bytes; Alexa's limit is ${MAX_RESPONSE_BYTES}`);
  if (!isObject(body)) return fail("the response is not a JSON object");
  const response = body.response;
  if (!isObject(response)) return fail('no "response" object');
  if (body.sessionAttributes !== undefined && !isObject(body.sessionAttributes)) return fail('"sessionAttributes" must be an object');
  const end = response.shouldEndSession;
  if (end !== undefined && end !== null && typeof end !== "boolean") return fail('"shouldEndSession" must be a boolean');
  const speech = speechOf(response.outputSpeech, "outputSpeech");
  if (speech.error) return fail(speech.error);
  const reprompt = response.reprompt === undefined ? { text: null } : speechOf(isObject(response.reprompt) ? response.reprompt.outputSpeech : null, "reprompt.outputSpeech");
  if (reprompt.error) return fail(reprompt.error);
  return {
    status,
    body,
    ok: {
      speech: speech.text,
      reprompt: reprompt.text,
      card: response.card ?? null,
      shouldEndSession: typeof end === "boolean" ? end : null,
      sessionAttributes: isObject(body.sessionAttributes) ? body.sessionAttributes : {},
    },
  };
}

function speechOf(speech: unknown, where: string): { text: string | null; error?: string } {
  if (speech === undefined) return { text: null };
  if (!isObject(speech)) return { text: null, error: `${where} must be an object` };
  if (speech.type === "PlainText") {
    if (typeof speech.text !== "string") return { text: null, error: `${where}: PlainText needs "text"` };
    if (speech.text.length > MAX_SPEECH_CHARS) return { text: null, error: `${where} is ${speech.text.length} characters; the limit is ${MAX_SPEECH_CHARS}` };
    return { text: speech.text };
  }
  if (speech.type === "SSML") {
    if (typeof speech.ssml !== "string") return { text: null, error: `${where}: SSML needs "ssml"` };
    if (speech.ssml.length > MAX_SPEECH_CHARS) return { text: null, error: `${where} is ${speech.ssml.length} characters; the limit is ${MAX_SPEECH_CHARS}` };
    const problem = ssmlProblem(speech.ssml);
    if (problem) return { text: null, error: `${where}: ${problem}` };
    return { text: ssmlToText(speech.ssml) };
  }
  return { text: null, error: `${where}: type must be PlainText or SSML` };
}

/**
 * Why Alexa would refuse this SSML, or null.
 * @example ssmlProblem("<speak>milk & eggs</speak>") // "unescaped & (write &amp;)"
 */
export function ssmlProblem(ssml: string): string | null {
  const s = ssml.trim();
  if (!/^<speak(\s[^>]*)?>/.test(s) || !s.endsWith("</speak>")) return "SSML must be wrapped in <speak>…</speak>";
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) return "unescaped & (write &amp;)";
  const stack: string[] = [];
  for (const m of s.matchAll(/<[^<>]*>/g)) {
    const tag = /^<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>$/.exec(m[0]);
    if (!tag) return `not a tag: ${m[0]}`;
    const [, closing, name, selfClosing] = tag as unknown as [string, string, string, string];
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return `</${name}> does not close the open tag`;
  }
  if (stack.length > 0) return `<${stack.at(-1)}> is not closed`;
  if (/</.test(s.replace(/<[^<>]*>/g, ""))) return "unescaped < (write &lt;)";
  return null;
}

/**
 * What SSML sounds like, as text: tags dropped, entities decoded, spaces collapsed.
 * @example ssmlToText("<speak>Milk &amp; eggs.<break time='1s'/>Done.</speak>") // "Milk & eggs. Done."
 */
export function ssmlToText(ssml: string): string {
  return ssml
    .replace(/<break\b[^>]*>/gi, " ")
    .replace(/<[^>]+>/g, "")
    .replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
      const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
      if (named[e] !== undefined) return named[e];
      return String.fromCodePoint(e.startsWith("#x") ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    })
    .replace(/\s+/g, " ")
    .replace(/\s+([.,!?;:])/g, "$1")
    .trim();
}

/** An error's message, with its cause's code or message (fetch hides ECONNREFUSED there). */
function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : "";
  return detail ? `${e.message} (${detail})` : e.message;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
