import { describe, expect, it } from "vitest";
import { AmazonApiError, TRANSIENT_AMAZON_ERROR_CODES } from "../../src/alexa/amazon-error.ts";
import { ListApiError } from "../../src/alexa/list-api.ts";
import { LwaError } from "../../src/alexa/lwa.ts";
import { SkillMessagingError } from "../../src/alexa/skill-messaging.ts";

class StrictError extends AmazonApiError<"BUSY" | "RATE_LIMITED"> {
  override readonly name = "StrictError";
  constructor(code: "BUSY" | "RATE_LIMITED", message: string) {
    super(code, message, {}, new Set(["BUSY"]));
  }
}

describe("AmazonApiError", () => {
  it("the three clients' errors share it and keep their own names", () => {
    const errors = [
      new ListApiError("CONFLICT", "PUT item: 409"),
      new LwaError("INVALID_CLIENT", "LWA token request: 401"),
      new SkillMessagingError("FORBIDDEN", "no permission", { status: 403 }),
    ];
    expect(errors.map((e) => [e instanceof AmazonApiError, e instanceof Error, e.name, String(e).split(":")[0]])).toEqual([
      [true, true, "ListApiError", "ListApiError"],
      [true, true, "LwaError", "LwaError"],
      [true, true, "SkillMessagingError", "SkillMessagingError"],
    ]);
    expect(errors[0]).not.toBeInstanceOf(LwaError);
  });

  it("retryable exactly for the transient codes, whichever client", () => {
    for (const code of ["RATE_LIMITED", "SERVER_ERROR", "TIMEOUT", "NETWORK"] as const) {
      expect(TRANSIENT_AMAZON_ERROR_CODES.has(code)).toBe(true);
      expect([new ListApiError(code, "x"), new LwaError(code, "x"), new SkillMessagingError(code, "x")].map((e) => e.retryable)).toEqual([
        true,
        true,
        true,
      ]);
    }
    expect(new ListApiError("NOT_FOUND", "x").retryable).toBe(false);
    expect(new LwaError("INVALID_CLIENT", "x").retryable).toBe(false);
    expect(new SkillMessagingError("UNAUTHORIZED", "x").retryable).toBe(false);
  });

  it("carries status and Retry-After only when given", () => {
    const limited = new ListApiError("RATE_LIMITED", "slow down", { status: 429, retryAfterMs: 2000 });
    expect({ code: limited.code, status: limited.status, retryAfterMs: limited.retryAfterMs, message: limited.message }).toEqual({
      code: "RATE_LIMITED",
      status: 429,
      retryAfterMs: 2000,
      message: "slow down",
    });
    const timeout = new LwaError("TIMEOUT", "no answer");
    expect([timeout.status, timeout.retryAfterMs]).toEqual([undefined, undefined]);
  });

  it("a subclass with its own retryable set overrides the default", () => {
    expect(new StrictError("BUSY", "x").retryable).toBe(true);
    expect(new StrictError("RATE_LIMITED", "x").retryable).toBe(false);
  });
});
