import { describe, expect, it } from "vitest";
import { itemWords, listKey, listNameTaken, matchItem, matchList, sameItem } from "../../src/voice/match.ts";
import type { VoiceListSummary } from "../../src/voice/types.ts";

const v = (...values: string[]) => values.map((value) => ({ value }));

describe("sameItem", () => {
  it("ignores case, punctuation and articles", () => {
    expect(sameItem("the Milk", "milk", "en-US")).toBe(true);
    expect(sameItem("some oat-milk!", "Oat Milk", "en-GB")).toBe(true);
    expect(sameItem("mom's pills", "moms pills", "en-US")).toBe(true);
    expect(sameItem("die Milch", "Milch", "de-DE")).toBe(true);
    expect(sameItem("milk", "oat milk", "en-US")).toBe(false);
    expect(sameItem("", "", "en-US")).toBe(false);
  });

  it("ignores English singular/plural (pluralize), in either direction", () => {
    expect(sameItem("banana", "bananas", "en-US")).toBe(true);
    expect(sameItem("paper towel", "paper towels", "en-US")).toBe(true);
    expect(sameItem("cookie", "cookies", "en-US")).toBe(true);
    expect(sameItem("tomatoes", "tomato", "en-GB")).toBe(true);
    expect(sameItem("bread", "beard", "en-US")).toBe(false);
  });

  it("ignores German plural by the suffix rule", () => {
    expect(sameItem("Banane", "Bananen", "de-DE")).toBe(true);
    expect(sameItem("Brot", "Brote", "de-DE")).toBe(true);
    expect(sameItem("Ei", "Eier", "de-DE")).toBe(true);
    expect(sameItem("Apfel", "Äpfel", "de-DE")).toBe(true);
    expect(sameItem("Tee", "Tees", "de-DE")).toBe(true);
    expect(sameItem("Kartoffel", "Kartoffeln", "de-DE")).toBe(true);
    expect(sameItem("Keks", "Kekse", "de-DE")).toBe(true);
    // -s only after three letters: ice cream is not an egg.
    expect(sameItem("Ei", "Eis", "de-DE")).toBe(false);
    expect(sameItem("Milch", "Mehl", "de-DE")).toBe(false);
  });
});

describe("itemWords", () => {
  it("normalises to the compared words", () => {
    expect(itemWords("The Bananas!", "en-US")).toEqual(["bananas"]);
    expect(itemWords("to-do", "en-US")).toEqual(["to", "do"]);
  });
});

describe("matchItem", () => {
  it("an exact normalised match wins outright", () => {
    const items = v("oat milk", "Milk", "almond milk");
    expect(matchItem("milk", items, "en-US")).toEqual({ kind: "one", item: items[1], exact: true });
    expect(matchItem("the MILK", items, "en-US")).toEqual({ kind: "one", item: items[1], exact: true });
  });

  it("matches across singular and plural", () => {
    const items = v("bread", "Bananas");
    expect(matchItem("banana", items, "en-US")).toEqual({ kind: "one", item: items[1], exact: true });
    const de = v("Brot", "Bananen");
    expect(matchItem("eine Banane", de, "de-DE")).toEqual({ kind: "one", item: de[1], exact: true });
  });

  it("finds a near miss as a single weak candidate", () => {
    const items = v("bread", "bananas", "coffee");
    expect(matchItem("bananna", items, "en-US")).toEqual({ kind: "one", item: items[1], exact: false });
    expect(matchItem("brad", items, "en-US")).toEqual({ kind: "one", item: items[0], exact: false });
  });

  it("two or more close candidates are ambiguous", () => {
    const items = v("oat milk", "almond milk", "bread");
    expect(matchItem("milk", items, "en-US")).toEqual({ kind: "ambiguous", items: [items[0], items[1]], exact: false });
    const de = v("Hafermilch", "Mandelmilch", "Brot");
    expect(matchItem("Milch", de, "de-DE")).toEqual({ kind: "ambiguous", items: [de[0], de[1]], exact: false });
  });

  it("offers at most three candidates", () => {
    const items = v("oat milk", "almond milk", "soy milk", "rice milk", "goat milk");
    const m = matchItem("milk", items, "en-US");
    expect(m.kind).toBe("ambiguous");
    if (m.kind === "ambiguous") expect(m.items).toHaveLength(3);
  });

  it("nothing close is none", () => {
    expect(matchItem("screwdriver", v("milk", "bread"), "en-US")).toEqual({ kind: "none" });
    expect(matchItem("milk", [], "en-US")).toEqual({ kind: "none" });
    expect(matchItem("the", v("milk"), "en-US")).toEqual({ kind: "none" });
  });

  it("a match inside a word does not count in English", () => {
    expect(matchItem("tea", v("steak"), "en-US")).toEqual({ kind: "none" });
    const items = v("steak", "green tea");
    expect(matchItem("tea", items, "en-US")).toEqual({ kind: "one", item: items[1], exact: false });
  });

  it("exact matches in several groups are ambiguous, within one group the first wins", () => {
    const items = [
      { value: "milk", list: "S" },
      { value: "Milk", list: "S" },
      { value: "milk", list: "H" },
    ];
    expect(matchItem("milk", items, "en-US", { groupOf: (i) => i.list })).toEqual({
      kind: "ambiguous",
      items: [items[0], items[2]],
      exact: true,
    });
    expect(matchItem("milk", items.slice(0, 2), "en-US", { groupOf: (i) => i.list })).toEqual({
      kind: "one",
      item: items[0],
      exact: true,
    });
  });
});

