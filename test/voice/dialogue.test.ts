import { describe, expect, it } from "vitest";
import { converse, errorReply } from "../../src/voice/dialogue/index.ts";
import { LOCALES, type Locale } from "../../src/voice/intents.ts";
import { speechFor } from "../../src/voice/speech/index.ts";
import type { StoreErrorCode, UndoableChange, VoiceReply } from "../../src/voice/types.ts";
import { FakeLists, intentTurn, standardLists } from "./fakes.ts";

/** Checks every reply: reprompt non-null exactly when the session stays open; speech is well-formed SSML. */
function invariants(r: VoiceReply): void {
  if (r.reprompt === null) expect(r.session).toEqual({});
  else expect(r.reprompt.length).toBeGreaterThan(0);
  expect(r.speech).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)|<|>/);
}

function chat(lists: FakeLists, locale: Locale, session: Record<string, unknown> = {}) {
  let current = session;
  return {
    launch(): VoiceReply {
      const r = converse({ kind: "launch", locale, session: current }, lists);
      invariants(r);
      current = r.session;
      return r;
    },
    say(intent: string, slots: Record<string, string | { value: string; resolvedId: string | null }> = {}): VoiceReply {
      const r = converse(intentTurn(intent, slots, current, locale), lists);
      invariants(r);
      if (r.change) lists.apply(r.change);
      current = r.session;
      return r;
    },
    get session() {
      return current;
    },
  };
}

