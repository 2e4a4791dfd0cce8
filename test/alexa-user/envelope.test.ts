import { describe, expect, it } from "vitest";
import { readEnvelope, readRequestType, readUserId } from "../../src/alexa-user/envelope.ts";

const base = {
  version: "1.0",
  context: { System: { user: { userId: "u1" }, apiEndpoint: "https://api.eu.amazonalexa.com", apiAccessToken: "tok" } },
  request: { type: "AlexaHouseholdListEvent.ItemsCreated", requestId: "r1", body: { listId: "L" } },
};

describe("readEnvelope", () => {
  it("reads the fields the object needs", () => {
    expect(readEnvelope(base)).toEqual({
      type: "AlexaHouseholdListEvent.ItemsCreated",
      requestId: "r1",
      userId: "u1",
      apiEndpoint: "https://api.eu.amazonalexa.com",
      apiAccessToken: "tok",
      body: { listId: "L" },
      message: undefined,
      at: null,
      voice: null,
    });
  });

  it("reads when the request happened: eventCreationTime, else timestamp (links are ordered by it)", () => {
    const at = (request: Record<string, unknown>) => (readEnvelope({ ...base, request: { ...base.request, ...request } }) as { at: number | null }).at;
    expect(at({ timestamp: "2031-01-01T12:00:00Z" })).toBe(Date.UTC(2031, 0, 1, 12));
    expect(at({ timestamp: "2031-01-01T12:00:00Z", eventCreationTime: "2031-01-01T11:00:00Z" })).toBe(Date.UTC(2031, 0, 1, 11));
    expect(at({ timestamp: "not a time" })).toBeNull();
  });

  it("ignores an endpoint that is not an https URL and an empty token", () => {
    const e = { ...base, context: { System: { user: { userId: "u1" }, apiEndpoint: "http://evil.test", apiAccessToken: "" } } };
    expect(readEnvelope(e)).toMatchObject({ apiEndpoint: null, apiAccessToken: null });
  });

  it("falls back to session.user.userId", () => {
    const e = { session: { user: { userId: "u2" } }, context: { System: {} }, request: base.request };
    expect(readUserId(e)).toBe("u2");
  });

  it("names what is missing", () => {
    expect(readEnvelope({})).toEqual({ error: "MISSING_REQUEST" });
    expect(readEnvelope({ ...base, request: { type: "X" } })).toEqual({ error: "MISSING_REQUEST_ID" });
    expect(readEnvelope({ ...base, context: {} })).toEqual({ error: "MISSING_USER_ID" });
    expect(readRequestType(null)).toBeNull();
  });
});