const lists: VoiceListSummary[] = [
  { id: "S", name: "Shopping list", defaultKind: "shopping", active: 0, completed: 0 },
  { id: "T", name: "To-do list", defaultKind: "todo", active: 0, completed: 0 },
  { id: "H", name: "Hardware store", defaultKind: null, active: 0, completed: 0 },
  { id: "G", name: "Garden", defaultKind: null, active: 0, completed: 0 },
];
const deLists: VoiceListSummary[] = [
  { id: "S", name: "Einkaufsliste", defaultKind: "shopping", active: 0, completed: 0 },
  { id: "T", name: "To-do-Liste", defaultKind: "todo", active: 0, completed: 0 },
  { id: "B", name: "Baumarkt", defaultKind: null, active: 0, completed: 0 },
];

describe("listKey", () => {
  it("strips possessives and the list suffix", () => {
    expect(listKey("my Hardware Store list", "en-US")).toBe("hardware store");
    expect(listKey("to-do list", "en-GB")).toBe("to do");
    expect(listKey("meine Einkaufsliste", "de-DE")).toBe("einkaufs");
    expect(listKey("Baumarkt Liste", "de-DE")).toBe("baumarkt");
    expect(listKey("Baumarktliste", "de-DE")).toBe("baumarkt");
    expect(listKey("list", "en-US")).toBe("list");
  });
});

describe("matchList", () => {
  it("takes the entity-resolved id first", () => {
    expect(matchList({ value: "groceries", resolvedId: "shopping" }, lists, "en-US")?.id).toBe("S");
    expect(matchList({ value: "whatever", resolvedId: "todo" }, lists, "en-US")?.id).toBe("T");
    expect(matchList({ value: "x", resolvedId: "G" }, lists, "en-US")?.id).toBe("G");
  });

  it("then the default lists' synonyms", () => {
    expect(matchList("grocery list", lists, "en-US")?.id).toBe("S");
    expect(matchList("my to do list", lists, "en-GB")?.id).toBe("T");
    expect(matchList("tasks", lists, "en-US")?.id).toBe("T");
    expect(matchList("Einkaufszettel", deLists, "de-DE")?.id).toBe("S");
    expect(matchList("meine Aufgabenliste", deLists, "de-DE")?.id).toBe("T");
  });

  it("then custom names, with the list suffix stripped and near misses", () => {
    expect(matchList("hardware store list", lists, "en-US")?.id).toBe("H");
    expect(matchList("my hardware list", lists, "en-US")?.id).toBe("H");
    expect(matchList("gardn", lists, "en-US")?.id).toBe("G");
    expect(matchList("Baumarktliste", deLists, "de-DE")?.id).toBe("B");
    expect(matchList("die Baumarkt Liste", deLists, "de-DE")?.id).toBe("B");
  });

  it("nothing close is null", () => {
    expect(matchList("bakery", lists, "en-US")).toBeNull();
    expect(matchList("", lists, "en-US")).toBeNull();
    expect(matchList({ value: "bakery", resolvedId: "nope" }, lists, "en-US")).toBeNull();
  });
});

describe("listNameTaken", () => {
  it("knows existing names and default list synonyms", () => {
    expect(listNameTaken("hardware store", lists, "en-US")).toBe(true);
    expect(listNameTaken("Groceries", lists, "en-US")).toBe(true);
    expect(listNameTaken("Baumarktliste", deLists, "de-DE")).toBe(true);
    expect(listNameTaken("bakery", lists, "en-US")).toBe(false);
  });
});
