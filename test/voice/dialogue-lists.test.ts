// The dialogue for whole lists and questions, in every locale: delete, rename
// and clear (asked first, acting only on yes), a missing list on add (offered,
// created with the items on yes), "to <list>" without the word "list", tasks,
// the questions, and yes/no with nothing asked.
import { describe, expect, it } from "vitest";
import { converse } from "../../src/voice/dialogue/index.ts";
import { LOCALES, type Locale } from "../../src/voice/intents.ts";
import type { UndoableChange, VoiceReply } from "../../src/voice/types.ts";
import type { FakeLists} from "./fakes.ts";
import { intentTurn, standardLists } from "./fakes.ts";

type Slots = Record<string, string | { value: string; resolvedId: string | null }>;

function chat(lists: FakeLists, locale: Locale) {
  let session: Record<string, unknown> = {};
  return {
    say(intent: string, slots: Slots = {}): VoiceReply {
      const r = converse(intentTurn(intent, slots, session, locale), lists);
      if (r.reprompt === null) expect(r.session).toEqual({});
      expect(r.speech).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)|<|>/);
      if (r.change) lists.apply(r.change);
      session = r.session;
      return r;
    },
  };
}

/** Per locale: the words said and the replies checked verbatim. */
const L = {
  "en-US": {
    hw: "Hardware store", hwSaid: "hardware store", nails: "nails", screws: "screws", paper: "sandpaper", milk: "milk", eggs: "eggs",
    butter: "butter", coffee: "coffee", newName: "tools", task: "call the dentist",
    askDelete: "Delete your Hardware store list with 3 items?",
    deleted: "Deleted your Hardware store list.",
    leftAlone: "Okay, I left it as it is.",
    cannotDelete: "Your shopping list can't be deleted. To empty it, say: clear my shopping list.",
    renamed: "Your Hardware store list is now called tools.",
    cannotRename: "Your to-do list keeps its name.",
    taken: "You already have a list called shopping.",
    askClear: "Remove all 4 items from your shopping list?",
    cleared: "Removed all 4 items from your shopping list. Say undo to bring them back.",
    emptyGarden: "Your Garden list is empty.",
    toList: "screws to hardware store", toListNew: "wood glue to hardware store", glue: "wood glue",
    noList: "a card to mom",
    offer: "I don't have a camping list yet. Should I create it and add oil and rags?", garage: "camping", offerItems: "oil and rags",
    created: "Created your camping list and added oil and rags.",
    addedNothing: "Okay, I didn't add anything.",
    taskAdded: "Added call the dentist to your to-do list. That's on your list; it's not an Alexa reminder.",
    yes: "Yes, milk is on your shopping list.",
    completed: "Butter is on your shopping list, but checked off.",
    no: "No, coffee isn't on any of your lists.",
    noOn: "No, coffee isn't on your shopping list.",
    count: "Your shopping list has 3 items. 1 more is checked off.",
    checkedAll: "Checked off on your shopping list: butter. Checked off on your Hardware store list: sandpaper.",
    checkedNone: "Nothing is checked off on your to-do list.",
    all: "Shopping list, 3 items: milk, eggs and bread. To-do list: empty. Hardware store list, 2 items: nails and screws. Garden list: empty.",
    noQuestion: /^There's no question open right now\./,
    undoDelete: "Undone: your Hardware store list is back.",
    undoRename: "Undone: your tools list is called Hardware store again.",
    undoClear: "Undone: milk, eggs and bread are back on your shopping list.",
    amp: "Tom &amp; Jerry",
  },
  "en-GB": {
    hw: "Hardware store", hwSaid: "hardware store", nails: "nails", screws: "screws", paper: "sandpaper", milk: "milk", eggs: "eggs",
    butter: "butter", coffee: "coffee", newName: "tools", task: "ring the council",
    askDelete: "Delete your Hardware store list with 3 items?",
    deleted: "Deleted your Hardware store list.",
    leftAlone: "Right, I've left it as it is.",
    cannotDelete: "Your shopping list can't be deleted. To empty it, say: clear my shopping list.",
    renamed: "Your Hardware store list is now called tools.",
    cannotRename: "Your to-do list keeps its name.",
    taken: "You already have a list called shopping.",
    askClear: "Remove all 4 items from your shopping list?",
    cleared: "Removed all 4 items from your shopping list. Say undo to bring them back.",
    emptyGarden: "Your Garden list is empty.",
    toList: "screws to hardware store", toListNew: "wood glue to hardware store", glue: "wood glue",
    noList: "a card to mum",
    offer: "I don't have a camping list yet. Should I create it and add oil and rags?", garage: "camping", offerItems: "oil and rags",
    created: "Created your camping list and added oil and rags.",
    addedNothing: "Okay, I didn't add anything.",
    taskAdded: "Added ring the council to your to-do list. That's on your list; it's not an Alexa reminder.",
    yes: "Yes, milk is on your shopping list.",
    completed: "Butter is on your shopping list, but ticked off.",
    no: "No, coffee isn't on any of your lists.",
    noOn: "No, coffee isn't on your shopping list.",
    count: "Your shopping list has 3 items. 1 more is ticked off.",
    checkedAll: "Ticked off on your shopping list: butter. Ticked off on your Hardware store list: sandpaper.",
    checkedNone: "Nothing is ticked off on your to-do list.",
    all: "Shopping list, 3 items: milk, eggs and bread. To-do list: empty. Hardware store list, 2 items: nails and screws. Garden list: empty.",
    noQuestion: /^There's no question open right now\./,
    undoDelete: "Undone: your Hardware store list is back.",
    undoRename: "Undone: your tools list is called Hardware store again.",
    undoClear: "Undone: milk, eggs and bread are back on your shopping list.",
    amp: "Tom &amp; Jerry",
  },
  "de-DE": {
    hw: "Baumarkt", hwSaid: "Baumarkt", nails: "Nägel", screws: "Schrauben", paper: "Schleifpapier", milk: "Milch", eggs: "Eier",
    butter: "Butter", coffee: "Kaffee", newName: "Werkzeug", task: "Oma anrufen",
    askDelete: "Soll ich deine Liste Baumarkt mit 3 Einträgen löschen?",
    deleted: "Ich habe deine Liste Baumarkt gelöscht.",
    leftAlone: "Okay, ich lasse es, wie es ist.",
    cannotDelete: "Deine Einkaufsliste kann ich nicht löschen. Um sie zu leeren, sag: leere meine Einkaufsliste.",
    renamed: "Deine Liste Baumarkt heißt jetzt Werkzeug.",
    cannotRename: "Deine To-do-Liste behält ihren Namen.",
    taken: "Eine Liste namens Einkaufsliste gibt es schon.",
    askClear: "Soll ich alle 4 Einträge von deiner Einkaufsliste entfernen?",
    cleared: "Ich habe alle 4 Einträge von deiner Einkaufsliste entfernt. Sag rückgängig, um sie zurückzuholen.",
    emptyGarden: "Deine Liste Garten ist leer.",
    toList: "Schrauben zu Baumarkt", toListNew: "Holzleim auf die Baumarkt-Liste", glue: "Holzleim",
    noList: "eine Karte an Mama",
    offer: "Eine Liste Zelten habe ich noch nicht. Soll ich sie anlegen und Öl und Lappen draufsetzen?", garage: "Zelten", offerItems: "Öl und Lappen",
    created: "Ich habe die Liste Zelten angelegt und Öl und Lappen draufgesetzt.",
    addedNothing: "Okay, ich habe nichts hinzugefügt.",
    taskAdded: "Ich habe Oma anrufen auf deine To-do-Liste gesetzt. Das steht auf deiner Liste; eine Alexa-Erinnerung ist es nicht.",
    yes: "Ja, Milch hast du auf deiner Einkaufsliste.",
    completed: "Butter hast du auf deiner Einkaufsliste, aber schon abgehakt.",
    no: "Nein, Kaffee hast du auf keiner deiner Listen.",
    noOn: "Nein, Kaffee hast du nicht auf deiner Einkaufsliste.",
    count: "Auf deiner Einkaufsliste stehen 3 Einträge. Ein weiterer ist abgehakt.",
    checkedAll: "Abgehakt auf deiner Einkaufsliste: Butter. Abgehakt auf deiner Liste Baumarkt: Schleifpapier.",
    checkedNone: "Auf deiner To-do-Liste ist nichts abgehakt.",
    all: "Einkaufsliste, 3 Einträge: Milch, Eier und Brot. To-do-Liste: leer. Liste Baumarkt, 2 Einträge: Nägel und Schrauben. Liste Garten: leer.",
    noQuestion: /^Gerade ist keine Frage offen\./,
    undoDelete: "Rückgängig gemacht: Deine Liste Baumarkt ist wieder da.",
    undoRename: "Rückgängig gemacht: Deine Liste Werkzeug heißt wieder Baumarkt.",
    undoClear: "Rückgängig gemacht: Ich habe Milch, Eier und Brot wieder auf deine Einkaufsliste gesetzt.",
    amp: "Tom &amp; Jerry",
  },
} as const;

