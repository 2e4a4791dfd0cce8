/**
 * The emulator's NLU: utterances resolved against interaction models the way
 * Alexa's would (invocation prefixes, most specific sample, open slot values,
 * entity resolution, built-ins, fallback), first on small fixture models,
 * then on the project's own models in skill-package/.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type CompiledModel, compileModel, loadModel, ModelCache, ModelError } from "../../../emulator/nlu/model.ts";
import { type Resolved, resolveUtterance } from "../../../emulator/nlu/resolve.ts";
import { words } from "../../../emulator/nlu/text.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/models/", import.meta.url));
const SKILL_ID = "amzn1.ask.skill.test";

/** `intent slot=value …` (values with their resolved ids), or `LaunchRequest`, or `null`. */
function heard(model: CompiledModel, text: string): string {
  return describeResolved(resolveUtterance(model, text, { skillId: SKILL_ID }));
}

function describeResolved(r: Resolved | null): string {
  if (r === null) return "null";
  if (r.type === "LaunchRequest") return "LaunchRequest";
  const slots = Object.entries(r.slots).map(([name, s]) => {
    const per = s.resolutions?.resolutionsPerAuthority[0];
    const ids = per ? (per.values ? `→${per.values.map((v) => v.value.id).join("|")}` : "→?") : "";
    return `${name}=${s.value}${ids}`;
  });
  return [r.intent, ...slots].join(" ");
}

