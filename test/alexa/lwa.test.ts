import { describe, expect, it } from "vitest";
import { DEFAULT_LWA_TOKEN_URL, LwaError, requestLwaToken, type LwaErrorCode } from "../../src/alexa/lwa.ts";
import { fakeFetch, jsonResponse, type Responder } from "../util/fake-fetch.ts";

const CLIENT_ID = "amzn1.application-oa2-client.e8621d747d6742d4a7aff2bbc614fc0d";
// Characters that break an unencoded form body.
const SECRET = "s3cr+t/with&and=equals %";

function request(r: Responder, extra: { tokenUrl?: string; scope?: string } = {}) {
  const ff = fakeFetch(r);
  const p = requestLwaToken({
    fetch: ff.fetch,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    timeoutMs: 50,
    now: () => Date.UTC(2024, 0, 1, 12, 0, 0),
    ...extra,
  });
  return { p, calls: ff.calls };
}

async function errorOf(p: Promise<unknown>): Promise<LwaError> {
  const e = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LwaError);
  return e as LwaError;
}

const ok = () => jsonResponse({ access_token: "Atc|abc", scope: "alexa:skill_messaging", token_type: "bearer", expires_in: 3600 });

describe("requestLwaToken", () => {
  it("POSTs a fully URL-encoded client-credentials form to Amazon's token URL", async () => {
    const { p, calls } = request(ok());
    expect(await p).toEqual({ accessToken: "Atc|abc", expiresInSec: 3600 });
    expect(calls).toHaveLength(1);
    const c = calls[0]!;
    expect(c.method).toBe("POST");
    expect(c.url).toBe(DEFAULT_LWA_TOKEN_URL);
    expect(c.url).toBe("https://api.amazon.com/auth/o2/token");
    expect(c.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(c.headers.authorization).toBeUndefined();
    expect(c.body).toContain("client_secret=s3cr%2Bt%2Fwith%26and%3Dequals+%25");
    expect(c.body).toContain("scope=alexa%3Askill_messaging");
    expect(Object.fromEntries(new URLSearchParams(c.body!))).toEqual({
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_secret: SECRET,
      scope: "alexa:skill_messaging",
    });
  });

  it("uses the given token URL and scope", async () => {
    const { p, calls } = request(ok(), { tokenUrl: "http://127.0.0.1:9999/auth/o2/token", scope: "other:scope" });
    await p;
    expect(calls[0]!.url).toBe("http://127.0.0.1:9999/auth/o2/token");
    expect(new URLSearchParams(calls[0]!.body!).get("scope")).toBe("other:scope");
  });

  it("accepts a numeric-string expires_in", async () => {
    const { p } = request(jsonResponse({ access_token: "t", expires_in: "1800" }));
    expect(await p).toEqual({ accessToken: "t", expiresInSec: 1800 });
  });

  const cases: [Responder, LwaErrorCode, boolean, string][] = [
    [jsonResponse({ error: "invalid_client", error_description: "Client authentication failed" }, 401), "INVALID_CLIENT", false, "Client authentication failed"],
    [jsonResponse({ error: "invalid_client", error_description: "bad secret" }, 400), "INVALID_CLIENT", false, "bad secret"],
    [jsonResponse({ error: "unauthorized_client", error_description: "not allowed" }, 400), "INVALID_CLIENT", false, "not allowed"],
    [jsonResponse({ error: "invalid_scope", error_description: "unknown scope" }, 400), "BAD_REQUEST", false, "unknown scope"],
    [jsonResponse({ error: "access_denied" }, 403), "INVALID_CLIENT", false, "access_denied"],
    [jsonResponse({ error: "slow down" }, 429, { "retry-after": "10" }), "RATE_LIMITED", true, "slow down"],
    [new Response("Internal error", { status: 500 }), "SERVER_ERROR", true, "Internal error"],
    [new Response("", { status: 503, headers: { "retry-after": "Mon, 01 Jan 2024 12:00:20 GMT" } }), "SERVER_ERROR", true, "HTTP 503"],
  ];
  for (const [response, code, retryable, text] of cases) {
    it(`${(response as Response).status} ${text} → ${code}`, async () => {
      const status = (response as Response).status;
      const e = await errorOf(request(response).p);
      expect({ code: e.code, retryable: e.retryable, status: e.status }).toEqual({ code, retryable, status });
      expect(e.message).toContain(text);
      expect(e.message).not.toContain(SECRET);
    });
  }

  it("carries Retry-After as seconds or an HTTP-date", async () => {
    expect((await errorOf(request(jsonResponse({}, 429, { "retry-after": "10" })).p)).retryAfterMs).toBe(10_000);
    const dated = new Response("", { status: 503, headers: { "retry-after": "Mon, 01 Jan 2024 12:00:20 GMT" } });
    expect((await errorOf(request(dated).p)).retryAfterMs).toBe(20_000);
  });

  it("a timeout → TIMEOUT, a network throw → NETWORK, both retryable", async () => {
    expect(await errorOf(request("hang").p)).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(await errorOf(request(new TypeError("connection reset")).p)).toMatchObject({ code: "NETWORK", retryable: true });
  });

  const invalid: [string, Responder][] = [
    ["no access_token", jsonResponse({ token_type: "bearer", expires_in: 3600 })],
    ["empty access_token", jsonResponse({ access_token: "", expires_in: 3600 })],
    ["numeric access_token", jsonResponse({ access_token: 42, expires_in: 3600 })],
    ["no expires_in", jsonResponse({ access_token: "t" })],
    ["zero expires_in", jsonResponse({ access_token: "t", expires_in: 0 })],
    ["garbage expires_in", jsonResponse({ access_token: "t", expires_in: "soon" })],
    ["invalid JSON", new Response("<html>", { status: 200 })],
    ["a JSON array", jsonResponse([])],
  ];
  for (const [what, response] of invalid) {
    it(`a 200 with ${what} → INVALID_RESPONSE`, async () => {
      expect(await errorOf(request(response).p)).toMatchObject({ code: "INVALID_RESPONSE", retryable: false });
    });
  }
});