const SHOPPING = { value: "shopping", resolvedId: "shopping" };
const TODO = { value: "to do", resolvedId: "todo" };

describe.each(LOCALES)("whole lists and questions (%s)", (locale) => {
  const t = L[locale];
  const de = locale === "de-DE";
  const start = () =>
    standardLists(locale, [t.milk, t.eggs, de ? "Brot" : "bread", [t.butter, "completed"]], [], [
      { id: "H", name: t.hw, items: [t.nails, t.screws, [t.paper, "completed"]] },
      { id: "G", name: de ? "Garten" : "Garden" },
    ]);

  it("delete asks with the item count and deletes only on yes", () => {
    const lists = start();
    const c = chat(lists, locale);
    const q = c.say("DeleteListIntent", { list: t.hwSaid });
    expect(q).toMatchObject({ change: null, speech: t.askDelete });
    expect(q.reprompt).toContain(t.askDelete);
    expect(c.say("AMAZON.YesIntent")).toMatchObject({ change: { kind: "deleteList", listId: "H" }, speech: t.deleted });
    expect(lists.lists().map((l) => l.id)).toEqual(["S", "T", "G"]);
  });

  it("no to the delete question, or another request, changes nothing; the default lists cannot be deleted", () => {
    const lists = start();
    const c = chat(lists, locale);
    c.say("DeleteListIntent", { list: t.hwSaid });
    expect(c.say("AMAZON.NoIntent")).toMatchObject({ change: null, speech: t.leftAlone });
    c.say("DeleteListIntent", { list: t.hwSaid });
    expect(c.say("ReadListIntent", { list: SHOPPING }).change).toBeNull();
    expect(c.say("AMAZON.YesIntent").change).toBeNull();
    expect(c.say("DeleteListIntent", { list: SHOPPING })).toMatchObject({ change: null, speech: t.cannotDelete });
    expect(lists.applied).toEqual([]);
  });

  it("'remove everything from my shopping list' heard as an item called everything asks to clear the list", () => {
    const r = chat(start(), locale).say("RemoveItemIntent", { item: de ? "alles" : "everything", list: SHOPPING });
    expect(r).toMatchObject({ change: null, speech: t.askClear });
  });

  it("'the list <name>' is that list, and 'my list' alone names none (the one talked about, else shopping)", () => {
    const c = chat(start(), locale);
    const word = de ? "Liste" : "list";
    expect(c.say("AddItemsIntent", { items: t.coffee, list: `${word} ${t.hwSaid}` }).change).toMatchObject({ kind: "add", listId: "H" });
    expect(c.say("IsOnListIntent", { item: t.milk, list: `${de ? "meiner" : "my"} ${word}` }).speech).toBe(t.yes);
    expect(c.say("IsOnListIntent", { item: t.nails, list: word }).speech).toMatch(de ? /^Ja, Nägel hast du/ : /^Yes, nails are/);
  });

  it("'delete milk' heard as a list called milk removes the item", () => {
    const r = chat(start(), locale).say("DeleteListIntent", { list: t.milk });
    expect(r.change).toEqual({ kind: "remove", listId: "S", itemIds: [expect.any(String)] });
  });

  it("rename: a custom list gets the new name; the default lists keep theirs; a taken name is refused", () => {
    const c = chat(start(), locale);
    expect(c.say("RenameListIntent", { list: t.hwSaid, listName: t.newName })).toMatchObject({
      change: { kind: "renameList", listId: "H", name: t.newName },
      speech: t.renamed,
    });
    expect(c.say("RenameListIntent", { list: TODO, listName: t.newName })).toMatchObject({ change: null, speech: t.cannotRename });
    const taken = de ? "Einkaufsliste" : "shopping";
    expect(c.say("RenameListIntent", { list: de ? "Garten" : "garden", listName: taken })).toMatchObject({ change: null, speech: t.taken });
  });

  it("rename without a new name asks for it and takes the answer", () => {
    const c = chat(start(), locale);
    const q = c.say("RenameListIntent", { list: t.hwSaid });
    expect(q.change).toBeNull();
    expect(q.session).toMatchObject({ pending: { kind: "newName", listId: "H" } });
    expect(c.say("AnswerItemIntent", { item: t.newName }).change).toEqual({ kind: "renameList", listId: "H", name: t.newName });
  });

  it("clear asks how many items go and clears on yes; an empty list is not asked about", () => {
    const lists = start();
    const c = chat(lists, locale);
    expect(c.say("ClearListIntent", { list: SHOPPING })).toMatchObject({ change: null, speech: t.askClear });
    expect(c.say("AMAZON.YesIntent")).toMatchObject({ change: { kind: "clearList", listId: "S" }, speech: t.cleared });
    expect(lists.values("S")).toEqual([]);
    expect(c.say("ClearListIntent", { list: de ? "Garten" : "garden" })).toMatchObject({ change: null, speech: t.emptyGarden, reprompt: null });
  });

  it("an add whose items end in 'to <a list they have>' goes to that list; other endings stay items", () => {
    const c = chat(start(), locale);
    expect(c.say("AddItemsIntent", { items: t.toListNew }).change).toEqual({ kind: "add", listId: "H", values: [t.glue] });
    // Already there: not twice, and the list named is the one looked at.
    expect(c.say("AddItemsIntent", { items: t.toList }).change).toBeNull();
    const other = c.say("AddItemsIntent", { items: t.noList });
    expect(other.change).toMatchObject({ kind: "add", listId: "S" });
  });

  it("a list they don't have: offers to create it with the items; yes creates and adds, no adds nothing", () => {
    const lists = start();
    const c = chat(lists, locale);
    const q = c.say("AddItemsIntent", { items: t.offerItems, list: t.garage });
    expect(q).toMatchObject({ change: null, speech: t.offer });
    expect(c.say("AMAZON.YesIntent")).toMatchObject({ change: { kind: "createList", name: t.garage }, speech: t.created });
    expect(lists.data.at(-1)).toMatchObject({ name: t.garage, items: [{ status: "active" }, { status: "active" }] });

    const again = chat(start(), locale);
    again.say("AddItemsIntent", { items: t.offerItems, list: t.garage });
    expect(again.say("AMAZON.NoIntent")).toMatchObject({ change: null, speech: t.addedNothing });
  });

  it("'remind me to …' adds to the to-do list and says it is not an Alexa reminder", () => {
    expect(chat(start(), locale).say("AddTaskIntent", { task: t.task })).toMatchObject({
      change: { kind: "add", listId: "T", values: [t.task] },
      speech: t.taskAdded,
    });
  });

  it("questions: is it on the list, how many, what is checked off, what's on all my lists", () => {
    const c = chat(start(), locale);
    expect(c.say("IsOnListIntent", { item: t.milk, list: SHOPPING }).speech).toBe(t.yes);
    expect(c.say("IsOnListIntent", { item: t.butter }).speech).toBe(t.completed);
    expect(c.say("IsOnListIntent", { item: t.coffee }).speech).toBe(t.no);
    expect(c.say("IsOnListIntent", { item: t.coffee, list: SHOPPING }).speech).toBe(t.noOn);
    expect(c.say("CountItemsIntent", { list: SHOPPING }).speech).toBe(t.count);
    expect(c.say("ReadCompletedIntent").speech).toBe(t.checkedAll);
    expect(c.say("ReadCompletedIntent", { list: TODO }).speech).toBe(t.checkedNone);
    expect(c.say("ReadAllListsIntent").speech).toBe(t.all);
  });

  it("yes and no with no question open give a hint; yes while reading a long list reads on", () => {
    const c = chat(start(), locale);
    for (const intent of ["AMAZON.YesIntent", "AMAZON.NoIntent"]) {
      const r = c.say(intent);
      expect(r.speech).toMatch(t.noQuestion);
      expect(r.reprompt).not.toBeNull();
    }
    const long = standardLists(locale, Array.from({ length: 8 }, (_, i) => `thing ${i}`));
    const reading = chat(long, locale);
    reading.say("ReadListIntent", { list: SHOPPING });
    expect(reading.say("AMAZON.YesIntent").speech).toMatch(/^Thing 5, thing 6 (and|und) thing 7\./);
  });

  it("undo says what it reverts for a deleted, renamed or cleared list", () => {
    const lists = start();
    const about = { listId: "H", listName: t.hw, defaultKind: null };
    const cases: [UndoableChange, string][] = [
      [{ kind: "deleteList", ...about, values: [t.nails] }, t.undoDelete],
      [{ kind: "renameList", ...about, listName: t.newName, values: [t.hw] }, t.undoRename],
      [{ kind: "clearList", listId: "S", listName: "Shopping", defaultKind: "shopping", values: [t.milk, t.eggs, de ? "Brot" : "bread"] }, t.undoClear],
    ];
    for (const [last, said] of cases) {
      lists.last = last;
      expect(chat(lists, locale).say("UndoIntent")).toMatchObject({ change: { kind: "undo" }, speech: said });
    }
  });

  it("a request about a whole list drops an open question about items instead of answering it", () => {
    const lists = standardLists(locale, [t.milk], [], [{ id: "H", name: t.hw, items: [t.milk] }]);
    const c = chat(lists, locale);
    const q = c.say("RemoveItemIntent", { item: t.milk });
    expect(q.session).toMatchObject({ pending: { kind: "choose" } });
    const r = c.say("DeleteListIntent", { list: t.hwSaid });
    expect(r.change).toBeNull();
    expect(r.session).toMatchObject({ pending: { kind: "confirmList", action: "delete", listId: "H" } });
    expect(lists.values("S")).toEqual([t.milk]);
  });

  it("delete, rename or clear without a list asks which, with an example", () => {
    for (const intent of ["DeleteListIntent", "RenameListIntent"]) {
      const r = chat(start(), locale).say(intent);
      expect(r.change).toBeNull();
      expect(r.speech).toMatch(de ? /^Welche Liste\? Sag zum Beispiel: / : /^Which list\? Say, for example: /);
      expect(r.reprompt).not.toBeNull();
    }
  });

  it("an offer keeps the items in the session only while they are small; more is explained as an unknown list", () => {
    const many = Array.from({ length: 60 }, (_, i) => `${"long thing ".repeat(7)}${i}`).join(", ");
    const r = chat(start(), locale).say("AddItemsIntent", { items: many, list: t.garage });
    expect(r.change).toBeNull();
    expect(r.session).toEqual({});
    expect(r.speech).toMatch(de ? /keine Liste namens/ : /couldn't find a list called/);
  });

  it("names are escaped for SSML, and a question about a list that is gone is answered", () => {
    const lists = standardLists(locale, [], [], [{ id: "J", name: "Tom & Jerry", items: ["cheese"] }]);
    const c = chat(lists, locale);
    expect(c.say("DeleteListIntent", { list: "Tom & Jerry" }).speech).toContain(t.amp);
    lists.data.splice(2, 1);
    const gone = c.say("AMAZON.YesIntent");
    expect(gone.change).toBeNull();
  });
});