describe("NLU on the fixture models", () => {
  let en: CompiledModel;
  let de: CompiledModel;
  beforeAll(async () => {
    en = await loadModel("en-US", FIXTURES);
    de = await loadModel("de-DE", FIXTURES);
  });

  it("normalises like speech recognition: lower case, no punctuation but apostrophes, hyphens split", () => {
    expect(words("Alexa, what's on my To-Do list?!").lower).toEqual(["alexa", "what's", "on", "my", "to", "do", "list"]);
    expect(words("Add ‘Milch’, Eier & Brot").orig).toEqual(["Add", "Milch", "Eier", "Brot"]);
    expect(heard(en, "What's on my shopping list?")).toBe("ReadListIntent list=shopping→shopping");
  });

  it("strips invocation prefixes; opening the skill is a LaunchRequest", () => {
    expect(heard(en, "Alexa, ask list bridge to add milk to my shopping list")).toBe("AddItemsIntent items=milk list=shopping→shopping");
    expect(heard(en, "tell list bridge to check off milk")).toBe("CheckOffItemIntent item=milk");
    expect(heard(en, "ask list bridge what's on my grocery list")).toBe("ReadListIntent list=grocery→shopping");
    expect(heard(en, "ask list bridge for help")).toBe("AMAZON.HelpIntent");
    expect(heard(en, "open list bridge and undo")).toBe("UndoIntent");
    expect(heard(en, "remove eggs using list bridge")).toBe("RemoveItemIntent item=eggs");
    for (const launch of ["open list bridge", "Alexa, start list bridge", "ask list bridge", "list bridge", "talk to list bridge"]) {
      expect(heard(en, launch), launch).toBe("LaunchRequest");
    }
    expect(heard(de, "Alexa, frag Listen Brücke, was steht auf meiner Einkaufsliste")).toBe("ReadListIntent list=Einkaufsliste→shopping");
    expect(heard(de, "sag listen brücke füge Milch hinzu")).toBe("AddItemsIntent items=Milch");
    expect(heard(de, "öffne Listen Brücke")).toBe("LaunchRequest");
    expect(heard(de, "Listen Brücke starten")).toBe("LaunchRequest");
    expect(heard(en, "Alexa")).toBe("null");
    expect(heard(en, "  ?! ")).toBe("null");
  });

  it("prefers the sample with the most literal words", () => {
    // Four samples match; "add {items} to my {list} list" has the most words of its own.
    const r = resolveUtterance(en, "add milk and eggs to my shopping list", { skillId: SKILL_ID });
    expect(r).toMatchObject({ intent: "AddItemsIntent", sample: "add {items} to my {list} list", slots: { items: { value: "milk and eggs" }, list: { value: "shopping" } } });
    expect(heard(en, "add milk to shopping")).toBe("AddItemsIntent items=milk list=shopping→shopping");
    expect(heard(en, "add milk")).toBe("AddItemsIntent items=milk");
    // "{item}" would take "check off milk" too, and "undo" (no literal words): the specific sample wins.
    expect(heard(en, "check off milk")).toBe("CheckOffItemIntent item=milk");
    expect(heard(en, "undo")).toBe("UndoIntent");
    expect(heard(en, "the oat milk")).toBe("AnswerItemIntent item=oat milk");
  });

  it("looks past fillers and politeness, as Alexa does: they never end up in a slot", () => {
    expect(heard(en, "check off milk please")).toBe("CheckOffItemIntent item=milk");
    expect(heard(en, "um could you add milk to my shopping list please")).toBe("AddItemsIntent items=milk list=shopping→shopping");
    expect(heard(en, "ask list bridge to please check off milk thanks")).toBe("CheckOffItemIntent item=milk");
    expect(heard(de, "füge bitte Milch hinzu")).toBe("AddItemsIntent items=Milch");
    expect(heard(de, "kannst du mal Milch hinzufügen")).not.toContain("kannst");
    // The words themselves are still heard when they are all there is, or part of a sample.
    expect(heard(en, "please")).toBe("AnswerItemIntent item=please");
  });

  it("takes any words as a custom slot value, keeping how they were typed", () => {
    expect(heard(en, "add dragon fruit and Quark to my shopping list")).toBe("AddItemsIntent items=dragon fruit and Quark list=shopping→shopping");
    expect(heard(de, "füge Milch und Eier zu meiner Einkaufsliste hinzu")).toBe("AddItemsIntent items=Milch und Eier list=Einkaufsliste→shopping");
  });

  it("resolves entities by value name and synonyms, case-insensitively, with Alexa's authority and statuses", () => {
    const r = resolveUtterance(en, "what's on my Groceries list", { skillId: SKILL_ID });
    expect(r).toMatchObject({ type: "IntentRequest", intent: "ReadListIntent" });
    expect(r?.type === "IntentRequest" && r.slots.list).toEqual({
      value: "Groceries",
      resolutions: {
        resolutionsPerAuthority: [
          {
            authority: `amzn1.er-authority.echo-sdk.${SKILL_ID}.LIST_NAME`,
            status: { code: "ER_SUCCESS_MATCH" },
            values: [{ value: { name: "shopping", id: "shopping" } }],
          },
        ],
      },
    });
    expect(heard(en, "what's on my to-do list")).toBe("ReadListIntent list=to do→todo");
    // A synonym two values share resolves to both.
    expect(heard(en, "what's on my tasks list")).toBe("ReadListIntent list=tasks→todo|errands");
    const none = resolveUtterance(en, "what's on my hardware list", { skillId: SKILL_ID });
    expect(none?.type === "IntentRequest" && none.slots.list?.resolutions?.resolutionsPerAuthority).toEqual([
      { authority: `amzn1.er-authority.echo-sdk.${SKILL_ID}.LIST_NAME`, status: { code: "ER_SUCCESS_NO_MATCH" } },
    ]);
    // A type without ids (LIST_ITEM) gets no resolutions, like a near-match would not.
    const item = resolveUtterance(en, "check off milk", { skillId: SKILL_ID });
    expect(item?.type === "IntentRequest" && item.slots.item).toEqual({ value: "milk" });
    expect(heard(de, "was steht auf meiner aufgabenliste")).toBe("ReadListIntent list=aufgabenliste→todo");
  });

  it("matches built-in intents in English and German, the optional ones only when declared", () => {
    const enCases: Record<string, string> = {
      help: "AMAZON.HelpIntent",
      "what can I say": "AMAZON.HelpIntent",
      "how do I add things": "AMAZON.HelpIntent",
      stop: "AMAZON.StopIntent",
      cancel: "AMAZON.CancelIntent",
      "never mind": "AMAZON.CancelIntent",
      yes: "AMAZON.YesIntent",
      "no thanks": "AMAZON.NoIntent",
      "tell me more": "AMAZON.MoreIntent",
      "go home": "AMAZON.NavigateHomeIntent",
    };
    for (const [text, intent] of Object.entries(enCases)) expect(heard(en, text), text).toBe(intent);
    // The en-US fixture does not declare AMAZON.NextIntent: "next" is just an answer there.
    expect(heard(en, "next")).toBe("AnswerItemIntent item=next");
    const deCases: Record<string, string> = {
      hilfe: "AMAZON.HelpIntent",
      stopp: "AMAZON.StopIntent",
      abbrechen: "AMAZON.CancelIntent",
      ja: "AMAZON.YesIntent",
      nein: "AMAZON.NoIntent",
      mehr: "AMAZON.MoreIntent",
      weiter: "AMAZON.NextIntent",
      "zum Startbildschirm": "AMAZON.NavigateHomeIntent",
    };
    for (const [text, intent] of Object.entries(deCases)) expect(heard(de, text), text).toBe(intent);
  });

  it("falls back to AMAZON.FallbackIntent when no sample matches", () => {
    expect(resolveUtterance(de, "wie wird das Wetter morgen", { skillId: SKILL_ID })).toEqual({
      type: "IntentRequest",
      intent: "AMAZON.FallbackIntent",
      slots: {},
      sample: null,
    });
    expect(heard(de, "frag listen brücke wie wird das wetter")).toBe("AMAZON.FallbackIntent");
  });

  it("refuses a model Alexa would not build, naming the problem", () => {
    const model = (intents: unknown[], types: unknown[] = []): unknown => ({
      interactionModel: { languageModel: { invocationName: "list bridge", intents, types } },
    });
    expect(() => compileModel(model([{ name: "A", samples: ["add {items}"] }]), "en-US")).toThrow(/A: sample "add \{items\}" uses \{items\}, which the intent does not declare/);
    expect(() => compileModel(model([{ name: "A", slots: [{ name: "x", type: "NOPE" }], samples: [] }]), "en-US")).toThrow(/type NOPE, which the model does not define/);
    expect(() => compileModel(model([]), "en-US")).toThrow(ModelError);
    expect(() => compileModel({}, "en-US")).toThrow(/no interactionModel/);
    const ok = compileModel(model([{ name: "A", slots: [{ name: "n", type: "AMAZON.NUMBER" }], samples: ["add {n} eggs"] }]), "en-US");
    expect(describeResolved(resolveUtterance(ok, "add 12 eggs"))).toBe("A n=12");
    expect(describeResolved(resolveUtterance(ok, "add twelve eggs"))).toBe("AMAZON.FallbackIntent");
  });

  it("says which file is missing, and refuses paths as locales", async () => {
    await expect(loadModel("fr-FR", FIXTURES)).rejects.toMatchObject({ kind: "missing", message: expect.stringContaining("fr-FR.json") });
    await expect(new ModelCache(FIXTURES).get("../en-US")).rejects.toMatchObject({ kind: "locale" });
    const cache = new ModelCache(FIXTURES);
    expect(await cache.get("en-US")).toBe(await cache.get("en-US"));
  });
});

