// Issue 11, point 4: no redirect is ever followed (Amazon calls and webhooks);
// a 3xx is a failed try; outside development/test the app URL must be https.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { apiCall } from "../../../src/alexa/api-call.ts";
import { createListApi, ListApiError } from "../../../src/alexa/list-api.ts";
import { LwaError, requestLwaToken } from "../../../src/alexa/lwa.ts";
import { sendSkillMessage, SkillMessagingError } from "../../../src/alexa/skill-messaging.ts";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { INSECURE_URL_ERROR, migrateWebhookQueue, WebhookQueue, WEBHOOK_RETRY_WINDOW_MS, type WebhookConfig } from "../../../src/shared/webhook-queue.ts";
import { APP_SECRET, newUserId, T0 } from "../fakes.ts";

/** A fetch that answers a redirect and records each init. */
function redirecting(status = 302) {
  const inits: RequestInit[] = [];
  const f: typeof fetch = async (_input, init) => {
    inits.push(init ?? {});
    return new Response(null, { status, headers: { location: "https://elsewhere.example/steal" } });
  };
  return { f, inits };
}

describe("Amazon calls do not follow redirects", () => {
  it("apiCall asks for redirect: manual and reports a 3xx as a failed try", async () => {
    for (const status of [301, 302, 307, 308]) {
      const { f, inits } = redirecting(status);
      const out = await apiCall(f, "https://api.amazonalexa.com/x", { method: "GET" }, 1000);
      expect(out.kind).toBe("network");
      expect(inits[0]!.redirect).toBe("manual");
    }
  });

  it("List API, Skill Messaging and LWA: a redirect is a retryable failure", async () => {
    const { f } = redirecting();
    const api = createListApi({ fetch: f, apiEndpoint: "https://api.amazonalexa.com", accessToken: "t" });
    const e1 = await api.getListsMetadata().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ListApiError);
    expect((e1 as ListApiError).retryable).toBe(true);

    const e2 = await sendSkillMessage({ fetch: f, apiEndpoint: "https://api.amazonalexa.com", userId: "u", accessToken: "t", data: { a: "1" } }).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(SkillMessagingError);
    expect((e2 as SkillMessagingError).code).toBe("NETWORK");

    const e3 = await requestLwaToken({ fetch: f, clientId: "c", clientSecret: "s" }).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(LwaError);
    expect((e3 as LwaError).code).toBe("NETWORK");
  });
});

describe("webhooks", () => {
  async function withQueue<T>(config: WebhookConfig, fetchFn: typeof fetch, body: (q: WebhookQueue, t: { now: number }) => Promise<T>): Promise<T> {
    const stub = env.ALEXA_USER.getByName(newUserId("redirect-queue"));
    return runInDurableObject(stub, async (_i: AlexaUser, state) => {
      migrateWebhookQueue(state.storage.sql);
      state.storage.sql.exec("DELETE FROM webhook_queue");
      const t = { now: T0 };
      const q = new WebhookQueue({ sql: state.storage.sql, userId: () => "u", now: () => t.now, random: () => 0.5, config, fetch: fetchFn });
      return body(q, t);
    });
  }

  it("are POSTed with redirect: manual; a 3xx is a failed try (retried, not delivered)", async () => {
    const { f, inits } = redirecting(307);
    await withQueue({ url: "https://app.test/webhooks/alexa", secret: APP_SECRET }, f, async (q) => {
      q.enqueue("alexa.user.enabled", {});
      const next = await q.drain();
      expect(inits).toHaveLength(1);
      expect(inits[0]!.redirect).toBe("manual");
      expect(next).not.toBeNull();
      expect(q.list()).toMatchObject([{ attempts: 1, lastError: "HTTP 307", deadAt: null }]);
    });
  });

  it("outside development and test an http APP_WEBHOOK_URL is refused: queued, not sent, logged once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const f = vi.fn<typeof fetch>(async () => new Response(null, { status: 204 }));
    await withQueue({ url: "http://app.test/webhooks/alexa", secret: APP_SECRET, allowHttp: false }, f, async (q, t) => {
      q.enqueue("alexa.user.enabled", {});
      q.enqueue("alexa.user.enabled", {});
      expect(q.configured).toBe(false);
      await q.drain();
      await q.drain();
      expect(f).not.toHaveBeenCalled();
      expect(q.pendingCount()).toBe(2);
      expect(warn.mock.calls.filter(([l]) => String(l).includes("not https"))).toHaveLength(1);
      t.now = T0 + WEBHOOK_RETRY_WINDOW_MS;
      vi.spyOn(console, "error").mockImplementation(() => {});
      await q.drain();
      expect(q.list().map((w) => w.lastError)).toEqual([INSECURE_URL_ERROR, INSECURE_URL_ERROR]);
    });
    warn.mockRestore();
  });

  it("in development or test an http URL is sent to (the local fake app)", async () => {
    const f = vi.fn<typeof fetch>(async () => new Response(null, { status: 204 }));
    await withQueue({ url: "http://127.0.0.1:8791/webhooks", secret: APP_SECRET, allowHttp: true }, f, async (q) => {
      q.enqueue("alexa.user.enabled", {});
      await q.drain();
      expect(f).toHaveBeenCalledTimes(1);
      expect(q.pendingCount()).toBe(0);
    });
  });
});

describe("the subrequest limit (docs/limits.md)", () => {
  it("a fetch refused for too many subrequests is a failed try, logged with the plan requirement", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const f: typeof fetch = async () => {
      throw new Error("Too many subrequests.");
    };
    const out = await apiCall(f, "https://api.amazonalexa.com/v2/householdlists/", { method: "GET" }, 1000);
    expect(out.kind).toBe("network");
    expect(errors.mock.calls.some(([l]) => String(l).includes("Workers Free: 50"))).toBe(true);
  });
});
