/**
 * @module voice/speech/de-DE
 * The replies in German (informal "du", as Alexa itself speaks). A list is
 * always a "Liste" (feminine), which keeps the cases simple: "auf deine
 * Einkaufsliste" (accusative), "auf deiner Liste Baumarkt" (dative); a custom
 * name that already ends in "liste" gets no second "Liste" ("deine
 * Baumarktliste").
 */
import { capitalize } from "../ssml.ts";
import type { StoreErrorCode } from "../types.ts";
import type { ItemOp, ListRef, Speech, UndoneChange } from "./index.ts";

/** "Einkaufsliste", "To-do-Liste", "Liste Baumarkt", "Baumarktliste". */
function listName(list: ListRef): string {
  if (list.kind === "shopping") return "Einkaufsliste";
  if (list.kind === "todo") return "To-do-Liste";
  return /liste$/i.test(list.name) ? list.name : `Liste ${list.name}`;
}

/** Accusative ("auf deine Einkaufsliste") and dative ("auf deiner Einkaufsliste"). */
const acc = (list: ListRef): string => `deine ${listName(list)}`;
const dat = (list: ListRef): string => `deiner ${listName(list)}`;
const entries = (n: number): string => (n === 1 ? "ein Eintrag" : `${n} Einträge`);
const stands = (n: number): string => (n === 1 ? "steht" : "stehen");
const is = (n: number): string => (n === 1 ? "ist" : "sind");
const checkMarks = (n: number): string => (n === 1 ? "den Haken" : "die Haken");

// Sentences about items agree with "ich" or "du", never with the item: whether
// "Eier" or "Milch" is plural is not known without a dictionary.
function undone(change: UndoneChange): string {
  const what = change.items.text;
  switch (change.kind) {
    case "add": {
      const back = change.reactivated;
      if (!back) return `Rückgängig gemacht: Ich habe ${what} wieder von ${dat(change.list)} genommen.`;
      return change.items.count > 0
        ? `Rückgängig gemacht: Ich habe ${what} wieder von ${dat(change.list)} genommen und ${back.text} wieder abgehakt.`
        : `Rückgängig gemacht: Ich habe ${back.text} auf ${dat(change.list)} wieder abgehakt.`;
    }
    case "remove":
      return `Rückgängig gemacht: Ich habe ${what} wieder auf ${acc(change.list)} gesetzt.`;
    case "status":
      return change.status === "completed"
        ? `Rückgängig gemacht: Ich habe den Haken bei ${what} auf ${dat(change.list)} wieder entfernt.`
        : `Rückgängig gemacht: Ich habe ${what} auf ${dat(change.list)} wieder abgehakt.`;
    case "clearCompleted":
      return `Rückgängig gemacht: Die abgehakten Einträge sind wieder auf ${dat(change.list)}.`;
    case "createList":
      return `Rückgängig gemacht: Ich habe die ${listName(change.list)} wieder gelöscht.`;
    case "deleteList":
      return `Rückgängig gemacht: ${capitalize(acc(change.list))} ist wieder da.`;
    case "renameList":
      return `Rückgängig gemacht: ${capitalize(acc(change.list))} heißt wieder ${what}.`;
    case "clearList":
      return `Rückgängig gemacht: Ich habe ${what} wieder auf ${acc(change.list)} gesetzt.`;
  }
}

const done: Record<ItemOp, (value: string, list: ListRef) => string> = {
  remove: (v, l) => `Ich habe ${v} von ${dat(l)} entfernt.`,
  checkOff: (v, l) => `Ich habe ${v} auf ${dat(l)} abgehakt.`,
  uncheck: (v, l) => `Ich habe den Haken bei ${v} auf ${dat(l)} entfernt.`,
};

