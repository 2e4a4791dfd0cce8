/**
 * What people say about their lists, written the way they say it (fillers,
 * politeness, articles, short forms), not taken from the models' samples.
 * Each case starts from the same lists (START) and names the intent the first
 * utterance must reach and what the lists hold afterwards: `lists` gives the
 * open items of each list it names (null: the list is gone); every list it
 * does not name must be unchanged. `done` does the same for checked-off items,
 * `says` checks the last answer.
 */
import type { Locale } from "../../../src/voice/intents.ts";

export interface Case {
  /** One utterance, or several turns of one session ("delete my garden list", "yes"). */
  say: string | string[];
  intent: string;
  lists?: Record<string, string[] | null>;
  done?: Record<string, string[]>;
  says?: RegExp;
}

export interface Start {
  /** List name → open items, checked-off items. The first two are the shopping and to-do lists. */
  lists: [string, string[], string[]][];
}

export const START: Record<Locale, Start> = {
  "en-US": {
    lists: [
      ["shopping", ["milk", "eggs", "bread"], ["butter"]],
      ["to-do", ["call mom"], []],
      ["Hardware store", ["nails", "screws"], ["sandpaper"]],
      ["Garden", [], []],
    ],
  },
  "en-GB": {
    lists: [
      ["shopping", ["milk", "eggs", "bread"], ["butter"]],
      ["to-do", ["call mum"], []],
      ["Hardware store", ["nails", "screws"], ["sandpaper"]],
      ["Garden", [], []],
    ],
  },
  "de-DE": {
    lists: [
      ["shopping", ["Milch", "Eier", "Brot"], ["Butter"]],
      ["to-do", ["Mama anrufen"], []],
      ["Baumarkt", ["Nägel", "Schrauben"], ["Schleifpapier"]],
      ["Garten", [], []],
    ],
  },
};

const SHOP = ["milk", "eggs", "bread"];
const HW = ["nails", "screws"];
const GB_TODO = ["call mum"];
const US_TODO = ["call mom"];
const DE_SHOP = ["Milch", "Eier", "Brot"];
const DE_HW = ["Nägel", "Schrauben"];
const DE_TODO = ["Mama anrufen"];

