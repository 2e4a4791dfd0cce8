import { describe, expect, it } from "vitest";
import { amazonErrorMessage, apiCall, joinEndpoint } from "../../src/alexa/api-call.ts";
import { fakeFetch, jsonResponse } from "../util/fake-fetch.ts";

describe("apiCall", () => {
  it("returns status, headers, text and parsed JSON", async () => {
    const ff = fakeFetch(jsonResponse({ a: 1 }, 201, { "retry-after": "3" }));
    const out = await apiCall(ff.fetch, "https://x.test/p", { method: "POST", body: "{}" }, 1000);
    expect(out).toMatchObject({ kind: "response", status: 201, text: '{"a":1}', json: { a: 1 } });
    expect(out.kind === "response" && out.headers.get("retry-after")).toBe("3");
    expect(ff.calls[0]).toMatchObject({ method: "POST", url: "https://x.test/p", body: "{}" });
  });

  it("leaves json undefined for an empty or non-JSON body", async () => {
    const ff = fakeFetch(new Response(null, { status: 204 }), new Response("<html>", { status: 502 }));
    expect(await apiCall(ff.fetch, "https://x.test/", {}, 1000)).toMatchObject({ status: 204, json: undefined, text: "" });
    expect(await apiCall(ff.fetch, "https://x.test/", {}, 1000)).toMatchObject({ status: 502, json: undefined, text: "<html>" });
  });

  it("turns a timeout and a network failure into outcomes, never throwing", async () => {
    const ff = fakeFetch("hang", new TypeError("connection refused"));
    expect(await apiCall(ff.fetch, "https://x.test/", {}, 20)).toEqual({ kind: "timeout", timeoutMs: 20 });
    expect(await apiCall(ff.fetch, "https://x.test/", {}, 1000)).toEqual({ kind: "network", message: "connection refused" });
  });
});

describe("amazonErrorMessage", () => {
  it("prefers message, then Message, error_description, error", () => {
    expect(amazonErrorMessage({ type: "T", message: "m" }, "", 400)).toBe("m");
    expect(amazonErrorMessage({ Message: "M" }, "", 403)).toBe("M");
    expect(amazonErrorMessage({ error: "invalid_client", error_description: "d" }, "", 400)).toBe("d");
    expect(amazonErrorMessage({ error: "invalid_client" }, "", 400)).toBe("invalid_client");
  });

  it("falls back to plain text, but not HTML, then to the status", () => {
    expect(amazonErrorMessage(undefined, "  Service Unavailable \n", 503)).toBe("Service Unavailable");
    expect(amazonErrorMessage(undefined, "<html>…</html>", 502)).toBe("HTTP 502");
    expect(amazonErrorMessage({ message: "" }, "", 500)).toBe("HTTP 500");
  });

  it("truncates long messages", () => {
    const m = amazonErrorMessage({ message: "x".repeat(5000) }, "", 400);
    expect(m.length).toBeLessThanOrEqual(301);
    expect(m.endsWith("…")).toBe(true);
  });
});

describe("joinEndpoint", () => {
  it("joins with or without trailing slashes, keeping a path prefix", () => {
    expect(joinEndpoint("https://api.amazonalexa.com", "/v2/x")).toBe("https://api.amazonalexa.com/v2/x");
    expect(joinEndpoint("https://api.amazonalexa.com//", "/v2/x")).toBe("https://api.amazonalexa.com/v2/x");
    expect(joinEndpoint("http://127.0.0.1:8787/fake", "/v2/x")).toBe("http://127.0.0.1:8787/fake/v2/x");
  });

  it("rejects non-URLs and non-http(s) schemes with TypeError", () => {
    for (const bad of ["", "api.amazonalexa.com", "file:///etc/passwd", "data:text/plain,x"]) {
      expect(() => joinEndpoint(bad, "/v2/x"), bad).toThrow(TypeError);
    }
  });
});
