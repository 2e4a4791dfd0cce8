// Issue 11, point 2: only Amazon's region endpoints (plus the configured one
// in development/test) are used with a user's tokens.
import { runInDurableObject } from "cloudflare:test";
import type { RequestEnvelope } from "ask-sdk-model";
import { describe, expect, it, vi } from "vitest";
import { allowedApiEndpoint, apiEndpointFor } from "../../../src/alexa/endpoints.ts";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { listEvent, newUserId, settle, SHOPPING, skillEvent, userStub } from "../fakes.ts";
import { ACK, send, useFakes } from "../harness.ts";

const { household } = useFakes();

function withEndpoint(e: RequestEnvelope, apiEndpoint: string): RequestEnvelope {
  (e.context.System as { apiEndpoint: string }).apiEndpoint = apiEndpoint;
  return e;
}

describe("allowedApiEndpoint", () => {
  const prod = { ENVIRONMENT: "production", ALEXA_API_ENDPOINT: "https://alexa.local.test" };
  const dev = { ENVIRONMENT: "development", ALEXA_API_ENDPOINT: "http://127.0.0.1:8790" };

  it("accepts Amazon's three regions (a trailing slash is normalised)", () => {
    expect(allowedApiEndpoint("https://api.amazonalexa.com", prod)).toBe("https://api.amazonalexa.com");
    expect(allowedApiEndpoint("https://api.eu.amazonalexa.com/", prod)).toBe("https://api.eu.amazonalexa.com");
    expect(allowedApiEndpoint("https://api.fe.amazonalexa.com", prod)).toBe("https://api.fe.amazonalexa.com");
  });

  it("refuses anything else, look-alikes, paths, credentials and http", () => {
    for (const bad of [
      "https://evil.example",
      "https://api.amazonalexa.com.evil.example",
      "https://api.amazonalexa.com/v2/x",
      "https://user:pw@api.amazonalexa.com",
      "http://api.amazonalexa.com",
      "https://api.amazonalexa.com:8443",
      "not a url",
      "",
    ]) {
      expect(allowedApiEndpoint(bad, prod), bad).toBeNull();
    }
  });

  it("the configured ALEXA_API_ENDPOINT counts only in development or test", () => {
    expect(allowedApiEndpoint("https://alexa.local.test", prod)).toBeNull();
    expect(allowedApiEndpoint("https://alexa.local.test", { ...prod, ENVIRONMENT: "test" })).toBe("https://alexa.local.test");
    expect(allowedApiEndpoint("http://127.0.0.1:8790", dev)).toBe("http://127.0.0.1:8790");
    expect(apiEndpointFor(prod, "https://evil.example", null)).toBe("https://api.amazonalexa.com");
    expect(apiEndpointFor(dev, null, null)).toBe("http://127.0.0.1:8790");
    expect(apiEndpointFor(prod, "https://evil.example", "https://api.eu.amazonalexa.com")).toBe("https://api.eu.amazonalexa.com");
  });
});

describe("the user's object", () => {
  it("ignores a foreign apiEndpoint: keeps the last good one and calls only Amazon", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const user = newUserId("endpoint");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    const item = household.addItem(SHOPPING, "milk");
    const fetches = vi.spyOn(globalThis, "fetch");

    const e = withEndpoint(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: [item.id] }), "https://evil.example");
    expect(await send(e)).toEqual(ACK);
    await settle(stub);

    expect(await runInDurableObject(stub, (i: AlexaUser) => i.profile.get()?.apiEndpoint)).toBe("https://api.amazonalexa.com");
    const urls = fetches.mock.calls.map(([input]) => new Request(input).url);
    expect(urls.some((u) => u.startsWith("https://evil.example"))).toBe(false);
    expect(household.calls.map((c) => c.method)).toEqual(["GET"]);
    expect(warn.mock.calls.some(([line]) => String(line).includes("is not an Alexa API endpoint"))).toBe(true);
  });
});