/** Per-locale words and the replies the tests check verbatim. */
const L = {
  "en-US": {
    milk: "milk", eggs: "eggs", bread: "bread", oat: "oat milk", almond: "almond milk", bananas: "bananas", banana: "the banana",
    spoken: "milk eggs and bread", hardware: "Hardware store", hardwareSaid: "hardware store list", nowhere: "screwdriver",
    added: "Added milk, eggs and bread to your shopping list.",
    addedSome: "Added eggs and bread to your shopping list. Milk was already on it.",
    allThere: "Milk was already on your shopping list.",
    putBack: "Milk was checked off; I put it back on your shopping list.",
    putBackTwo: "Milk and eggs were checked off; I put them back on your shopping list.",
    putBackSomeAlready: "Milk was checked off; I put it back on your shopping list. Eggs were already on it.",
    addedPutBackAlready: "Added bread to your shopping list. Milk was checked off; I put it back. Eggs were already on it.",
    undoPutBack: "Undone: milk is checked off again.",
    undoAddedPutBack: "Undone: I took bread off your shopping list again, and milk is checked off again.",
    which: "Oat milk or almond milk?",
    removedOat: "Removed oat milk from your shopping list.",
    checked: "Checked off bread on your shopping list.",
    already: "Eggs are already checked off on your shopping list.",
    unchecked: "Eggs are back on your shopping list.",
    notChecked: "Bread isn't checked off on your shopping list.",
    notFound: "I couldn't find screwdriver on any of your lists.",
    notFoundOn: "I couldn't find screwdriver on your to-do list.",
    didYouMean: "Did you mean almond milk?",
    cleared: "Cleared 3 checked-off items from your shopping list.",
    nothingToClear: "There's nothing checked off on your shopping list.",
    goodbye: "Goodbye!",
    anythingElse: "Anything else?",
    more: "and 12 more",
    sayMore: "Say more to hear the rest.",
    empty: "Your shopping list is empty.",
    lists: "You have 3 lists: shopping, to-do and Hardware store.",
    created: "Created your pharmacy list.",
    newList: "pharmacy",
    undoAdd: "Undone: I took milk and eggs off your shopping list again.",
    nothingToUndo: "There's nothing to undo.",
    unknownList: "I couldn't find a list called garden. Your lists are: shopping, to-do and Hardware store.",
    twoLists: "Milk on your shopping list or milk on your Hardware store list?",
    second: "the second one",
  },
  "en-GB": {
    milk: "milk", eggs: "eggs", bread: "bread", oat: "oat milk", almond: "almond milk", bananas: "bananas", banana: "the banana",
    spoken: "milk eggs and bread", hardware: "Hardware store", hardwareSaid: "hardware store list", nowhere: "screwdriver",
    added: "Added milk, eggs and bread to your shopping list.",
    addedSome: "Added eggs and bread to your shopping list. Milk was already on it.",
    allThere: "Milk was already on your shopping list.",
    putBack: "Milk was ticked off; I put it back on your shopping list.",
    putBackTwo: "Milk and eggs were ticked off; I put them back on your shopping list.",
    putBackSomeAlready: "Milk was ticked off; I put it back on your shopping list. Eggs were already on it.",
    addedPutBackAlready: "Added bread to your shopping list. Milk was ticked off; I put it back. Eggs were already on it.",
    undoPutBack: "Undone: milk is ticked off again.",
    undoAddedPutBack: "Undone: I took bread off your shopping list again, and milk is ticked off again.",
    which: "Oat milk or almond milk?",
    removedOat: "Removed oat milk from your shopping list.",
    checked: "Ticked off bread on your shopping list.",
    already: "Eggs are already ticked off on your shopping list.",
    unchecked: "Eggs are back on your shopping list.",
    notChecked: "Bread isn't ticked off on your shopping list.",
    notFound: "I couldn't find screwdriver on any of your lists.",
    notFoundOn: "I couldn't find screwdriver on your to-do list.",
    didYouMean: "Did you mean almond milk?",
    cleared: "Cleared 3 ticked-off items from your shopping list.",
    nothingToClear: "There's nothing ticked off on your shopping list.",
    goodbye: "Cheers, bye!",
    anythingElse: "Anything else?",
    more: "and 12 more",
    sayMore: "Say more to hear the rest.",
    empty: "Your shopping list is empty.",
    lists: "You have 3 lists: shopping, to-do and Hardware store.",
    created: "Created your pharmacy list.",
    newList: "pharmacy",
    undoAdd: "Undone: I took milk and eggs off your shopping list again.",
    nothingToUndo: "There's nothing to undo.",
    unknownList: "I couldn't find a list called garden. Your lists are: shopping, to-do and Hardware store.",
    twoLists: "Milk on your shopping list or milk on your Hardware store list?",
    second: "the second one",
  },
  "de-DE": {
    milk: "Milch", eggs: "Eier", bread: "Brot", oat: "Hafermilch", almond: "Mandelmilch", bananas: "Bananen", banana: "die Banane",
    spoken: "Milch Eier und Brot", hardware: "Baumarkt", hardwareSaid: "Baumarktliste", nowhere: "Schraubenzieher",
    added: "Ich habe Milch, Eier und Brot auf deine Einkaufsliste gesetzt.",
    addedSome: "Ich habe Eier und Brot auf deine Einkaufsliste gesetzt. Milch hattest du schon drauf.",
    allThere: "Milch hattest du schon auf deiner Einkaufsliste.",
    putBack: "Milch hattest du auf deiner Einkaufsliste abgehakt; ich habe den Haken entfernt.",
    putBackTwo: "Milch und Eier hattest du auf deiner Einkaufsliste abgehakt; ich habe die Haken entfernt.",
    putBackSomeAlready: "Milch hattest du auf deiner Einkaufsliste abgehakt; ich habe den Haken entfernt. Eier hattest du schon drauf.",
    addedPutBackAlready: "Ich habe Brot auf deine Einkaufsliste gesetzt. Milch hattest du abgehakt; ich habe den Haken entfernt. Eier hattest du schon drauf.",
    undoPutBack: "Rückgängig gemacht: Ich habe Milch auf deiner Einkaufsliste wieder abgehakt.",
    undoAddedPutBack: "Rückgängig gemacht: Ich habe Brot wieder von deiner Einkaufsliste genommen und Milch wieder abgehakt.",
    which: "Hafermilch oder Mandelmilch?",
    removedOat: "Ich habe Hafermilch von deiner Einkaufsliste entfernt.",
    checked: "Ich habe Brot auf deiner Einkaufsliste abgehakt.",
    already: "Eier hast du auf deiner Einkaufsliste schon abgehakt.",
    unchecked: "Ich habe den Haken bei Eier auf deiner Einkaufsliste entfernt.",
    notChecked: "Brot hast du auf deiner Einkaufsliste noch nicht abgehakt.",
    notFound: "Ich habe Schraubenzieher auf keiner deiner Listen gefunden.",
    notFoundOn: "Ich habe Schraubenzieher nicht auf deiner To-do-Liste gefunden.",
    didYouMean: "Meinst du Mandelmilch?",
    cleared: "Ich habe 3 abgehakte Einträge von deiner Einkaufsliste gelöscht.",
    nothingToClear: "Auf deiner Einkaufsliste ist nichts abgehakt.",
    goodbye: "Tschüss!",
    anythingElse: "Noch etwas?",
    more: "und 12 weitere",
    sayMore: "Sag mehr, um den Rest zu hören.",
    empty: "Deine Einkaufsliste ist leer.",
    lists: "Du hast 3 Listen: Einkaufsliste, To-do-Liste und Baumarkt.",
    created: "Ich habe die Liste Drogerie angelegt.",
    newList: "Drogerie",
    undoAdd: "Rückgängig gemacht: Ich habe Milch und Eier wieder von deiner Einkaufsliste genommen.",
    nothingToUndo: "Es gibt nichts, was ich rückgängig machen kann.",
    unknownList: "Ich habe keine Liste namens Garten gefunden. Deine Listen sind: Einkaufsliste, To-do-Liste und Baumarkt.",
    twoLists: "Milch auf deiner Einkaufsliste oder Milch auf deiner Liste Baumarkt?",
    second: "die zweite",
  },
} as const satisfies Record<Locale, Record<string, string>>;

const SHOPPING = { value: "shopping", resolvedId: "shopping" };
const TODO = { value: "to-do", resolvedId: "todo" };

