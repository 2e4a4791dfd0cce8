// Which list an add goes to when the list is said without the word "list":
// the end of the item text names a list the person has, exactly.
import { describe, expect, it } from "vitest";
import { knownList, listAtEnd } from "../../src/voice/dialogue/target.ts";
import { standardLists } from "./fakes.ts";

const en = standardLists("en-US", [], [], [{ id: "H", name: "Hardware store" }, { id: "M", name: "Mom" }]).lists();
const de = standardLists("de-DE", [], [], [{ id: "B", name: "Baumarkt" }]).lists();

describe("listAtEnd", () => {
  it("takes 'to / on / onto <list>' at the end, with or without 'my', 'the' and 'list'", () => {
    expect(listAtEnd("screws to hardware store", en, "en-US")).toMatchObject({ text: "screws", list: { id: "H" } });
    expect(listAtEnd("nails on the hardware store list", en, "en-US")).toMatchObject({ text: "nails", list: { id: "H" } });
    expect(listAtEnd("glue onto my Hardware Store", en, "en-US")).toMatchObject({ text: "glue", list: { id: "H" } });
    expect(listAtEnd("call dad to to do", en, "en-US")).toMatchObject({ text: "call dad", list: { id: "T" } });
    expect(listAtEnd("bread to groceries", en, "en-GB")).toMatchObject({ text: "bread", list: { id: "S" } });
    expect(listAtEnd("Schrauben zu Baumarkt", de, "de-DE")).toMatchObject({ text: "Schrauben", list: { id: "B" } });
    expect(listAtEnd("Leim auf die Baumarkt-Liste", de, "de-DE")).toMatchObject({ text: "Leim", list: { id: "B" } });
  });

  it("leaves the text alone when its end names no list exactly, or nothing comes before", () => {
    expect(listAtEnd("a card to dad", en, "en-US")).toBeNull();
    expect(listAtEnd("screws to hardware", en, "en-US")).toBeNull();
    expect(listAtEnd("to hardware store", en, "en-US")).toBeNull();
    expect(listAtEnd("milk", en, "en-US")).toBeNull();
    expect(listAtEnd("Schrauben für Baumarkt", de, "de-DE")).toBeNull();
    // A list called Mom is a list like any other.
    expect(listAtEnd("a card to mom", en, "en-US")).toMatchObject({ text: "a card", list: { id: "M" } });
  });

  it("knownList: a default list by any of its names", () => {
    expect(knownList("my shopping list", en, "en-US")?.id).toBe("S");
    expect(knownList("die Einkaufsliste", de, "de-DE")?.id).toBe("S");
    expect(knownList("garden", en, "en-US")).toBeNull();
  });
});
