import { describe, expect, it } from "vitest";
import { interactiveResponse } from "../../src/skill/responses.ts";

const intent = (name: string) => interactiveResponse({ type: "IntentRequest", intent: { name } });

describe("interactiveResponse", () => {
  it("LaunchRequest welcomes and keeps the session open with a reprompt", () => {
    const r = interactiveResponse({ type: "LaunchRequest" });
    expect(r.version).toBe("1.0");
    expect(r.response.shouldEndSession).toBe(false);
    expect(r.response.outputSpeech).toMatchObject({ type: "PlainText", text: expect.stringContaining("in sync") });
    expect(r.response.reprompt?.outputSpeech).toMatchObject({ type: "PlainText" });
  });

  it("HelpIntent explains and keeps the session open", () => {
    const r = intent("AMAZON.HelpIntent");
    expect(r.response.shouldEndSession).toBe(false);
    expect(r.response.outputSpeech).toMatchObject({ text: expect.stringContaining("stop") });
  });

  it.each(["AMAZON.StopIntent", "AMAZON.CancelIntent"])("%s says goodbye and ends the session", (name) => {
    const r = intent(name);
    expect(r.response).toEqual({ outputSpeech: { type: "PlainText", text: "Goodbye." }, shouldEndSession: true });
  });

  it("NavigateHomeIntent ends the session silently", () => {
    expect(intent("AMAZON.NavigateHomeIntent")).toEqual({ version: "1.0", response: { shouldEndSession: true } });
  });

  it.each(["AMAZON.FallbackIntent", "SomethingNewIntent"])("%s gets the fallback and a reprompt", (name) => {
    const r = intent(name);
    expect(r.response.shouldEndSession).toBe(false);
    expect(r.response.outputSpeech).toMatchObject({ text: expect.stringContaining("can't help") });
  });

  it("an IntentRequest without an intent gets the fallback", () => {
    expect(interactiveResponse({ type: "IntentRequest" }).response.outputSpeech).toMatchObject({ text: expect.stringContaining("can't help") });
  });

  it("SessionEndedRequest gets an empty response (no speech allowed)", () => {
    expect(interactiveResponse({ type: "SessionEndedRequest" })).toEqual({ version: "1.0", response: {} });
  });
});
