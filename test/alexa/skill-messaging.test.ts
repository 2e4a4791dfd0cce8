import { describe, expect, it } from "vitest";
import { sendSkillMessage, SkillMessagingError, type SkillMessagingErrorCode } from "../../src/alexa/skill-messaging.ts";
import { fakeFetch, jsonResponse, type Responder } from "../util/fake-fetch.ts";

const USER = "amzn1.ask.account.AF/x+y=";

function send(r: Responder | null, extra: { expiresAfterSeconds?: number; apiEndpoint?: string; data?: unknown } = {}) {
  const ff = fakeFetch(...(r === null ? [] : [r]));
  const p = sendSkillMessage({
    fetch: ff.fetch,
    apiEndpoint: extra.apiEndpoint ?? "https://api.eu.amazonalexa.com",
    userId: USER,
    accessToken: "Atc|lwa",
    data: "data" in extra ? extra.data : { alb: 1, opId: "op_1", op: { kind: "sync" } },
    timeoutMs: 50,
    now: () => Date.UTC(2024, 0, 1, 12, 0, 0),
    ...(extra.expiresAfterSeconds === undefined ? {} : { expiresAfterSeconds: extra.expiresAfterSeconds }),
  });
  return { p, calls: ff.calls };
}

async function errorOf(p: Promise<unknown>): Promise<SkillMessagingError> {
  const e = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SkillMessagingError);
  return e as SkillMessagingError;
}

describe("sendSkillMessage", () => {
  it("POSTs {data, expiresAfterSeconds} with the bearer token to the encoded user path; 202 resolves", async () => {
    const { p, calls } = send(new Response(null, { status: 202 }));
    await expect(p).resolves.toBeUndefined();
    const c = calls[0]!;
    expect(c.method).toBe("POST");
    expect(c.url).toBe(`https://api.eu.amazonalexa.com/v1/skillmessages/users/${encodeURIComponent(USER)}`);
    expect(c.url).toContain("AF%2Fx%2By%3D");
    expect(c.headers.authorization).toBe("Bearer Atc|lwa");
    expect(c.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(c.body!)).toEqual({ data: { alb: 1, opId: "op_1", op: { kind: "sync" } }, expiresAfterSeconds: 3600 });
  });

  it("sends the given expiry and tolerates a trailing slash on the endpoint", async () => {
    const { p, calls } = send(new Response(null, { status: 202 }), { expiresAfterSeconds: 86_400, apiEndpoint: "https://api.fe.amazonalexa.com/" });
    await p;
    expect(calls[0]!.url.startsWith("https://api.fe.amazonalexa.com/v1/skillmessages/users/")).toBe(true);
    expect(JSON.parse(calls[0]!.body!).expiresAfterSeconds).toBe(86_400);
  });

  it("rejects an expiry outside 1..86400 with RangeError, before any request", async () => {
    for (const bad of [0, -1, 86_401, 1.5, Number.NaN]) {
      const { p, calls } = send(null, { expiresAfterSeconds: bad });
      await expect(p, String(bad)).rejects.toBeInstanceOf(RangeError);
      expect(calls).toHaveLength(0);
    }
    const { p } = send(new Response(null, { status: 202 }), { expiresAfterSeconds: 1 });
    await expect(p).resolves.toBeUndefined();
  });

  it("rejects a bad endpoint with TypeError, before any request", async () => {
    const { p, calls } = send(null, { apiEndpoint: "javascript:alert(1)" });
    await expect(p).rejects.toBeInstanceOf(TypeError);
    expect(calls).toHaveLength(0);
  });

  const cases: [number, SkillMessagingErrorCode, boolean][] = [
    [400, "BAD_REQUEST", false],
    [401, "UNAUTHORIZED", false],
    [403, "FORBIDDEN", false],
    [404, "NOT_FOUND", false],
    [413, "BAD_REQUEST", false],
    [429, "RATE_LIMITED", true],
    [500, "SERVER_ERROR", true],
    [503, "SERVER_ERROR", true],
  ];
  for (const [status, code, retryable] of cases) {
    it(`${status} → ${code} with Amazon's message as reason`, async () => {
      const e = await errorOf(send(jsonResponse({ message: `Amazon says ${status}` }, status)).p);
      expect({ code: e.code, status: e.status, retryable: e.retryable, reason: e.reason }).toEqual({
        code,
        status,
        retryable,
        reason: `Amazon says ${status}`,
      });
      expect(e.message).toContain(`Amazon says ${status}`);
    });
  }

  it("429 carries Retry-After in seconds; 503 with an HTTP-date", async () => {
    expect((await errorOf(send(jsonResponse({}, 429, { "retry-after": "3" })).p)).retryAfterMs).toBe(3000);
    const dated = new Response("busy", { status: 503, headers: { "retry-after": "Mon, 01 Jan 2024 12:01:00 GMT" } });
    const e = await errorOf(send(dated).p);
    expect(e).toMatchObject({ code: "SERVER_ERROR", retryAfterMs: 60_000, reason: "busy" });
  });

  it("a non-JSON error body still yields a readable reason", async () => {
    expect((await errorOf(send(new Response("", { status: 500 })).p)).reason).toBe("HTTP 500");
    expect((await errorOf(send(new Response("<html><body>502</body></html>", { status: 502 })).p)).reason).toBe("HTTP 502");
  });

  it("timeout → TIMEOUT and network throw → NETWORK, retryable, without status", async () => {
    const t = await errorOf(send("hang").p);
    expect(t).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(t.status).toBeUndefined();
    const n = await errorOf(send(new TypeError("Network connection lost.")).p);
    expect(n).toMatchObject({ code: "NETWORK", retryable: true, reason: "Network connection lost." });
  });
});