describe.each(LOCALES)("converse (%s)", (locale) => {
  const t = L[locale];
  const withHardware = (shopping: (string | [string, "active" | "completed"])[] = [], hardware: string[] = []) =>
    standardLists(locale, shopping, [], [{ id: "H", name: t.hardware, items: hardware }]);

  describe("LaunchRequest and the session rule", () => {
    it("welcomes with a hint and keeps the session open", () => {
      const c = chat(standardLists(locale), locale);
      const r = c.launch();
      expect(r.speech.length).toBeGreaterThan(20);
      expect(r.speech).toMatch(/\?$/);
      expect(r.reprompt).not.toBeNull();
      expect(r.change).toBeNull();
      expect(r.session).toEqual({ launched: true });
    });

    it("a launched session stays open after a confirmation, with 'Anything else?'", () => {
      const lists = standardLists(locale);
      const c = chat(lists, locale);
      c.launch();
      const r = c.say("AddItemsIntent", { items: t.spoken });
      expect(r.speech).toBe(`${t.added} ${t.anythingElse}`);
      expect(r.reprompt).toBe(t.anythingElse);
      expect(r.session).toMatchObject({ launched: true, listId: "S" });
      expect(c.say("AMAZON.StopIntent")).toMatchObject({ speech: t.goodbye, reprompt: null, session: {} });
    });

    it("a one-shot request ends after the confirmation", () => {
      const r = chat(standardLists(locale), locale).say("AddItemsIntent", { items: t.spoken });
      expect(r).toMatchObject({ speech: t.added, reprompt: null, session: {}, card: null });
    });
  });

  describe("AddItemsIntent", () => {
    it("splits the items and adds them to the shopping list by default", () => {
      const lists = standardLists(locale);
      const r = chat(lists, locale).say("AddItemsIntent", { items: t.spoken });
      expect(r.change).toEqual({ kind: "add", listId: "S", values: [t.milk, t.eggs, t.bread] });
      expect(lists.values("S")).toEqual([t.milk, t.eggs, t.bread]);
    });

    it("adds to a named list: entity-resolved, or a custom list's name", () => {
      const lists = withHardware();
      expect(chat(lists, locale).say("AddItemsIntent", { items: t.milk, list: TODO }).change).toEqual({
        kind: "add",
        listId: "T",
        values: [t.milk],
      });
      expect(chat(lists, locale).say("AddItemsIntent", { items: t.milk, list: t.hardwareSaid }).change).toMatchObject({
        listId: "H",
      });
    });

    it("defaults to the list talked about earlier in the session", () => {
      const lists = withHardware();
      const c = chat(lists, locale);
      c.launch();
      c.say("AddItemsIntent", { items: t.milk, list: t.hardwareSaid });
      expect(c.say("AddItemsIntent", { items: t.bread }).change).toEqual({ kind: "add", listId: "H", values: [t.bread] });
    });

    it("does not add an item twice and says so", () => {
      const lists = standardLists(locale, [t.milk]);
      const r = chat(lists, locale).say("AddItemsIntent", { items: t.spoken });
      expect(r.change).toEqual({ kind: "add", listId: "S", values: [t.eggs, t.bread] });
      expect(r.speech).toBe(t.addedSome);
      const again = chat(standardLists(locale, [t.milk]), locale).say("AddItemsIntent", { items: t.milk.toUpperCase() });
      expect(again).toMatchObject({ change: null, speech: t.allThere });
    });

    it("the same item twice in one request is added once", () => {
      const r = chat(standardLists(locale), locale).say("AddItemsIntent", { items: `${t.banana}, ${t.bananas}` });
      expect(r.change).toMatchObject({ values: [t.banana.split(" ").pop()] });
    });

    it("a checked-off item with the same name is put back, not added twice", () => {
      const lists = standardLists(locale, [[t.milk, "completed"]]);
      const milk = lists.list("S").items[0]!.id;
      const r = chat(lists, locale).say("AddItemsIntent", { items: t.milk.toUpperCase() });
      expect(r).toMatchObject({ speech: t.putBack, change: { kind: "add", listId: "S", values: [], reactivateIds: [milk] } });
      expect(lists.list("S").items).toEqual([{ id: milk, value: t.milk, status: "active" }]);
    });

    it("several put back, in one sentence; said twice, put back once", () => {
      const lists = standardLists(locale, [[t.milk, "completed"], [t.eggs, "completed"]]);
      const [milk, eggs] = lists.list("S").items.map((i) => i.id);
      const r = chat(lists, locale).say("AddItemsIntent", { items: `${t.milk}, ${t.eggs} ${locale === "de-DE" ? "und" : "and"} ${t.milk}` });
      expect(r).toMatchObject({ speech: t.putBackTwo, change: { values: [], reactivateIds: [milk, eggs] } });
      expect(lists.values("S", "active")).toEqual([t.milk, t.eggs]);
    });

    it("new, checked off and already there in one request: one change, one answer", () => {
      const lists = standardLists(locale, [[t.milk, "completed"], t.eggs]);
      const milk = lists.list("S").items[0]!.id;
      const r = chat(lists, locale).say("AddItemsIntent", { items: t.spoken });
      expect(r.change).toEqual({ kind: "add", listId: "S", values: [t.bread], reactivateIds: [milk] });
      expect(r.speech).toBe(t.addedPutBackAlready);
      expect(lists.values("S", "active")).toEqual([t.milk, t.eggs, t.bread]);
      const noneNew = standardLists(locale, [[t.milk, "completed"], t.eggs]);
      expect(chat(noneNew, locale).say("AddItemsIntent", { items: `${t.milk} ${locale === "de-DE" ? "und" : "and"} ${t.eggs}` })).toMatchObject({
        speech: t.putBackSomeAlready,
        change: { values: [], reactivateIds: [noneNew.list("S").items[0]!.id] },
      });
    });

    it("an active item wins over a checked-off one of the same name: nothing changes", () => {
      const lists = standardLists(locale, [[t.milk, "completed"], t.milk]);
      expect(chat(lists, locale).say("AddItemsIntent", { items: t.milk })).toMatchObject({ change: null, speech: t.allThere });
      expect(lists.values("S", "completed")).toEqual([t.milk]);
    });

    it("a checked-off item on another list is not put back: the item is added here", () => {
      const lists = standardLists(locale, [], [[t.milk, "completed"]]);
      expect(chat(lists, locale).say("AddItemsIntent", { items: t.milk }).change).toEqual({ kind: "add", listId: "S", values: [t.milk] });
      expect(lists.values("T", "completed")).toEqual([t.milk]);
    });

    it("putting back fits a full list; a new item with it does not", () => {
      const full = () => standardLists(locale, [[t.milk, "completed"], ...Array.from({ length: 499 }, (_, i) => `item ${i}`)]);
      expect(chat(full(), locale).say("AddItemsIntent", { items: t.milk }).change).toMatchObject({ values: [], reactivateIds: [expect.any(String)] });
      const r = chat(full(), locale).say("AddItemsIntent", { items: `${t.milk}, ${t.bread}` });
      expect(r.change).toBeNull();
      expect(r.speech).toContain("500");
    });

    it("refuses a value longer than the limit", () => {
      const r = chat(standardLists(locale), locale).say("AddItemsIntent", { items: `${t.milk}, ${"x".repeat(257)}` });
      expect(r.change).toBeNull();
      expect(r.speech).toContain("256");
    });

    it("refuses the whole add when the list would overflow", () => {
      const nearlyFull = standardLists(locale, Array.from({ length: 499 }, (_, i) => `item ${i}`));
      const r = chat(nearlyFull, locale).say("AddItemsIntent", { items: `${t.milk}, ${t.bread}` });
      expect(r.change).toBeNull();
      expect(r.speech).toContain("500");
      const full = standardLists(locale, Array.from({ length: 500 }, (_, i) => `item ${i}`));
      const r2 = chat(full, locale).say("AddItemsIntent", { items: t.milk });
      expect(r2.change).toBeNull();
      expect(r2.speech).toContain("500");
      expect(r2.speech).not.toBe(r.speech);
      // One that fits is added.
      expect(chat(nearlyFull, locale).say("AddItemsIntent", { items: t.milk }).change).toMatchObject({ kind: "add" });
    });

    it("an unknown list is named and the lists that exist are listed (an add offers to create it instead)", () => {
      const r = chat(withHardware(), locale).say("ReadListIntent", { list: locale === "de-DE" ? "Garten" : "garden" });
      expect(r).toMatchObject({ change: null, speech: t.unknownList });
    });

    it("asks for the items when none were said, and adds the answer", () => {
      const lists = standardLists(locale);
      const c = chat(lists, locale);
      const q = c.say("AddItemsIntent", { list: SHOPPING });
      expect(q.change).toBeNull();
      expect(q.reprompt).not.toBeNull();
      expect(q.session).toMatchObject({ pending: { kind: "item", op: "add", listId: "S" } });
      const r = c.say("AnswerItemIntent", { item: t.spoken });
      expect(r).toMatchObject({ speech: t.added, reprompt: null });
      expect(lists.values("S")).toEqual([t.milk, t.eggs, t.bread]);
    });

    it("escapes item text in speech", () => {
      const r = chat(standardLists(locale), locale).say("AddItemsIntent", { items: "salt <pepper>" });
      expect(r.change).toMatchObject({ values: ["salt <pepper>"] });
      expect(r.speech).toContain("salt &lt;pepper&gt;");
    });
  });

  describe("RemoveItemIntent / CheckOffItemIntent / UncheckItemIntent", () => {
    it("acts on an exact match, ignoring case, articles and plural", () => {
      const lists = standardLists(locale, [t.bread, t.bananas]);
      const c = chat(lists, locale);
      const bananas = lists.list("S").items[1]?.id;
      expect(bananas).toBeDefined();
      expect(c.say("RemoveItemIntent", { item: t.banana }).change).toEqual({
        kind: "remove",
        listId: "S",
        itemIds: [bananas],
      });
      const r = c.say("CheckOffItemIntent", { item: t.bread.toUpperCase() });
      expect(r.speech).toBe(t.checked);
      expect(r.change).toMatchObject({ kind: "status", listId: "S", status: "completed" });
      expect(lists.values("S", "completed")).toEqual([t.bread]);
    });

    it("unchecks only completed items and checks off only active ones", () => {
      const lists = standardLists(locale, [t.bread, [t.eggs, "completed"]]);
      const c = chat(lists, locale);
      expect(c.say("CheckOffItemIntent", { item: t.eggs })).toMatchObject({ change: null, speech: t.already });
      expect(c.say("UncheckItemIntent", { item: t.bread })).toMatchObject({ change: null, speech: t.notChecked });
      const r = c.say("UncheckItemIntent", { item: t.eggs });
      expect(r).toMatchObject({ speech: t.unchecked, change: { kind: "status", status: "active" } });
      expect(lists.values("S", "active")).toEqual([t.bread, t.eggs]);
    });

    it("'oat milk or almond milk?' is asked and answered across two turns", () => {
      const lists = standardLists(locale, [t.oat, t.almond, t.bread]);
      const c = chat(lists, locale);
      const q = c.say("RemoveItemIntent", { item: t.milk });
      expect(q.speech).toBe(t.which);
      expect(q.change).toBeNull();
      expect(q.reprompt).toContain(t.oat);
      expect(q.session).toMatchObject({ pending: { kind: "choose", op: "remove" } });
      const r = c.say("AnswerItemIntent", { item: `${locale === "de-DE" ? "die" : "the"} ${t.oat}` });
      expect(r).toMatchObject({ speech: t.removedOat, reprompt: null, session: {} });
      expect(lists.values("S")).toEqual([t.almond, t.bread]);
    });

    it("the question can be answered by the same intent, a near miss, or an ordinal", () => {
      const answers: [string, Record<string, string>, string][] = [
        ["CheckOffItemIntent", { item: t.almond }, t.almond],
        ["AnswerItemIntent", { item: t.almond.slice(0, -1) }, t.almond],
        ["AnswerItemIntent", { item: t.second }, t.almond],
      ];
      for (const [intent, slots, expected] of answers) {
        const lists = standardLists(locale, [t.oat, t.almond]);
        const c = chat(lists, locale);
        expect(c.say("CheckOffItemIntent", { item: t.milk }).speech).toBe(t.which);
        expect(c.say(intent, slots).change).toMatchObject({ kind: "status", status: "completed" });
        expect(lists.values("S", "completed")).toEqual([expected]);
      }
    });

    it("another request while the question is open is handled as a new request", () => {
      const lists = standardLists(locale, [t.oat, t.almond]);
      const c = chat(lists, locale);
      c.say("RemoveItemIntent", { item: t.milk });
      const r = c.say("AddItemsIntent", { items: t.oat });
      expect(r.change).toBeNull(); // "oat milk" is already there: it was neither removed nor added again
      expect(lists.values("S")).toEqual([t.oat, t.almond]);
    });

    it("cancel drops the question and keeps the session; stop ends it", () => {
      const lists = standardLists(locale, [t.oat, t.almond]);
      const c = chat(lists, locale);
      c.say("RemoveItemIntent", { item: t.milk });
      const r = c.say("AMAZON.CancelIntent");
      expect(r.change).toBeNull();
      expect(r.reprompt).toBe(t.anythingElse);
      expect(r.session).not.toHaveProperty("pending");
      // The question is gone: an answer now is no answer.
      expect(c.say("AnswerItemIntent", { item: t.oat }).change).toBeNull();
      c.say("RemoveItemIntent", { item: t.milk });
      expect(c.say("AMAZON.StopIntent")).toMatchObject({ speech: t.goodbye, reprompt: null });
      expect(lists.values("S")).toEqual([t.oat, t.almond]);
    });

    it("a single weak candidate is confirmed: yes acts, no leaves it", () => {
      const lists = standardLists(locale, [t.almond, t.bread]);
      const c = chat(lists, locale);
      const q = c.say("RemoveItemIntent", { item: t.almond.slice(0, -1) });
      expect(q).toMatchObject({ speech: t.didYouMean, change: null });
      expect(q.reprompt).not.toBeNull();
      expect(c.say("AMAZON.NoIntent")).toMatchObject({ change: null, reprompt: null });
      expect(lists.values("S")).toEqual([t.almond, t.bread]);
      c.say("RemoveItemIntent", { item: t.almond.slice(0, -1) });
      expect(c.say("AMAZON.YesIntent").change).toMatchObject({ kind: "remove", listId: "S" });
      expect(lists.values("S")).toEqual([t.bread]);
    });

    it("a correction instead of yes acts on what is said now", () => {
      const lists = standardLists(locale, [t.almond, t.bread]);
      const c = chat(lists, locale);
      c.say("CheckOffItemIntent", { item: t.almond.slice(0, -1) });
      expect(c.say("AnswerItemIntent", { item: t.bread }).change).toMatchObject({ kind: "status" });
      expect(lists.values("S", "completed")).toEqual([t.bread]);
    });

    it("without a list every list is searched; the same item on two lists asks which list", () => {
      const lists = withHardware([t.bread, t.milk], [t.milk]);
      const c = chat(lists, locale);
      expect(c.say("CheckOffItemIntent", { item: t.bread }).change).toMatchObject({ listId: "S" });
      const q = c.say("RemoveItemIntent", { item: t.milk });
      expect(q.speech).toBe(t.twoLists);
      // "yes" is no answer to it: the question is asked again, with the lists named.
      const again = c.say("AMAZON.YesIntent");
      expect(again.change).toBeNull();
      expect(again.speech).toContain(t.twoLists.slice(1, -1));
      const r = c.say("AnswerItemIntent", { item: t.hardwareSaid });
      expect(r.change).toMatchObject({ kind: "remove", listId: "H" });
      expect(lists.values("H")).toEqual([]);
      expect(lists.values("S")).toEqual([t.bread, t.milk]);
    });

    it("'which list?' can be answered with any intent naming the list", () => {
      const lists = withHardware([t.milk], [t.milk]);
      const c = chat(lists, locale);
      c.say("RemoveItemIntent", { item: t.milk });
      expect(c.say("ReadListIntent", { list: SHOPPING }).change).toMatchObject({ kind: "remove", listId: "S" });
    });

    it("a list named in the request limits the search", () => {
      const lists = withHardware([t.milk], [t.milk]);
      const r = chat(lists, locale).say("RemoveItemIntent", { item: t.milk, list: t.hardwareSaid });
      expect(r.change).toMatchObject({ kind: "remove", listId: "H" });
    });

    it("nothing close is said so", () => {
      const lists = standardLists(locale, [t.milk], [t.bread]);
      expect(chat(lists, locale).say("RemoveItemIntent", { item: t.nowhere })).toMatchObject({
        change: null,
        speech: t.notFound,
        reprompt: null,
      });
      expect(chat(lists, locale).say("CheckOffItemIntent", { item: t.nowhere, list: TODO }).speech).toBe(t.notFoundOn);
    });

    it("asks which item when none was said", () => {
      const lists = standardLists(locale, [t.milk]);
      const c = chat(lists, locale);
      for (const intent of ["RemoveItemIntent", "CheckOffItemIntent", "UncheckItemIntent"]) {
        const q = chat(lists, locale).say(intent);
        expect(q.change).toBeNull();
        expect(q.reprompt).toBe(q.speech);
      }
      c.say("CheckOffItemIntent");
      expect(c.say("AnswerItemIntent", { item: t.milk }).change).toMatchObject({ kind: "status", status: "completed" });
    });

    it("an item gone by the time of the answer is not found", () => {
      const lists = standardLists(locale, [t.oat, t.almond]);
      const c = chat(lists, locale);
      c.say("RemoveItemIntent", { item: t.milk });
      lists.list("S").items = [];
      const r = c.say("AnswerItemIntent", { item: t.oat });
      expect(r.change).toBeNull();
      expect(r.speech).toContain(t.oat);
    });
  });

  describe("ReadListIntent and more", () => {
    it("reads five items, says how many more, keeps the offset for 'more'", () => {
      const values = Array.from({ length: 17 }, (_, i) => `item ${i}`);
      const lists = standardLists(locale, [...values, [t.eggs, "completed"], [t.bread, "completed"]]);
      const c = chat(lists, locale);
      const r = c.say("ReadListIntent", { list: SHOPPING });
      expect(r.speech).toContain(`item 0, item 1, item 2, item 3, item 4 ${t.more}`);
      expect(r.speech).not.toContain("item 5");
      expect(r.speech).toContain("17");
      expect(r.speech).toContain("2 ");
      expect(r.speech.endsWith(t.sayMore)).toBe(true);
      expect(r.reprompt).not.toBeNull();
      expect(r.session).toMatchObject({ reading: { listId: "S", offset: 5 } });
      expect(r.card?.content.split("\n")).toEqual([...values, "", expect.stringMatching(/:$/), `✓ ${t.eggs}`, `✓ ${t.bread}`]);

      const m1 = c.say("AMAZON.MoreIntent");
      expect(m1.speech).toMatch(/^Item 5, item 6, item 7, item 8/);
      expect(m1.speech).toContain("item 9");
      expect(m1.reprompt).not.toBeNull();
      const m2 = c.say("AMAZON.NextIntent");
      expect(m2.speech).toContain("item 14");
      const m3 = c.say("AMAZON.MoreIntent");
      expect(m3.speech).toMatch(/^Item 15 (and|und) item 16\./);
      expect(m3.reprompt).toBeNull(); // one-shot: the end of the list ends the session
      expect(c.say("AMAZON.MoreIntent").speech).toBe(chat(lists, locale).say("AMAZON.FallbackIntent").speech);
    });

    it("a short list is read whole and ends a one-shot session", () => {
      const r = chat(standardLists(locale, [t.milk, t.bread]), locale).say("ReadListIntent");
      expect(r.speech).toContain(`${t.milk} ${locale === "de-DE" ? "und" : "and"} ${t.bread}`);
      expect(r.reprompt).toBeNull();
      expect(r.card?.content).toBe(`${t.milk}\n${t.bread}`);
    });

    it("an empty list is said plainly, with the checked-off count", () => {
      const empty = chat(standardLists(locale), locale).say("ReadListIntent");
      expect(empty.speech).toBe(t.empty);
      expect(empty.card?.content.length).toBeGreaterThan(0);
      const done = chat(standardLists(locale, [[t.milk, "completed"]]), locale).say("ReadListIntent");
      expect(done.speech.startsWith(t.empty)).toBe(true);
      expect(done.speech.length).toBeGreaterThan(t.empty.length + 5);
    });

    it("the card stays within 8,000 characters with a 'more' line", () => {
      const lists = standardLists(locale, Array.from({ length: 500 }, (_, i) => `${i} `.padEnd(256, "x")));
      const card = chat(lists, locale).say("ReadListIntent").card;
      expect(card).not.toBeNull();
      expect((card?.title.length ?? 0) + (card?.content.length ?? 0)).toBeLessThanOrEqual(8000);
      expect(card?.content.split("\n").pop()).toMatch(/^… .*\d+/);
    });
  });

  describe("ListListsIntent, ClearCompletedIntent, UndoIntent, CreateListIntent", () => {
    it("lists the lists", () => {
      expect(chat(withHardware(), locale).say("ListListsIntent")).toMatchObject({ speech: t.lists, change: null });
    });

    it("clears checked-off items, or says there are none", () => {
      const lists = standardLists(locale, [t.milk, [t.eggs, "completed"], [t.bread, "completed"], [t.oat, "completed"]]);
      const c = chat(lists, locale);
      expect(c.say("ClearCompletedIntent")).toMatchObject({
        speech: t.cleared,
        change: { kind: "clearCompleted", listId: "S" },
      });
      expect(c.say("ClearCompletedIntent")).toMatchObject({ speech: t.nothingToClear, change: null });
    });

    it("undo says what it reverts; nothing to undo is said so", () => {
      const lists = standardLists(locale);
      expect(chat(lists, locale).say("UndoIntent")).toMatchObject({ speech: t.nothingToUndo, change: null });
      lists.last = {
        kind: "add",
        listId: "S",
        listName: "x",
        defaultKind: "shopping",
        values: [t.milk, t.eggs],
      };
      expect(chat(lists, locale).say("UndoIntent")).toMatchObject({ speech: t.undoAdd, change: { kind: "undo" } });
    });

    it("undo of an add that put checked-off items back says they are checked off again", () => {
      const lists = standardLists(locale);
      const add = { kind: "add", listId: "S", listName: "x", defaultKind: "shopping" } as const;
      lists.last = { ...add, values: [], reactivated: [t.milk] };
      expect(chat(lists, locale).say("UndoIntent")).toMatchObject({ speech: t.undoPutBack, change: { kind: "undo" } });
      lists.last = { ...add, values: [t.bread], reactivated: [t.milk] };
      expect(chat(lists, locale).say("UndoIntent")).toMatchObject({ speech: t.undoAddedPutBack, change: { kind: "undo" } });
    });

    it("undo has a sentence for every kind of change", () => {
      const kinds: UndoableChange[] = [
        { kind: "remove", listId: "S", listName: "x", defaultKind: "shopping", values: [t.milk] },
        { kind: "status", listId: "S", listName: "x", defaultKind: "shopping", values: [t.milk], status: "completed" },
        { kind: "status", listId: "S", listName: "x", defaultKind: "shopping", values: [t.milk], status: "active" },
        { kind: "clearCompleted", listId: "S", listName: "x", defaultKind: "shopping", values: [t.milk, t.eggs] },
        { kind: "createList", listId: "H", listName: t.hardware, defaultKind: null, values: [t.hardware] },
      ];
      const said = kinds.map((last) => {
        const lists = standardLists(locale);
        lists.last = last;
        const r = chat(lists, locale).say("UndoIntent");
        expect(r.change).toEqual({ kind: "undo" });
        return r.speech;
      });
      expect(new Set(said).size).toBe(kinds.length);
      expect(said[0]).toContain(t.milk);
      expect(said[4]).toContain(t.hardware);
    });

    it("creates a list; refuses a taken name, too many lists, too long a name", () => {
      const lists = withHardware();
      const c = chat(lists, locale);
      expect(c.say("CreateListIntent", { listName: t.newList })).toMatchObject({
        speech: t.created,
        change: { kind: "createList", name: t.newList },
      });
      expect(c.say("CreateListIntent", { listName: t.hardwareSaid }).change).toBeNull();
      expect(c.say("CreateListIntent", { listName: "x".repeat(101) })).toMatchObject({ change: null });
      const hundred = new FakeLists(
        Array.from({ length: 100 }, (_, i) => ({ id: `L${i}`, name: `list ${i}`, defaultKind: null })),
      );
      const r = chat(hundred, locale).say("CreateListIntent", { listName: t.newList });
      expect(r.change).toBeNull();
      expect(r.speech).toContain("100");
    });

    it("asks for the name when none was said", () => {
      const lists = standardLists(locale);
      const c = chat(lists, locale);
      const q = c.say("CreateListIntent");
      expect(q.reprompt).not.toBeNull();
      expect(c.say("AnswerItemIntent", { item: t.newList }).change).toEqual({ kind: "createList", name: t.newList });
    });
  });

  describe("built-in intents and the rest", () => {
    it("help keeps the session open", () => {
      const r = chat(standardLists(locale), locale).say("AMAZON.HelpIntent");
      expect(r.speech.length).toBeGreaterThan(50);
      expect(r.reprompt).not.toBeNull();
    });

    it("stop and cancel say goodbye and end", () => {
      for (const intent of ["AMAZON.StopIntent", "AMAZON.CancelIntent"]) {
        const c = chat(standardLists(locale), locale);
        c.launch();
        expect(c.say(intent)).toMatchObject({ speech: t.goodbye, reprompt: null, change: null, session: {} });
      }
    });

    it("NavigateHome ends without speech", () => {
      const c = chat(standardLists(locale), locale);
      c.launch();
      expect(c.say("AMAZON.NavigateHomeIntent")).toMatchObject({ speech: "", reprompt: null, change: null });
    });

    it("fallback, unknown intents, yes/no and an answer outside a question give a short hint", () => {
      const fallback = chat(standardLists(locale), locale).say("AMAZON.FallbackIntent");
      expect(fallback.reprompt).not.toBeNull();
      expect(fallback.change).toBeNull();
      for (const intent of ["SomethingNewIntent", "AnswerItemIntent"]) {
        expect(chat(standardLists(locale), locale).say(intent, { item: t.milk })).toEqual(fallback);
      }
      // Yes and no with no question open: a hint, not an apology.
      for (const intent of ["AMAZON.YesIntent", "AMAZON.NoIntent"]) {
        const r = chat(standardLists(locale), locale).say(intent);
        expect(r).toMatchObject({ change: null, speech: speechFor(locale).noQuestion });
        expect(r.reprompt).not.toBeNull();
        expect(r.speech).not.toMatch(/sorry|leider/i);
      }
    });

    it("SessionEndedRequest: no speech, no change", () => {
      expect(converse({ kind: "ended", locale, reason: "USER_INITIATED" }, standardLists(locale))).toEqual({
        change: null,
        speech: "",
        reprompt: null,
        card: null,
        session: {},
      });
    });

    it("junk session attributes are ignored", () => {
      const lists = standardLists(locale, [t.milk]);
      for (const session of [
        { pending: { kind: "choose", op: "explode", candidates: [] } },
        { pending: { kind: "confirm", op: "remove", candidate: { listId: 1 } } },
        { pending: "x", reading: { listId: "S", offset: "5" }, listId: 42, launched: "yes" },
      ]) {
        const r = chat(lists, locale, session).say("AMAZON.YesIntent");
        expect(r.change).toBeNull();
        expect(r.session).not.toHaveProperty("pending");
      }
    });
  });

  describe("errorReply", () => {
    const codes: StoreErrorCode[] = [
      "LIST_NOT_FOUND",
      "ITEM_NOT_FOUND",
      "LIST_FULL",
      "TOO_MANY_LISTS",
      "LIST_NAME_TAKEN",
      "VALUE_TOO_LONG",
      "NOTHING_TO_UNDO",
      "NOT_SUPPORTED",
    ];

    it("speaks every store refusal differently, without a change", () => {
      const said = codes.map((code) => {
        const r = errorReply(code, locale);
        invariants(r);
        expect(r).toMatchObject({ change: null, reprompt: null });
        return r.speech;
      });
      expect(new Set(said).size).toBe(codes.length);
      expect(errorReply("NOTHING_TO_UNDO", locale).speech).toBe(t.nothingToUndo);
    });

    it("keeps a launched session open", () => {
      const r = errorReply("LIST_FULL", locale, { launched: true, listId: "S", pending: { kind: "listName" } });
      expect(r.reprompt).toBe(t.anythingElse);
      expect(r.session).toEqual({ launched: true, listId: "S" });
    });
  });
});
