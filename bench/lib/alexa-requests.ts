/**
 * @module bench/lib/alexa-requests
 * Alexa request envelopes for the benchmarks, shaped like the real ones
 * (context, System, apiEndpoint, apiAccessToken, …) so that body sizes and
 * JSON parse costs are realistic (~1.3 KB), plus a helper that signs them the
 * way Alexa does with the test PKI's leaf key.
 */
import { signBody } from "../../emulator/pki.ts";

export const BENCH_SKILL_ID = "amzn1.ask.skill.bench-0000-0000-0000-000000000000";
export const CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem";

/** A request as it arrives: headers and raw body. */
export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

interface Common {
  userId: string;
  requestId: string;
  /** ISO 8601; default: now. */
  timestamp?: string;
  /** Where the skill should call the Alexa APIs (a local stub in benchmarks). */
  apiEndpoint: string;
  apiAccessToken?: string;
}

function context(c: Common): unknown {
  return {
    System: {
      application: { applicationId: BENCH_SKILL_ID },
      user: { userId: c.userId, permissions: { consentToken: c.apiAccessToken ?? "Atc|bench-token" } },
      apiEndpoint: c.apiEndpoint,
      apiAccessToken: c.apiAccessToken ?? "Atc|bench-token",
    },
  };
}

/**
 * `AlexaSkillEvent.SkillAccountLinked` with the app's access token (links the user to the token's `sub`).
 * @example skillAccountLinked({ userId, requestId, apiEndpoint }, jwt)
 */
export function skillAccountLinked(c: Common, accessToken: string): string {
  const now = c.timestamp ?? new Date().toISOString();
  return JSON.stringify({
    version: "1.0",
    context: context(c),
    request: { type: "AlexaSkillEvent.SkillAccountLinked", requestId: c.requestId, timestamp: now, eventCreationTime: now, eventPublishingTime: now, body: { accessToken } },
  });
}

/**
 * `Messaging.MessageReceived` carrying `message` as `request.message`.
 * @example messageReceived({ userId, requestId, apiEndpoint }, encodeBridgeMessage({ opId: "op1", op: { kind: "sync" } }))
 */
export function messageReceived(c: Common, message: unknown): string {
  return JSON.stringify({
    version: "1.0",
    context: context(c),
    request: {
      type: "Messaging.MessageReceived",
      requestId: c.requestId,
      timestamp: c.timestamp ?? new Date().toISOString(),
      message,
    },
  });
}

/**
 * `AlexaHouseholdListEvent.ItemsCreated` for one list and some item ids.
 * @example listItemsCreated({ userId, requestId, apiEndpoint }, "bGlzdC1UQVNL", ["item-1"])
 */
export function listItemsCreated(c: Common, listId: string, listItemIds: string[]): string {
  const now = c.timestamp ?? new Date().toISOString();
  return JSON.stringify({
    version: "1.0",
    context: context(c),
    request: {
      type: "AlexaHouseholdListEvent.ItemsCreated",
      requestId: c.requestId,
      timestamp: now,
      eventCreationTime: now,
      eventPublishingTime: now,
      body: { listId, listItemIds },
    },
  });
}

/**
 * `AlexaSkillEvent.SkillEnabled`: makes the user known to the bridge.
 * @example skillEnabled({ userId, requestId, apiEndpoint })
 */
export function skillEnabled(c: Common): string {
  const now = c.timestamp ?? new Date().toISOString();
  return JSON.stringify({
    version: "1.0",
    context: context(c),
    request: {
      type: "AlexaSkillEvent.SkillEnabled",
      requestId: c.requestId,
      timestamp: now,
      eventCreationTime: now,
      eventPublishingTime: now,
    },
  });
}

/** A slot as Alexa sends it: with `id`, a successful entity resolution (LIST_NAME), as for "shopping" or "to-do". */
function slotOf(name: string, value: string | undefined, id?: string): Record<string, unknown> {
  if (value === undefined) return { name, confirmationStatus: "NONE" };
  const resolutions = id
    ? {
        resolutions: {
          resolutionsPerAuthority: [
            {
              authority: `amzn1.er-authority.echo-sdk.${BENCH_SKILL_ID}.LIST_NAME`,
              status: { code: "ER_SUCCESS_MATCH" },
              values: [{ value: { name: value, id } }],
            },
          ],
        },
      }
    : {};
  return { name, value, ...resolutions, confirmationStatus: "NONE", source: "USER", slotValue: { type: "Simple", value, ...resolutions } };
}

/**
 * An `IntentRequest` as the emulator (emulator/voice.ts) and Alexa send it:
 * a one-shot request ("ask list helper to …"), so a new session without
 * attributes, every slot the intent declares present, filled or not, and a
 * device in `context.System`. `slots`: value, or `[value, resolved id]`.
 * @example intentRequest({ userId, requestId, apiEndpoint }, "AddItemsIntent", { items: "milk", list: ["shopping", "shopping"] })
 */
export function intentRequest(c: Common, intent: string, slots: Record<string, string | [string, string] | undefined>, locale = "en-US"): string {
  const filled: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(slots)) filled[name] = Array.isArray(v) ? slotOf(name, v[0], v[1]) : slotOf(name, v);
  const ctx = context(c) as { System: Record<string, unknown> };
  ctx.System.device = { deviceId: `amzn1.ask.device.BENCH${c.userId.slice(-8)}`, supportedInterfaces: {} };
  return JSON.stringify({
    version: "1.0",
    session: {
      new: true,
      sessionId: `amzn1.echo-api.session.${c.requestId}`,
      application: { applicationId: BENCH_SKILL_ID },
      attributes: {},
      user: ctx.System.user,
    },
    context: ctx,
    request: {
      type: "IntentRequest",
      requestId: c.requestId,
      timestamp: c.timestamp ?? new Date().toISOString(),
      locale,
      intent: { name: intent, confirmationStatus: "NONE", slots: filled },
    },
  });
}

/**
 * Signs `body` with the leaf key (header `Signature-256`) for `certUrl`.
 * @example const req = await sign(pki.leafKey, body);
 */
export async function sign(leafKey: CryptoKey, body: string, certUrl = CERT_URL): Promise<SignedRequest> {
  return {
    headers: {
      "content-type": "application/json",
      SignatureCertChainUrl: certUrl,
      "Signature-256": await signBody(leafKey, body),
    },
    body,
  };
}