export const CORPUS: Record<Locale, Case[]> = {
  "en-US": [
    // adding, the way people ask
    { say: "add bananas", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "bananas"] } },
    { say: "please add coffee and sugar to my shopping list", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "coffee", "sugar"] } },
    { say: "um add paper towels to the grocery list", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "paper towels"] } },
    { say: "can you put dish soap on my shopping list please", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "dish soap"] } },
    { say: "we're out of toilet paper", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "toilet paper"] } },
    { say: "add milk", intent: "AddItemsIntent", says: /already/ },
    { say: "add butter to my shopping list", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "butter"] }, done: { shopping: [] } },
    // a list the person has, without the word "list"
    { say: "add screws to hardware store", intent: "AddItemsIntent", says: /already/ },
    { say: "add wood glue to hardware store", intent: "AddItemsIntent", lists: { "Hardware store": [...HW, "wood glue"] } },
    { say: "put a hammer on hardware store", intent: "AddItemsIntent", lists: { "Hardware store": [...HW, "hammer"] } },
    { say: "add tulip bulbs to my garden", intent: "AddItemsIntent", lists: { Garden: ["tulip bulbs"] } },
    { say: "add drill bits and a tape measure to the hardware store", intent: "AddItemsIntent", lists: { "Hardware store": [...HW, "drill bits", "tape measure"] } },
    { say: "put fertilizer onto garden", intent: "AddItemsIntent", lists: { Garden: ["fertilizer"] } },
    { say: "add hose to the garden list", intent: "AddItemsIntent", lists: { Garden: ["hose"] } },
    // a list the person does not have yet
    { say: ["add sunscreen to my vacation list", "yes"], intent: "AddItemsIntent", lists: { vacation: ["sunscreen"] } },
    { say: ["add passport and chargers to my travel list", "yeah"], intent: "AddItemsIntent", lists: { travel: ["passport", "chargers"] } },
    { say: ["put a birthday card on my party list", "no"], intent: "AddItemsIntent" },
    { say: ["add streamers to my party list", "nope"], intent: "AddItemsIntent", says: /didn't add/ },
    // tasks, said as tasks
    { say: "remind me to call the dentist", intent: "AddTaskIntent", lists: { "to-do": [...US_TODO, "call the dentist"] }, says: /not an Alexa reminder/ },
    { say: "remind me to pick up the dry cleaning", intent: "AddTaskIntent", lists: { "to-do": [...US_TODO, "pick up the dry cleaning"] } },
    { say: "I need to renew my passport", intent: "AddTaskIntent", lists: { "to-do": [...US_TODO, "renew my passport"] } },
    { say: "I have to mow the lawn", intent: "AddTaskIntent", lists: { "to-do": [...US_TODO, "mow the lawn"] } },
    { say: "oh I have to email my boss", intent: "AddTaskIntent", lists: { "to-do": [...US_TODO, "email my boss"] } },
    { say: "please remind me to water the plants", intent: "AddTaskIntent", lists: { "to-do": [...US_TODO, "water the plants"] } },
    { say: "add take out the trash to my to do list", intent: "AddItemsIntent", lists: { "to-do": [...US_TODO, "take out the trash"] } },
    // questions
    { say: "is milk on my shopping list", intent: "IsOnListIntent", says: /^Yes, milk is on your shopping list/ },
    { say: "is there coffee on my shopping list", intent: "IsOnListIntent", says: /^No, coffee/ },
    { say: "do I have nails on my hardware store list", intent: "IsOnListIntent", says: /^Yes, nails are/ },
    { say: "did I already add eggs", intent: "IsOnListIntent", says: /^Yes, eggs are/ },
    { say: "is butter on the list", intent: "IsOnListIntent", says: /checked off/ },
    { say: "how many items are on my shopping list", intent: "CountItemsIntent", says: /has 3 items/ },
    { say: "how many things are on my to do list", intent: "CountItemsIntent", says: /has 1 item/ },
    { say: "how many items do I have on the hardware store list", intent: "CountItemsIntent", says: /has 2 items/ },
    { say: "how long is my shopping list", intent: "CountItemsIntent", says: /has 3 items/ },
    { say: "what did I check off", intent: "ReadCompletedIntent", says: /butter[\s\S]*sandpaper/ },
    { say: "what have I checked off on my hardware store list", intent: "ReadCompletedIntent", says: /sandpaper/ },
    { say: "what's checked off", intent: "ReadCompletedIntent", says: /butter/ },
    { say: "what's on all my lists", intent: "ReadAllListsIntent", says: /milk[\s\S]*call mom[\s\S]*nails/ },
    { say: "read me all my lists", intent: "ReadAllListsIntent", says: /milk[\s\S]*nails/ },
    { say: "give me a rundown of all my lists", intent: "ReadAllListsIntent", says: /Garden list: empty/ },
    // delete, rename, clear
    { say: ["delete my hardware store list", "yes"], intent: "DeleteListIntent", lists: { "Hardware store": null } },
    { say: "delete my hardware store list", intent: "DeleteListIntent", says: /^Delete your Hardware store list with 3 items\?/ },
    { say: ["get rid of the garden list", "sure"], intent: "DeleteListIntent", lists: { Garden: null } },
    { say: ["please delete the hardware store list", "no"], intent: "DeleteListIntent" },
    { say: "delete my shopping list", intent: "DeleteListIntent", says: /can't be deleted/ },
    { say: "rename my garden list to backyard", intent: "RenameListIntent", lists: { Garden: null, backyard: [] } },
    { say: "change the name of the hardware store list to home depot", intent: "RenameListIntent", lists: { "Hardware store": null, "home depot": HW }, done: { "home depot": ["sandpaper"] } },
    { say: ["clear my shopping list", "yes"], intent: "ClearListIntent", lists: { shopping: [] }, done: { shopping: [] } },
    { say: ["delete everything on my to do list", "yes please"], intent: "ClearListIntent", lists: { "to-do": [] } },
    { say: ["empty the hardware store list", "okay"], intent: "ClearListIntent", lists: { "Hardware store": [] }, done: { "Hardware store": [] } },
    { say: ["clear my shopping list", "no"], intent: "ClearListIntent" },
    { say: ["clear out my shopping list", "yes", "undo"], intent: "ClearListIntent" },
    { say: ["remove everything from my shopping list", "yep"], intent: "ClearListIntent", lists: { shopping: [] }, done: { shopping: [] } },
    // yes and no with nothing asked
    { say: "yes", intent: "AMAZON.YesIntent", says: /no question open/ },
    { say: "no", intent: "AMAZON.NoIntent", says: /no question open/ },
    // the rest of what people say
    { say: "take eggs off my shopping list", intent: "RemoveItemIntent", lists: { shopping: ["milk", "bread"] } },
    { say: "I got the bread", intent: "CheckOffItemIntent", lists: { shopping: ["milk", "eggs"] }, done: { shopping: ["butter", "bread"] } },
    { say: "check off milk please", intent: "CheckOffItemIntent", lists: { shopping: ["eggs", "bread"] }, done: { shopping: ["butter", "milk"] } },
    { say: "what's on my shopping list", intent: "ReadListIntent", says: /milk, eggs and bread/ },
    { say: "what lists do I have", intent: "ListListsIntent", says: /4 lists/ },
    { say: ["add pickles", "undo that"], intent: "AddItemsIntent" },
    { say: "create a list called camping", intent: "CreateListIntent", lists: { camping: [] } },
  ],
  "en-GB": [
    { say: "add crisps", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "crisps"] } },
    { say: "could you pop some biscuits on the shopping list", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "biscuits"] } },
    { say: "add teabags and squash to my shopping list please", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "teabags", "squash"] } },
    { say: "we've run out of washing up liquid", intent: "AddItemsIntent", lists: { shopping: [...SHOP, "washing up liquid"] } },
    { say: "add rawlplugs to hardware store", intent: "AddItemsIntent", lists: { "Hardware store": [...HW, "rawlplugs"] } },
    { say: "stick a spirit level on hardware store", intent: "AddItemsIntent", lists: { "Hardware store": [...HW, "spirit level"] } },
    { say: "put compost on garden", intent: "AddItemsIntent", lists: { Garden: ["compost"] } },
    { say: "add a trowel to the garden", intent: "AddItemsIntent", lists: { Garden: ["trowel"] } },
    { say: "add nails to hardware store", intent: "AddItemsIntent", says: /already/ },
    { say: ["add wellies to my holiday list", "yes"], intent: "AddItemsIntent", lists: { holiday: ["wellies"] } },
    { say: ["add a tent to my camping list", "yes please"], intent: "AddItemsIntent", lists: { camping: ["tent"] } },
    { say: ["add bunting to my party list", "no thanks"], intent: "AddItemsIntent" },
    { say: "remind me to ring the council", intent: "AddTaskIntent", lists: { "to-do": [...GB_TODO, "ring the council"] }, says: /not an Alexa reminder/ },
    { say: "I need to book an MOT", intent: "AddTaskIntent", lists: { "to-do": [...GB_TODO, "book an MOT"] } },
    { say: "I have to post the parcel", intent: "AddTaskIntent", lists: { "to-do": [...GB_TODO, "post the parcel"] } },
    { say: "I've got to sort the bins out", intent: "AddTaskIntent", lists: { "to-do": [...GB_TODO, "sort the bins out"] } },
    { say: "remind me to pay the window cleaner please", intent: "AddTaskIntent", lists: { "to-do": [...GB_TODO, "pay the window cleaner"] } },
    { say: "is milk on my shopping list", intent: "IsOnListIntent", says: /^Yes, milk is/ },
    { say: "have I got bread on my shopping list", intent: "IsOnListIntent", says: /^Yes, bread/ },
    { say: "is there any butter on the shopping list", intent: "IsOnListIntent", says: /ticked off/ },
    { say: "is cheese on my list", intent: "IsOnListIntent", says: /^No, cheese/ },
    { say: "how many items are on my shopping list", intent: "CountItemsIntent", says: /has 3 items/ },
    { say: "how many things have I got on my hardware store list", intent: "CountItemsIntent", says: /has 2 items/ },
    { say: "how many things are on the to do list", intent: "CountItemsIntent", says: /has 1 item/ },
    { say: "what have I ticked off", intent: "ReadCompletedIntent", says: /butter[\s\S]*sandpaper/ },
    { say: "what did I tick off on my shopping list", intent: "ReadCompletedIntent", says: /butter/ },
    { say: "what's been ticked off", intent: "ReadCompletedIntent", says: /butter/ },
    { say: "what's on all my lists", intent: "ReadAllListsIntent", says: /milk[\s\S]*nails/ },
    { say: "run through all my lists", intent: "ReadAllListsIntent", says: /milk[\s\S]*nails/ },
    { say: ["delete my garden list", "yes"], intent: "DeleteListIntent", lists: { Garden: null } },
    { say: ["bin the hardware store list", "yes"], intent: "DeleteListIntent", lists: { "Hardware store": null } },
    { say: ["delete the hardware store list", "no"], intent: "DeleteListIntent" },
    { say: "delete my to do list", intent: "DeleteListIntent", says: /can't be deleted/ },
    { say: "rename the garden list to allotment", intent: "RenameListIntent", lists: { Garden: null, allotment: [] } },
    { say: "call my hardware store list b and q", intent: "RenameListIntent", lists: { "Hardware store": null, "b and q": HW }, done: { "b and q": ["sandpaper"] } },
    { say: ["clear my shopping list", "yes"], intent: "ClearListIntent", lists: { shopping: [] }, done: { shopping: [] } },
    { say: ["wipe my to do list", "yes"], intent: "ClearListIntent", lists: { "to-do": [] } },
    { say: ["get rid of everything on the hardware store list", "go ahead"], intent: "ClearListIntent", lists: { "Hardware store": [] }, done: { "Hardware store": [] } },
    { say: ["clear the shopping list", "no"], intent: "ClearListIntent" },
    { say: "yes", intent: "AMAZON.YesIntent", says: /no question open/ },
    { say: "no", intent: "AMAZON.NoIntent", says: /no question open/ },
    { say: "tick off bread", intent: "CheckOffItemIntent", lists: { shopping: ["milk", "eggs"] }, done: { shopping: ["butter", "bread"] } },
    { say: "take the eggs off my shopping list", intent: "RemoveItemIntent", lists: { shopping: ["milk", "bread"] } },
    { say: "what's on my shopping list", intent: "ReadListIntent", says: /milk, eggs and bread/ },
    { say: "which lists have I got", intent: "ListListsIntent", says: /4 lists/ },
    { say: ["add jam", "undo"], intent: "AddItemsIntent" },
    { say: "make a list called christmas", intent: "CreateListIntent", lists: { christmas: [] } },
  ],
  "de-DE": [
    { say: "füge Bananen hinzu", intent: "AddItemsIntent", lists: { shopping: [...DE_SHOP, "Bananen"] } },
    { say: "setz bitte Kaffee und Zucker auf die Einkaufsliste", intent: "AddItemsIntent", lists: { shopping: [...DE_SHOP, "Kaffee", "Zucker"] } },
    { say: "schreib Klopapier auf meine Einkaufsliste", intent: "AddItemsIntent", lists: { shopping: [...DE_SHOP, "Klopapier"] } },
    { say: "wir brauchen noch Spülmittel", intent: "AddItemsIntent", lists: { shopping: [...DE_SHOP, "Spülmittel"] } },
    { say: "ich brauche Käse", intent: "AddItemsIntent", lists: { shopping: [...DE_SHOP, "Käse"] } },
    { say: "füge Milch hinzu", intent: "AddItemsIntent", says: /schon/ },
    { say: "füge Butter zur Einkaufsliste hinzu", intent: "AddItemsIntent", lists: { shopping: [...DE_SHOP, "Butter"] }, done: { shopping: [] } },
    { say: "füge Dübel zu Baumarkt hinzu", intent: "AddItemsIntent", lists: { Baumarkt: [...DE_HW, "Dübel"] } },
    { say: "setze Holzleim auf die Baumarkt-Liste", intent: "AddItemsIntent", lists: { Baumarkt: [...DE_HW, "Holzleim"] } },
    { say: "setz einen Hammer auf Baumarkt", intent: "AddItemsIntent", lists: { Baumarkt: [...DE_HW, "Hammer"] } },
    { say: "füge Blumenerde zum Garten hinzu", intent: "AddItemsIntent", lists: { Garten: ["Blumenerde"] } },
    { say: "schreib Rasensamen auf Garten", intent: "AddItemsIntent", lists: { Garten: ["Rasensamen"] } },
    { say: "füge Nägel zu Baumarkt hinzu", intent: "AddItemsIntent", says: /schon/ },
    { say: ["füge Sonnencreme zur Urlaubsliste hinzu", "ja"], intent: "AddItemsIntent", lists: { Urlaubsliste: ["Sonnencreme"] } },
    { say: ["setz Zelt und Schlafsack auf die Campingliste", "ja bitte"], intent: "AddItemsIntent", lists: { Campingliste: ["Zelt", "Schlafsack"] } },
    { say: ["füge Luftballons zur Partyliste hinzu", "nein"], intent: "AddItemsIntent" },
    { say: "erinnere mich an den Zahnarzttermin", intent: "AddTaskIntent", lists: { "to-do": [...DE_TODO, "Zahnarzttermin"] }, says: /keine Alexa-Erinnerung|eine Alexa-Erinnerung ist es nicht/ },
    { say: "ich muss noch die Steuererklärung machen", intent: "AddTaskIntent", lists: { "to-do": [...DE_TODO, "Steuererklärung machen"] } },
    { say: "ich muss Oma anrufen", intent: "AddTaskIntent", lists: { "to-do": [...DE_TODO, "Oma anrufen"] } },
    { say: "ich muss unbedingt den Keller aufräumen", intent: "AddTaskIntent", lists: { "to-do": [...DE_TODO, "Keller aufräumen"] } },
    { say: "erinnere mich bitte an die Reifenwechsel", intent: "AddTaskIntent", lists: { "to-do": [...DE_TODO, "Reifenwechsel"] } },
    { say: "steht Milch auf meiner Einkaufsliste", intent: "IsOnListIntent", says: /^Ja, Milch steht/ },
    { say: "steht Kaffee auf der Einkaufsliste", intent: "IsOnListIntent", says: /^Nein, Kaffee/ },
    { say: "habe ich Schrauben auf der Baumarktliste", intent: "IsOnListIntent", says: /^Ja, Schrauben/ },
    { say: "ist Butter schon auf der Liste", intent: "IsOnListIntent", says: /abgehakt/ },
    { say: "wie viele Einträge sind auf meiner Einkaufsliste", intent: "CountItemsIntent", says: /3 Einträge/ },
    { say: "wie viele Sachen stehen auf der To-do-Liste", intent: "CountItemsIntent", says: /ein Eintrag/ },
    { say: "wie lang ist meine Einkaufsliste", intent: "CountItemsIntent", says: /3 Einträge/ },
    { say: "wie viel steht auf der Baumarktliste", intent: "CountItemsIntent", says: /2 Einträge/ },
    { say: "was habe ich abgehakt", intent: "ReadCompletedIntent", says: /Butter[\s\S]*Schleifpapier/ },
    { say: "was habe ich auf der Baumarktliste schon abgehakt", intent: "ReadCompletedIntent", says: /Schleifpapier/ },
    { say: "was ist schon erledigt", intent: "ReadCompletedIntent", says: /Butter/ },
    { say: "was steht auf allen meinen Listen", intent: "ReadAllListsIntent", says: /Milch[\s\S]*Nägel/ },
    { say: "lies mir alle Listen vor", intent: "ReadAllListsIntent", says: /Milch[\s\S]*Nägel/ },
    { say: "gib mir einen Überblick über meine Listen", intent: "ReadAllListsIntent", says: /Garten: leer/ },
    { say: ["lösche meine Baumarktliste", "ja"], intent: "DeleteListIntent", lists: { Baumarkt: null } },
    { say: "lösch die Liste Baumarkt", intent: "DeleteListIntent", says: /^Soll ich deine Liste Baumarkt mit 3 Einträgen löschen\?/ },
    { say: ["lösche die Gartenliste", "klar"], intent: "DeleteListIntent", lists: { Garten: null } },
    { say: ["lösche bitte die Liste Garten", "nein"], intent: "DeleteListIntent" },
    { say: "lösche meine Einkaufsliste", intent: "DeleteListIntent", says: /nicht löschen/ },
    { say: "lösche die Milch", intent: "DeleteListIntent", lists: { shopping: ["Eier", "Brot"] } },
    { say: "benenne die Gartenliste in Balkon um", intent: "RenameListIntent", lists: { Garten: null, Balkon: [] } },
    { say: "nenn die Liste Baumarkt in Werkzeug um", intent: "RenameListIntent", lists: { Baumarkt: null, Werkzeug: DE_HW }, done: { Werkzeug: ["Schleifpapier"] } },
    { say: ["leere meine Einkaufsliste", "ja"], intent: "ClearListIntent", lists: { shopping: [] }, done: { shopping: [] } },
    { say: ["lösche alles auf meiner To-do-Liste", "ja"], intent: "ClearListIntent", lists: { "to-do": [] } },
    { say: ["mach die Baumarktliste leer", "ja"], intent: "ClearListIntent", lists: { Baumarkt: [] }, done: { Baumarkt: [] } },
    { say: ["entferne alles von der Einkaufsliste", "nein"], intent: "ClearListIntent" },
    { say: ["leere die Einkaufsliste", "ja", "rückgängig"], intent: "ClearListIntent" },
    { say: "ja", intent: "AMAZON.YesIntent", says: /keine Frage offen/ },
    { say: "nein", intent: "AMAZON.NoIntent", says: /keine Frage offen/ },
    { say: "hake Brot ab", intent: "CheckOffItemIntent", lists: { shopping: ["Milch", "Eier"] }, done: { shopping: ["Butter", "Brot"] } },
    { say: "nimm die Eier von der Einkaufsliste", intent: "RemoveItemIntent", lists: { shopping: ["Milch", "Brot"] } },
    { say: "was steht auf meiner Einkaufsliste", intent: "ReadListIntent", says: /Milch, Eier und Brot/ },
    { say: "welche Listen habe ich", intent: "ListListsIntent", says: /4 Listen/ },
    { say: ["füge Senf hinzu", "mach das rückgängig"], intent: "AddItemsIntent" },
    { say: "erstelle eine Liste namens Weihnachten", intent: "CreateListIntent", lists: { Weihnachten: [] } },
  ],
};