describe("NLU on the project's interaction models (skill-package/)", () => {
  const real = (locale: string): Promise<CompiledModel> => loadModel(locale);

  it("en-US: the obvious phrasings", async () => {
    const m = await real("en-US");
    const cases: Record<string, string> = {
      "add milk to my shopping list": "AddItemsIntent items=milk list=shopping→shopping",
      "Alexa, ask list helper to add milk and eggs to my shopping list": "AddItemsIntent items=milk and eggs list=shopping→shopping",
      "what's on my shopping list": "ReadListIntent list=shopping→shopping",
      "what's on my to-do list": "ReadListIntent list=to do→todo",
      "remove milk from my shopping list": "RemoveItemIntent item=milk list=shopping→shopping",
      "check off milk": "CheckOffItemIntent item=milk",
      "uncheck milk": "UncheckItemIntent item=milk",
      undo: "UndoIntent",
      "which lists do I have": "ListListsIntent",
      "clear completed items from my grocery list": "ClearCompletedIntent list=grocery→shopping",
      "create a list called hardware store": "CreateListIntent listName=hardware store→?",
      "open list helper": "LaunchRequest",
      help: "AMAZON.HelpIntent",
      stop: "AMAZON.StopIntent",
      next: "AMAZON.NextIntent",
    };
    for (const [text, expected] of Object.entries(cases)) expect(heard(m, text), text).toBe(expected);
  });

  it("en-GB: the obvious phrasings, British ones included", async () => {
    const m = await real("en-GB");
    const cases: Record<string, string> = {
      "add milk to my shopping list": "AddItemsIntent items=milk list=shopping→shopping",
      "pop eggs on my shopping list": "AddItemsIntent items=eggs list=shopping→shopping",
      "what have I got on my shopping list": "ReadListIntent list=shopping→shopping",
      "remove milk from my shopping list": "RemoveItemIntent item=milk list=shopping→shopping",
      "tick off milk": "CheckOffItemIntent item=milk",
      undo: "UndoIntent",
      "which lists have I got": "ListListsIntent",
      "ask list helper what's on my shopping list": "ReadListIntent list=shopping→shopping",
    };
    for (const [text, expected] of Object.entries(cases)) expect(heard(m, text), text).toBe(expected);
  });

  it("de-DE: the obvious phrasings", async () => {
    const m = await real("de-DE");
    const cases: Record<string, string> = {
      "füge Milch zu meiner Einkaufsliste hinzu": "AddItemsIntent items=Milch list=Einkaufsliste→shopping",
      "füge Milch und Eier zur Einkaufsliste hinzu": "AddItemsIntent items=Milch und Eier list=Einkaufsliste→shopping",
      "Alexa, frage Listen Helfer, was auf meiner Einkaufsliste steht": "ReadListIntent list=Einkaufsliste→shopping",
      "was steht auf meiner Einkaufsliste": "ReadListIntent list=Einkaufsliste→shopping",
      "streiche Milch von der Einkaufsliste": "RemoveItemIntent item=Milch list=Einkaufsliste→shopping",
      "ich brauche keine Milch mehr": "RemoveItemIntent item=Milch",
      "hake Milch ab": "CheckOffItemIntent item=Milch",
      "rückgängig": "UndoIntent",
      "welche Listen habe ich": "ListListsIntent",
      "was steht auf meiner Aufgabenliste": "ReadListIntent list=Aufgabenliste→todo",
      "öffne Listen Helfer": "LaunchRequest",
      hilfe: "AMAZON.HelpIntent",
      stopp: "AMAZON.StopIntent",
    };
    for (const [text, expected] of Object.entries(cases)) expect(heard(m, text), text).toBe(expected);
  });

  it("the list intents and questions, in every locale", async () => {
    const cases: Record<string, Record<string, string>> = {
      "en-US": {
        "delete my hardware store list": "DeleteListIntent list=hardware store→?",
        "rename my garden list to backyard": "RenameListIntent list=garden→? listName=backyard→?",
        "clear my shopping list": "ClearListIntent list=shopping→shopping",
        "delete everything on my to do list": "ClearListIntent list=to do→todo",
        "is milk on my shopping list": "IsOnListIntent item=milk list=shopping→shopping",
        "how many items are on my shopping list": "CountItemsIntent list=shopping→shopping",
        "what did I check off": "ReadCompletedIntent",
        "what's on all my lists": "ReadAllListsIntent",
        "remind me to call mom": "AddTaskIntent task=call mom",
        "I need to call mom": "AddTaskIntent task=call mom",
        "I need to buy milk": "AddItemsIntent items=milk",
        "add screws to hardware store": "AddItemsIntent items=screws to hardware store",
      },
      "en-GB": {
        "bin the garden list": "DeleteListIntent list=garden→?",
        "what have I ticked off": "ReadCompletedIntent",
        "have I got milk on my shopping list": "IsOnListIntent item=milk list=shopping→shopping",
        "I've got to ring the council": "AddTaskIntent task=ring the council",
      },
      "de-DE": {
        "lösche meine Baumarktliste": "DeleteListIntent list=Baumarktliste→?",
        "benenne die Gartenliste in Balkon um": "RenameListIntent list=Gartenliste→? listName=Balkon→?",
        "leere meine Einkaufsliste": "ClearListIntent list=Einkaufsliste→shopping",
        "steht Milch auf meiner Einkaufsliste": "IsOnListIntent item=Milch list=Einkaufsliste→shopping",
        "wie viele Einträge sind auf meiner Einkaufsliste": "CountItemsIntent list=Einkaufsliste→shopping",
        "was habe ich abgehakt": "ReadCompletedIntent",
        "was steht auf allen meinen Listen": "ReadAllListsIntent",
        "ich muss Oma anrufen": "AddTaskIntent task=Oma anrufen",
        "füge Schrauben zu Baumarkt hinzu": "AddItemsIntent items=Schrauben zu Baumarkt",
      },
    };
    for (const [locale, said] of Object.entries(cases)) {
      const m = await real(locale);
      for (const [text, expected] of Object.entries(said)) expect(heard(m, text), `${locale}: ${text}`).toBe(expected);
    }
  });
});