const ERRORS: Record<StoreErrorCode, string> = {
  LIST_NOT_FOUND: "Diese Liste gibt es leider nicht mehr.",
  ITEM_NOT_FOUND: "Dieser Eintrag steht leider nicht mehr auf der Liste.",
  LIST_FULL: "Die Liste ist leider voll. Entferne zuerst etwas oder lösche die abgehakten Einträge.",
  TOO_MANY_LISTS: "Du hast leider schon so viele Listen, wie ich führen kann.",
  LIST_NAME_TAKEN: "Eine Liste mit diesem Namen gibt es schon.",
  VALUE_TOO_LONG: "Das ist leider zu lang für einen Eintrag.",
  NOTHING_TO_UNDO: "Es gibt nichts, was ich rückgängig machen kann.",
  APP_ITEM_ID_TAKEN: "Diesen Eintrag gibt es leider schon.",
  NOT_SUPPORTED: "Das geht mit dieser Liste leider nicht.",
};

/**
 * German.
 * @example deDE.added({ text: "Milch, Eier und Brot", count: 3 }, { kind: "shopping", name: "Einkaufsliste" })
 * // "Ich habe Milch, Eier und Brot auf deine Einkaufsliste gesetzt."
 */
export const deDE: Speech = {
  welcome:
    "Willkommen bei deinen Listen. Du kannst zum Beispiel sagen: setze Milch, Eier und Brot auf meine Einkaufsliste. " +
    "Oder frag: was steht auf meiner Einkaufsliste? Was möchtest du tun?",
  welcomeReprompt: "Was möchtest du tun? Sag Hilfe, wenn du Ideen brauchst.",
  help:
    "Ich führe deine Listen. Sag zum Beispiel: setze Milch, Eier und Brot auf meine Einkaufsliste. " +
    "Frag: was steht auf meiner Einkaufsliste? Oder sag: hake Milch ab, entferne Mama anrufen von meiner To-do-Liste, oder: rückgängig. " +
    "Du kannst auch fragen: steht Milch auf meiner Einkaufsliste? Und du kannst Listen umbenennen, leeren oder löschen. " +
    "Was möchtest du tun?",
  helpReprompt: "Was möchtest du tun?",
  fallback: "Das kann ich hier leider nicht. Du kannst zum Beispiel sagen: setze Milch auf meine Einkaufsliste. Oder sag Hilfe.",
  fallbackReprompt: "Was möchtest du tun? Oder sag Hilfe.",
  goodbye: "Tschüss!",
  anythingElse: "Noch etwas?",
  okay: "Okay.",
  leftAlone: "Okay, ich lasse es, wie es ist.",
  linkAccount: "Um deine Listen zu nutzen, verknüpfe bitte dein Konto. Ich habe dir eine Karte in die Alexa-App geschickt.",
  linkingUnavailable: "Ich kann dein Konto gerade nicht erreichen. Bitte versuch es gleich noch einmal.",

  listLabel: (list) => (list.kind === "shopping" ? "Einkaufsliste" : list.kind === "todo" ? "To-do-Liste" : list.name),
  andMore: (n) => `${n} weitere`,

  added: (it, l) => `Ich habe ${it.text} auf ${acc(l)} gesetzt.`,
  alreadyThere: (it, l) => `${capitalize(it.text)} hattest du schon auf ${dat(l)}.`,
  putBack: (it, l) => `${capitalize(it.text)} hattest du auf ${dat(l)} abgehakt; ich habe ${checkMarks(it.count)} entfernt.`,
  alsoPutBack: (it) => `${capitalize(it.text)} hattest du abgehakt; ich habe ${checkMarks(it.count)} entfernt.`,
  alsoAlreadyThere: (it) => `${capitalize(it.text)} hattest du schon drauf.`,
  askItemsToAdd: (l) => `Was soll ich auf ${acc(l)} setzen?`,
  listFull: (l, max, room) =>
    room > 0
      ? `Das passt nicht: Auf ${dat(l)} ist Platz für höchstens ${max} Einträge, frei sind nur noch ${room}. Entferne zuerst etwas oder lösche die abgehakten Einträge.`
      : `${capitalize(acc(l))} ist voll: Sie fasst höchstens ${max} Einträge. Entferne zuerst etwas oder lösche die abgehakten Einträge.`,
  valueTooLong: (max) => `Das ist zu lang für einen Eintrag: Ein Eintrag darf höchstens ${max} Zeichen haben.`,
  unknownList: (spoken, labels) => `Ich habe keine Liste namens ${spoken} gefunden. Deine Listen sind: ${labels}.`,

  askItem: (op) =>
    op === "remove" ? "Was soll ich entfernen?" : op === "checkOff" ? "Was soll ich abhaken?" : "Bei welchem Eintrag soll ich den Haken entfernen?",
  done: (op, v, l) => done[op](v, l),
  alreadyCheckedOff: (v, l) => `${capitalize(v)} hast du auf ${dat(l)} schon abgehakt.`,
  notCheckedOff: (v, l) => `${capitalize(v)} hast du auf ${dat(l)} noch nicht abgehakt.`,
  notFound: (spoken, l) =>
    l ? `Ich habe ${spoken} nicht auf ${dat(l)} gefunden.` : `Ich habe ${spoken} auf keiner deiner Listen gefunden.`,
  choiceOnList: (v, l) => `${v} auf ${dat(l)}`,
  whichOne: (options) => `${capitalize(options)}?`,
  whichOneReprompt: (options) => `Was meinst du: ${options}?`,
  didYouMean: (v) => `Meinst du ${v}?`,
  didYouMeanReprompt: (v) => `Meinst du ${v}? Sag ja oder nein.`,

  readList: (l, total, list) => `Auf ${dat(l)} ${stands(total)} ${entries(total)}: ${list}.`,
  readMore: (list) => `${capitalize(list)}.`,
  listEmpty: (l) => `${capitalize(acc(l))} ist leer.`,
  checkedOffCount: (n) => `${capitalize(entries(n))} ${is(n)} abgehakt.`,
  sayMore: "Sag mehr, um den Rest zu hören.",
  sayMoreReprompt: "Sag mehr, um den Rest zu hören, oder stopp.",
  endOfList: (l) => `Das war alles auf ${dat(l)}.`,
  lists: (n, labels) => (n === 1 ? `Du hast eine Liste: ${labels}.` : `Du hast ${n} Listen: ${labels}.`),

  cleared: (n, l) =>
    n === 1
      ? `Ich habe einen abgehakten Eintrag von ${dat(l)} gelöscht.`
      : `Ich habe ${n} abgehakte Einträge von ${dat(l)} gelöscht.`,
  nothingToClear: (l) => `Auf ${dat(l)} ist nichts abgehakt.`,
  undone,
  undonePartly: (it, l, left, max) =>
    `Nur zum Teil rückgängig gemacht: Ich habe ${it.text} wieder auf ${acc(l)} gesetzt, aber ${entries(left)} ${left === 1 ? "passt" : "passen"} nicht mehr darauf: Sie fasst höchstens ${max} Einträge.`,
  nothingToUndo: "Es gibt nichts, was ich rückgängig machen kann.",

  askListName: "Wie soll die neue Liste heißen?",
  createdList: (name) => `Ich habe die Liste ${name} angelegt.`,
  listNameTaken: (name) => `Eine Liste namens ${name} gibt es schon.`,
  tooManyLists: (max) => `Du hast schon ${max} Listen, mehr kann ich nicht führen.`,
  listNameTooLong: (max) => `Der Name ist zu lang: Ein Listenname darf höchstens ${max} Zeichen haben.`,

  noQuestion: "Gerade ist keine Frage offen. Du kannst zum Beispiel sagen: setze Milch auf die Liste, oder: was steht auf meiner Einkaufsliste?",
  yesOrNo: (q) => `${q} Sag ja oder nein.`,

  notAReminder: "Das steht auf deiner Liste; eine Alexa-Erinnerung ist es nicht.",
  offerCreate: (name, it) =>
    `Eine ${listName({ kind: null, name })} habe ich noch nicht. ` +
    (it.count > 0 ? `Soll ich sie anlegen und ${it.text} draufsetzen?` : "Soll ich sie anlegen?"),
  createdAndAdded: (name, it) =>
    it.count > 0
      ? `Ich habe die ${listName({ kind: null, name })} angelegt und ${it.text} draufgesetzt.`
      : `Ich habe die ${listName({ kind: null, name })} angelegt.`,
  addedNothing: "Okay, ich habe nichts hinzugefügt.",

  confirmDeleteList: (l, n) => (n === 0 ? `Soll ich ${acc(l)} löschen? Sie ist leer.` : `Soll ich ${acc(l)} mit ${entries(n).replace(/^ein /, "einem ").replace(/Einträge$/, "Einträgen")} löschen?`),
  deletedList: (l) => `Ich habe ${acc(l)} gelöscht.`,
  cannotDelete: (l) => `${capitalize(acc(l))} kann ich nicht löschen. Um sie zu leeren, sag: leere meine ${listName(l)}.`,
  askWhichList: (action) =>
    `Welche Liste? Sag zum Beispiel: ${action === "delete" ? "lösche meine Baumarktliste" : action === "rename" ? "benenne die Gartenliste in Balkon um" : "leere meine Einkaufsliste"}.`,
  askNewName: (l) => `Wie soll ${acc(l)} heißen?`,
  renamedList: (old, name) => `${capitalize(acc(old))} heißt jetzt ${name}.`,
  cannotRename: (l) => `${capitalize(acc(l))} behält ihren Namen.`,
  confirmClearList: (l, n) => (n === 1 ? `Soll ich den einen Eintrag von ${dat(l)} entfernen?` : `Soll ich alle ${n} Einträge von ${dat(l)} entfernen?`),
  clearedList: (l, n) =>
    `${n === 1 ? "Ich habe den einen Eintrag" : `Ich habe alle ${n} Einträge`} von ${dat(l)} entfernt. Sag rückgängig, um sie zurückzuholen.`,

  // "hast du", not "steht"/"stehen": the verb agrees with "du", whether "Eier" is plural or not.
  isOnList: (v, l, status) =>
    status === "active"
      ? `Ja, ${v} hast du auf ${l ? dat(l) : "deiner Liste"}.`
      : status === "completed"
        ? `${capitalize(v)} hast du auf ${l ? dat(l) : "deiner Liste"}, aber schon abgehakt.`
        : `Nein, ${v} hast du ${l ? `nicht auf ${dat(l)}` : "auf keiner deiner Listen"}.`,
  itemCount: (l, active, completed) => {
    const head = active === 0 ? `Auf ${dat(l)} ist nichts offen.` : `Auf ${dat(l)} ${stands(active)} ${entries(active)}.`;
    return completed === 0 ? head : `${head} ${completed === 1 ? "Ein weiterer ist abgehakt." : `${completed} weitere sind abgehakt.`}`;
  },
  checkedOffOn: (l, it) => (it.count === 0 ? `Auf ${dat(l)} ist nichts abgehakt.` : `Abgehakt auf ${dat(l)}: ${it.text}.`),
  nothingCheckedOff: "Auf deinen Listen ist nichts abgehakt.",
  summaryLine: (l, n, it) => (n === 0 ? `${listName(l)}: leer.` : `${listName(l)}, ${entries(n)}: ${it.text}.`),

  moreLists: (n) => (n === 1 ? "Und eine weitere Liste." : `Und ${n} weitere Listen.`),

  tooMuchAtOnce: "Das war leider zu viel auf einmal. Sag mir bitte nur ein paar Einträge auf einmal.",

  error: (code) => ERRORS[code],

  cardTitle: (l) => listName(l),
  cardEmpty: "(leer)",
  cardCheckedOff: "Abgehakt:",
  cardMore: (n) => `… und ${n} weitere`,
};
