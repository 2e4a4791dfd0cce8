// The voice layer's bounds (issue 23, point 2): a turn's work no longer grows
// with the square of what was said. Slot values are capped and answered
// with a short sentence, splitting is iterative (a 40 KB "milk milk …" used to
// overflow the stack) and stops at a list's worth of items, and fuzzy matching
// is bounded, while every match below the bounds stays what it was.
import { describe, expect, it } from "vitest";
import { converse } from "../../src/voice/dialogue/index.ts";
import { LOCALES } from "../../src/voice/intents.ts";
import { FUZZY_MAX_ITEMS, FUZZY_MAX_WORDS, matchItem, sameAs } from "../../src/voice/match.ts";
import { speechFor } from "../../src/voice/speech/index.ts";
import { splitItems } from "../../src/voice/split.ts";
import { MAX_SLOT_LENGTH, readTurn } from "../../src/voice/turn.ts";
import { LIMITS } from "../../src/voice/types.ts";
import { intentTurn, standardLists } from "./fakes.ts";

const milks = (bytes: number): string => "milk ".repeat(Math.ceil(bytes / 5)).trim();

function addRequest(items: string): unknown {
  return { type: "IntentRequest", requestId: "r", locale: "en-US", intent: { name: "AddItemsIntent", confirmationStatus: "NONE", slots: { items: { name: "items", value: items, confirmationStatus: "NONE" } } } };
}

describe("a 40 KB 'milk milk …'", () => {
  it("splits without overflowing the stack (iteratively), into one milk", () => {
    expect(splitItems(milks(40 * 1024), "en-US")).toEqual(["milk"]);
    expect(splitItems(`${milks(40 * 1024)} and eggs`, "en-US", ["milk"])).toEqual(["milk", "eggs"]);
  });

  it("as a spoken slot: a short, clear answer and no change, in every locale", () => {
    for (const locale of LOCALES) {
      const turn = readTurn(addRequest(milks(40 * 1024)), { new: true }, locale);
      const reply = converse(turn, standardLists(locale));
      expect(reply.change).toBeNull();
      expect(reply.speech).toBe(speechFor(locale).tooMuchAtOnce);
      expect(reply.speech.length).toBeLessThan(120);
    }
  });
});

describe(`slot values are capped at MAX_SLOT_LENGTH (${MAX_SLOT_LENGTH})`, () => {
  it("a value of MAX_SLOT_LENGTH is taken; one character more is answered, not read", () => {
    const atCap = `${"x".repeat(MAX_SLOT_LENGTH - 5)} milk`;
    expect(atCap).toHaveLength(MAX_SLOT_LENGTH);
    expect(readTurn(addRequest(atCap), {}, "en-US")).toMatchObject({ slots: { items: { value: atCap, resolvedId: null } } });
    const over = readTurn(addRequest(`${atCap}s`), {}, "en-US");
    expect(over).toMatchObject({ slots: { items: { value: "", resolvedId: null, tooLong: true } } });
    expect(converse(over, standardLists("en-US")).speech).toBe(speechFor("en-US").tooMuchAtOnce);
  });

  it("an open question stays open after a too-long answer", () => {
    const lists = standardLists("en-US", ["oat milk", "almond milk"]);
    const asked = converse(intentTurn("RemoveItemIntent", { item: "milk" }), lists);
    expect(asked.reprompt).not.toBeNull();
    const turn = readTurn(
      { type: "IntentRequest", intent: { name: "AnswerItemIntent", slots: { item: { name: "item", value: "oat ".repeat(200) } } } },
      { attributes: asked.session },
      "en-US",
    );
    const reply = converse(turn, lists);
    expect(reply).toMatchObject({ change: null, speech: speechFor("en-US").tooMuchAtOnce });
    expect(reply.reprompt).not.toBeNull();
    expect(reply.session).toMatchObject({ pending: { kind: "choose" } });
  });
});

