/** The replay window, as a pure function. */
import { describe, expect, it } from "vitest";
import { AlexaVerificationError } from "../../src/verifier/errors.ts";
import { checkTimestamp, isRedeliveredEvent } from "../../src/verifier/timestamp.ts";

const NOW = Date.parse("2031-03-10T12:00:00Z");
const at = (sec: number): string => new Date(NOW + sec * 1000).toISOString();
const ok = (request: { type?: unknown; timestamp?: unknown }): boolean => {
  try {
    checkTimestamp(request, NOW, 150, 3600);
    return true;
  } catch (e) {
    expect(e).toBeInstanceOf(AlexaVerificationError);
    expect((e as AlexaVerificationError).code).toBe("TIMESTAMP_OUT_OF_RANGE");
    return false;
  }
};

describe("checkTimestamp", () => {
  it("interactive: ±150 s inclusive", () => {
    expect([-151, -150, -149, 0, 149, 150, 151].map((s) => ok({ type: "IntentRequest", timestamp: at(s) }))).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it("events: 3600 s back, 150 s forward", () => {
    const type = "AlexaHouseholdListEvent.ItemsDeleted";
    expect([-3601, -3600, -3599, 150, 151].map((s) => ok({ type, timestamp: at(s) }))).toEqual([false, true, true, true, false]);
  });

  it("a missing or non-string type is interactive", () => {
    expect(ok({ timestamp: at(-200) })).toBe(false);
    expect(ok({ type: 42, timestamp: at(-200) })).toBe(false);
  });

  it("an event tolerance smaller than the interactive one does not shrink it", () => {
    expect(() => checkTimestamp({ type: "AlexaSkillEvent.SkillEnabled", timestamp: at(-100) }, NOW, 150, 10)).not.toThrow();
  });
});

describe("isRedeliveredEvent", () => {
  it.each([
    ["AlexaSkillEvent.SkillDisabled", true],
    ["AlexaSkillEvent.SkillPermissionChanged", true],
    ["AlexaHouseholdListEvent.ListCreated", true],
    ["Messaging.MessageReceived", true],
    ["LaunchRequest", false],
    ["SessionEndedRequest", false],
    ["Messaging.Other", false],
    ["alexaskillevent.SkillEnabled", false],
    ["XAlexaSkillEvent.SkillEnabled", false],
  ])("%s -> %s", (type, expected) => {
    expect(isRedeliveredEvent(type)).toBe(expected);
  });
});
