// System.ExceptionEncountered is logged by its error type and the request it
// is about, never its message (issue 23, point 5): Alexa's message can quote
// the answer's SSML, and with it the person's item values.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { dispatchAlexaRequest, exceptionSummary } from "../../src/alexa-user/dispatch.ts";
import { envelope, newUserId } from "./fakes.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

const SECRET_ITEM = "pregnancy test";

describe("System.ExceptionEncountered in the log", () => {
  it("logs the error type and the cause's request id, and no item text", async () => {
    const logged: unknown[][] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args));
    }
    const res = await dispatchAlexaRequest(
      env,
      envelope(newUserId("exception"), {
        type: "System.ExceptionEncountered",
        error: { type: "INVALID_RESPONSE", message: `An exception occurred while dispatching the request: <speak>Added ${SECRET_ITEM} to your shopping list.</speak>` },
        cause: { requestId: "amzn1.echo-api.request.1234-abcd" },
      }),
    );
    expect(res.status).toBe(200);
    const text = logged.map((args) => args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")).join("\n");
    expect(text).toContain("INVALID_RESPONSE");
    expect(text).toContain("amzn1.echo-api.request.1234-abcd");
    expect(text).not.toContain(SECRET_ITEM);
    expect(text).not.toContain("<speak>");
  });

  it("a type or id that is not a plain token is not logged either", () => {
    expect(exceptionSummary({ error: { type: `<speak>${SECRET_ITEM}</speak>` }, cause: { requestId: `id ${SECRET_ITEM}` } })).toBe("error.type=(none) cause.requestId=(none)");
    expect(exceptionSummary(undefined)).toBe("error.type=(none) cause.requestId=(none)");
  });
});
