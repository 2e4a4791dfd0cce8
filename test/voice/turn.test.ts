import { describe, expect, it } from "vitest";
import { readTurn, sessionAttributes } from "../../src/voice/turn.ts";

const er = (id: string) => ({
  resolutionsPerAuthority: [
    { authority: "amzn1.er-authority.echo-sdk.x.LIST_NAME", status: { code: "ER_SUCCESS_MATCH" }, values: [{ value: { name: "shopping", id } }] },
  ],
});

describe("readTurn", () => {
  it("reads a LaunchRequest with the session attributes", () => {
    expect(readTurn({ type: "LaunchRequest" }, { new: true, attributes: { a: 1 } }, "en-GB")).toEqual({
      kind: "launch",
      locale: "en-GB",
      session: { a: 1 },
    });
  });

  it("reads an IntentRequest's slot values and entity-resolution ids", () => {
    const request = {
      type: "IntentRequest",
      locale: "de-DE",
      intent: {
        name: "AddItemsIntent",
        confirmationStatus: "NONE",
        slots: {
          items: { name: "items", value: "Milch Eier und Brot", confirmationStatus: "NONE" },
          list: { name: "list", value: "Einkaufszettel", resolutions: er("shopping") },
        },
      },
    };
    expect(readTurn(request, { new: false }, "de-DE")).toEqual({
      kind: "intent",
      locale: "de-DE",
      intent: "AddItemsIntent",
      slots: {
        items: { value: "Milch Eier und Brot", resolvedId: null },
        list: { value: "Einkaufszettel", resolvedId: "shopping" },
      },
      session: {},
    });
  });

  it("ignores unmatched resolutions and takes the first successful authority", () => {
    const slot = (resolutions: unknown) => ({
      type: "IntentRequest",
      intent: { name: "ReadListIntent", slots: { list: { name: "list", value: "garden", resolutions } } },
    });
    const noMatch = { resolutionsPerAuthority: [{ status: { code: "ER_SUCCESS_NO_MATCH" } }] };
    expect(readTurn(slot(noMatch), {}, "en-US")).toMatchObject({ slots: { list: { value: "garden", resolvedId: null } } });
    const second = {
      resolutionsPerAuthority: [{ status: { code: "ER_SUCCESS_NO_MATCH" } }, ...er("todo").resolutionsPerAuthority],
    };
    expect(readTurn(slot(second), {}, "en-US")).toMatchObject({ slots: { list: { resolvedId: "todo" } } });
  });

  it("leaves out empty slots and reads multiple-value slots as a comma list", () => {
    const request = {
      type: "IntentRequest",
      intent: {
        name: "AddItemsIntent",
        slots: {
          items: { name: "items", slotValue: { type: "List", values: [{ type: "Simple", value: "milk" }, { type: "Simple", value: "eggs" }] } },
          list: { name: "list", confirmationStatus: "NONE" },
          other: { name: "other", value: "   " },
        },
      },
    };
    expect(readTurn(request, undefined, "en-US")).toMatchObject({ slots: { items: { value: "milk, eggs", resolvedId: null } } });
    expect(Object.keys((readTurn(request, undefined, "en-US") as { slots: object }).slots)).toEqual(["items"]);
  });

  it("reads a SessionEndedRequest's reason", () => {
    expect(readTurn({ type: "SessionEndedRequest", reason: "USER_INITIATED" }, {}, "en-US")).toEqual({
      kind: "ended",
      locale: "en-US",
      reason: "USER_INITIATED",
    });
    expect(readTurn({ type: "SessionEndedRequest" }, {}, "en-US")).toMatchObject({ reason: null });
  });

  it("maps the locale like localeOf", () => {
    expect(readTurn({ type: "LaunchRequest" }, {}, "en-AU").locale).toBe("en-US");
    expect(readTurn({ type: "LaunchRequest" }, {}, "de-AT").locale).toBe("de-DE");
    expect(readTurn({ type: "LaunchRequest" }, {}, 42).locale).toBe("en-US");
    expect(readTurn({ type: "LaunchRequest", locale: "de-DE" }, {}, undefined).locale).toBe("de-DE");
  });

  it("never throws: unknown shapes become a fallback intent", () => {
    const fallback = { kind: "intent", intent: "AMAZON.FallbackIntent", slots: {} };
    for (const request of [null, undefined, 42, "x", [], {}, { type: "CanFulfillIntentRequest" }, { type: "IntentRequest" },
      { type: "IntentRequest", intent: { name: 7 } }, { type: "IntentRequest", intent: [] }]) {
      expect(readTurn(request, "junk", "en-US")).toMatchObject(fallback);
    }
    // Junk inside slots is skipped, not fatal.
    const junk = { type: "IntentRequest", intent: { name: "RemoveItemIntent", slots: { a: null, b: 5, c: { value: 3 }, item: { value: "milk", resolutions: { resolutionsPerAuthority: [null, { status: null }, { status: { code: "ER_SUCCESS_MATCH" }, values: "x" }] } } } } };
    expect(readTurn(junk, null, "en-US")).toMatchObject({ intent: "RemoveItemIntent", slots: { item: { value: "milk", resolvedId: null } } });
  });
});

describe("sessionAttributes", () => {
  it("is the attributes object, or empty", () => {
    expect(sessionAttributes({ attributes: { listId: "L1" } })).toEqual({ listId: "L1" });
    expect(sessionAttributes({ attributes: [1] })).toEqual({});
    expect(sessionAttributes({})).toEqual({});
    expect(sessionAttributes(null)).toEqual({});
  });
});