describe("splitting stops at a list's worth of items", () => {
  it("splitItems takes at most `max` items, the first said", () => {
    const said = Array.from({ length: 20 }, (_, k) => `thing ${k}`).join(", ");
    expect(splitItems(said, "en-US", [], 3)).toEqual(["thing 0", "thing 1", "thing 2"]);
    expect(splitItems(said, "en-US")).toHaveLength(20);
  });

  it(`adding more new items than the list has room for is the list-full answer (${LIMITS.maxItemsPerList} items)`, () => {
    const lists = standardLists("en-US", Array.from({ length: LIMITS.maxItemsPerList - 2 }, (_, k) => `item ${k}`));
    const reply = converse(intentTurn("AddItemsIntent", { items: "milk, eggs, bread, butter" }), lists);
    expect(reply.change).toBeNull();
    expect(reply.speech).toBe(speechFor("en-US").listFull({ kind: "shopping", name: "Shopping list" }, LIMITS.maxItemsPerList, 2));
    // What is already there does not count against the room.
    const fits = converse(intentTurn("AddItemsIntent", { items: "item 1, item 2, milk, eggs" }), lists);
    expect(fits.change).toEqual({ kind: "add", listId: "S", values: ["milk", "eggs"] });
  });
});

describe("bounded fuzzy matching", () => {
  const filler = (n: number) => Array.from({ length: n }, (_, k) => ({ value: `zz${k} qq${k}` }));

  it(`a spoken name of more than FUZZY_MAX_WORDS (${FUZZY_MAX_WORDS}) words matches exactly or not at all`, () => {
    expect(FUZZY_MAX_WORDS).toBe(8);
    const ws = "red apples green pears ripe plums fresh figs sweet dates".split(" ");
    // 9 words said: the 10-word item only exactly (an unbounded search found it fuzzily).
    expect(matchItem(ws.slice(0, 9).join(" "), [{ value: ws.join(" ") }], "en-US")).toEqual({ kind: "none" });
    expect(matchItem(ws.join(" "), [{ value: ws.join(" ") }], "en-US")).toMatchObject({ kind: "one", exact: true });
    // 8 words said: fuzzy as before.
    expect(matchItem(ws.slice(0, 8).join(" "), [{ value: ws.slice(0, 9).join(" ") }], "en-US")).toMatchObject({ kind: "one", exact: false });
  });

  it(`among more than FUZZY_MAX_ITEMS (${FUZZY_MAX_ITEMS}) items a near miss still finds its item, and exact matches all of theirs`, () => {
    const pool = [...filler(FUZZY_MAX_ITEMS * 4), { value: "oat milk" }, ...filler(FUZZY_MAX_ITEMS)];
    expect(matchItem("oat mil", pool, "en-US")).toEqual({ kind: "one", item: { value: "oat milk" }, exact: false });
    expect(matchItem("the Oat Milks", pool, "en-US")).toEqual({ kind: "one", item: { value: "oat milk" }, exact: true });
  });

  it("the quick test before normalising loses no match: case, plurals, apostrophes, umlauts, irregular plurals", () => {
    const cases: [string, string, "en-US" | "de-DE"][] = [
      ["strawberry", "Strawberries", "en-US"],
      ["STRAWBERRIES", "the strawberry", "en-US"],
      ["moms pills", "Mom's pills", "en-US"],
      ["mice", "a mouse", "en-US"],
      ["people", "person", "en-US"],
      ["Apfel", "Äpfel", "de-DE"],
      ["Eier", "Ei", "de-DE"],
      ["Kartoffeln", "KARTOFFEL", "de-DE"],
      ["Strasse", "Straße", "de-DE"],
      ["café", "Cafés", "en-US"],
    ];
    for (const [spoken, value, locale] of cases) {
      expect(sameAs(spoken, locale)(value), `${spoken} / ${value}`).toBe(true);
      expect(matchItem(spoken, [...filler(FUZZY_MAX_ITEMS + 1), { value }], locale), `${spoken} / ${value}`).toMatchObject({ kind: "one", item: { value }, exact: true });
    }
    expect(sameAs("milk", "en-US")("oat milk")).toBe(false);
    expect(sameAs("", "en-US")("milk")).toBe(false);
  });
});
