// Shared by the skill-store tests (`*.skill.test.ts`, run with ALEXA_LISTS=skill):
// voice turns through the Worker's dispatch, REST calls through the router,
// and the app's webhooks (FakeApp behind the fetch spy of test/alexa-user/harness).
import { env } from "cloudflare:workers";
import type { RequestEnvelope } from "ask-sdk-model";
import { handleApi } from "../../src/routes/api/router.ts";
import { dispatchAlexaRequest } from "../../src/alexa-user/dispatch.ts";
import { clock, envelope, settle, skillEvent, userStub, type FakeApp } from "../alexa-user/fakes.ts";
import { send } from "../alexa-user/harness.ts";
import { runInDurableObject } from "cloudflare:test";
import type { ListSpace } from "../../src/space/list-space.ts";
import { personalSpaceId } from "../../src/space/space-id.ts";

/** A space's object with the test clock injected. */
export async function spaceStub(spaceId: string): Promise<DurableObjectStub<ListSpace>> {
  const stub = env.LIST_SPACES.getByName(spaceId);
  await runInDurableObject(stub, (o: ListSpace) => {
    o.now = () => clock.t;
    o.random = () => 0.5;
  });
  return stub;
}

/** Runs `fn` inside the personal space of `userId` (its skill store). */
export async function inPersonalSpace<T>(userId: string, fn: (o: ListSpace) => T): Promise<T> {
  return runInDurableObject(await spaceStub(await personalSpaceId(userId)), fn);
}

/** Waits for a space's background sends. */
export async function settleSpace(spaceId: string): Promise<void> {
  await runInDurableObject(env.LIST_SPACES.getByName(spaceId), (o: ListSpace) => o.idle());
}

export const API_TOKEN = "test-api-token-1";

/** A slot as Alexa sends it; `id` adds a successful entity resolution. */
export function slot(name: string, value: string | undefined, id?: string): Record<string, unknown> {
  if (value === undefined) return { name, confirmationStatus: "NONE" };
  return {
    name,
    value,
    confirmationStatus: "NONE",
    ...(id
      ? { resolutions: { resolutionsPerAuthority: [{ authority: "amzn1.er-authority.echo-sdk.test.LIST_NAME", status: { code: "ER_SUCCESS_MATCH" }, values: [{ value: { name: value, id } }] }] } }
      : {}),
  };
}

export interface Turn {
  status: number;
  body: { version?: string; sessionAttributes?: Record<string, unknown>; response?: { outputSpeech?: { type: string; ssml?: string }; reprompt?: unknown; shouldEndSession?: boolean; card?: { type: string; title?: string; content?: string } } };
  /** The SSML of the answer, `""` when it says nothing. */
  ssml: string;
}

/** A person's conversation: each `say` carries the previous answer's session attributes. */
export class Conversation {
  #attributes: Record<string, unknown> = {};
  #new = true;
  readonly sessionId = `amzn1.echo-api.session.${crypto.randomUUID()}`;

  constructor(
    readonly userId: string,
    readonly locale = "en-US",
  ) {}

  /** An IntentRequest; slots as `{name: value}` or full slot objects from {@link slot}. */
  intent(name: string, slots: Record<string, string | Record<string, unknown>> = {}): Promise<Turn> {
    const full: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(slots)) full[k] = typeof v === "string" ? slot(k, v) : v;
    return this.#send({ type: "IntentRequest", intent: { name, confirmationStatus: "NONE", slots: full } });
  }

  launch(): Promise<Turn> {
    return this.#send({ type: "LaunchRequest" });
  }

  ended(reason = "USER_INITIATED"): Promise<Turn> {
    return this.#send({ type: "SessionEndedRequest", reason });
  }

  async #send(request: Record<string, unknown>): Promise<Turn> {
    const e = envelope(this.userId, { ...request, locale: this.locale }) as unknown as Record<string, unknown>;
    e.session = {
      new: this.#new,
      sessionId: this.sessionId,
      application: { applicationId: "amzn1.ask.skill.test-skill" },
      user: { userId: this.userId },
      attributes: this.#attributes,
    };
    const res = await dispatchAlexaRequest(env, e as unknown as RequestEnvelope);
    const body = (await res.json()) as Turn["body"];
    this.#new = false;
    this.#attributes = body.sessionAttributes ?? {};
    if (body.response?.shouldEndSession !== false) {
      this.#new = true;
      this.#attributes = {};
    }
    return { status: res.status, body, ssml: body.response?.outputSpeech?.ssml ?? "" };
  }
}

/** A user who enabled the skill (known to the object), on the test clock. */
export async function enabledUser(userId: string): Promise<void> {
  await userStub(userId);
  const r = await send(skillEvent(userId, "SkillEnabled"));
  if (r.status !== 200) throw new Error(`SkillEnabled: ${r.status}`);
  await settle(env.ALEXA_USER.getByName(userId));
  await spaceStub(await personalSpaceId(userId));
}

/** A REST call to the router with the test token. */
export async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await handleApi(
    new Request(`https://bridge.test${path}`, {
      method,
      headers: { authorization: `Bearer ${API_TOKEN}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
    env,
  );
  const text = await res.text();
  return { status: res.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** `/v1/users/{userId}` + `rest`. */
export function userPath(userId: string, rest: string): string {
  return `/v1/users/${encodeURIComponent(userId)}${rest}`;
}

interface HeldItem {
  id: string;
  value: string;
  status: string;
  version: number;
  appItemId: string | null;
}
interface HeldList {
  listId: string;
  name: string;
  defaultKind: string | null;
  items: HeldItem[];
}

/** The user's lists as the REST API shows them. */
export async function lists(userId: string): Promise<HeldList[]> {
  const r = await api("GET", userPath(userId, "/lists"));
  if (r.status !== 200) throw new Error(`GET lists: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.lists as HeldList[];
}

/** The values on one list (`shopping`, `todo` or a name). */
export async function values(userId: string, list: string, status?: "active" | "completed"): Promise<string[]> {
  const all = await lists(userId);
  const l = all.find((x) => x.defaultKind === list || x.name === list);
  if (!l) throw new Error(`no list ${list}`);
  return l.items.filter((i) => status === undefined || i.status === status).map((i) => i.value);
}

/** Webhooks the app accepted for `userId` (after the object's background sends). */
export async function hooks(app: FakeApp, userId: string, type?: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
  await settle(env.ALEXA_USER.getByName(userId));
  const spaceId = await personalSpaceId(userId);
  await settleSpace(spaceId);
  return app.accepted().filter((b) => (b.userId === userId || b.spaceId === spaceId) && (type === undefined || b.type === type));
}

export { clock };
