/**
 * Test helpers for the outbound side: a fake Amazon (Login-with-Amazon token
 * endpoint + Skill Messaging API) behind an injected `fetch`, and a webhook
 * port that records what was queued.
 */
import type { WebhookPort } from "../../../src/shared/ports.ts";
import type { BridgeMessageData } from "../../../src/protocol/bridge-message.ts";

export const TOKEN_URL = "https://lwa.test/auth/o2/token";

export interface SentMessage {
  url: string;
  userId: string;
  token: string;
  data: BridgeMessageData;
  expiresAfterSeconds: number;
}

/** How the fake Skill Messaging API answers one send: a status and headers. */
export type SendReply = { status: number; headers?: Record<string, string>; body?: unknown };

export interface FakeAmazon {
  fetch: typeof fetch;
  /** Token requests seen. */
  tokenRequests: number;
  /** Accepted (2xx) sends, in order. */
  sent: SentMessage[];
  /** Every send attempt, accepted or not. */
  attempts: SentMessage[];
  /** Decides each send's answer (default 202). */
  reply: (msg: SentMessage, attempt: number) => SendReply;
  /** Delay (ms) before the token endpoint answers, to make concurrent callers overlap. */
  tokenDelayMs: number;
}

/**
 * A fake Amazon. Tokens are `tok-1`, `tok-2`, … in order of issue.
 * @example const amazon = fakeAmazon(); amazon.reply = () => ({ status: 429, headers: { "retry-after": "120" } });
 */
export function fakeAmazon(): FakeAmazon {
  const state: FakeAmazon = {
    fetch: undefined as unknown as typeof fetch,
    tokenRequests: 0,
    sent: [],
    attempts: [],
    reply: () => ({ status: 202 }),
    tokenDelayMs: 0,
  };
  state.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    if (req.url === TOKEN_URL) {
      state.tokenRequests++;
      const n = state.tokenRequests;
      if (state.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, state.tokenDelayMs));
      return Response.json({ access_token: `tok-${n}`, token_type: "bearer", expires_in: 3600, scope: "alexa:skill_messaging" });
    }
    const m = /^\/v1\/skillmessages\/users\/([^/]+)$/.exec(url.pathname);
    if (m && req.method === "POST") {
      const body = (await req.json()) as { data: BridgeMessageData; expiresAfterSeconds: number };
      // Amazon's reference gives `data` as string key/value pairs: refuse anything else.
      if (Object.values(body.data).some((value) => typeof value !== "string")) {
        return Response.json({ message: "data values must be strings" }, { status: 400 });
      }
      const msg: SentMessage = {
        url: req.url,
        userId: decodeURIComponent(m[1]!),
        token: (req.headers.get("authorization") ?? "").replace(/^Bearer /, ""),
        data: body.data,
        expiresAfterSeconds: body.expiresAfterSeconds,
      };
      state.attempts.push(msg);
      const r = state.reply(msg, state.attempts.length);
      if (r.status >= 200 && r.status < 300) state.sent.push(msg);
      return new Response(r.body === undefined ? null : JSON.stringify(r.body), {
        status: r.status,
        headers: { "content-type": "application/json", ...(r.headers ?? {}) },
      });
    }
    throw new Error(`fake amazon: unexpected ${req.method} ${req.url}`);
  }) as typeof fetch;
  return state;
}

export interface RecordedWebhook {
  type: string;
  data: Record<string, unknown>;
}

/** A WebhookPort that records. @example const hooks = recordingWebhooks(); hooks.port.enqueue("x", {}); */
export function recordingWebhooks(): { port: WebhookPort; queued: RecordedWebhook[] } {
  const queued: RecordedWebhook[] = [];
  return { port: { enqueue: (type, data) => queued.push({ type, data: data as Record<string, unknown> }) }, queued };
}
