/**
 * @module voice/intents
 * The voice contract between the interaction models (skill-package/) and the
 * code: every intent the bridge handles, its slots, and the locales it speaks.
 * Tests check that each model declares exactly these intents and slots.
 */

/** The locales with their own interaction model and their own replies. */
export const LOCALES = ["en-US", "en-GB", "de-DE"] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * The locale to answer in: an exact match, else the same language (en-AU →
 * en-US, de-AT → de-DE), else en-US.
 * @example localeOf("en-GB") // "en-GB"; localeOf("en-IN") // "en-US"; localeOf("de-CH") // "de-DE"
 */
export function localeOf(requestLocale: unknown): Locale {
  if (typeof requestLocale !== "string") return "en-US";
  const exact = LOCALES.find((l) => l.toLowerCase() === requestLocale.toLowerCase());
  if (exact) return exact;
  return requestLocale.toLowerCase().startsWith("de") ? "de-DE" : "en-US";
}

/** Custom slot types of the models. */
export const SlotType = {
  /** What goes on a list: one or several items ("milk eggs and bread"). */
  item: "LIST_ITEM",
  /** A list's name: shopping and to-do with synonyms (ids `shopping`, `todo`), or a custom list's name. */
  list: "LIST_NAME",
} as const;

/** The custom intents and their slots (slot name → custom slot type). */
export const CUSTOM_INTENTS = {
  /** "add milk, eggs and bread to my shopping list"; the list may be left out. */
  AddItemsIntent: { items: SlotType.item, list: SlotType.list },
  /** "remove milk from my shopping list". */
  RemoveItemIntent: { item: SlotType.item, list: SlotType.list },
  /** "check off milk", "mark call mum as done". */
  CheckOffItemIntent: { item: SlotType.item, list: SlotType.list },
  /** "uncheck milk", "mark milk as not done". */
  UncheckItemIntent: { item: SlotType.item, list: SlotType.list },
  /** "what's on my shopping list". */
  ReadListIntent: { list: SlotType.list },
  /** "which lists do I have". */
  ListListsIntent: {},
  /** "clear completed items from my shopping list". */
  ClearCompletedIntent: { list: SlotType.list },
  /** "undo", "undo the last change". */
  UndoIntent: {},
  /** "create a list called hardware store". */
  CreateListIntent: { listName: SlotType.list },
  /** "remind me to call mom", "I need to call mom": to the to-do list (not an Alexa reminder). */
  AddTaskIntent: { task: SlotType.item },
  /** "delete my hardware store list" (asks first; not the shopping or to-do list). */
  DeleteListIntent: { list: SlotType.list },
  /** "rename my garden list to yard". */
  RenameListIntent: { list: SlotType.list, listName: SlotType.list },
  /** "clear my shopping list", "delete everything on my to-do list" (asks first; undo brings the items back). */
  ClearListIntent: { list: SlotType.list },
  /** "is milk on my shopping list". */
  IsOnListIntent: { item: SlotType.item, list: SlotType.list },
  /** "how many items are on my shopping list". */
  CountItemsIntent: { list: SlotType.list },
  /** "what did I check off" (one list, or every list). */
  ReadCompletedIntent: { list: SlotType.list },
  /** "what's on all my lists": a short summary per list. */
  ReadAllListsIntent: {},
  /** The answer to "oat milk or almond milk?": "oat milk", "the oat milk". */
  AnswerItemIntent: { item: SlotType.item },
} as const satisfies Record<string, Record<string, string>>;

export type CustomIntentName = keyof typeof CUSTOM_INTENTS;

/** The built-in intents the bridge handles (each model declares them). */
export const BUILT_IN_INTENTS = [
  "AMAZON.HelpIntent",
  "AMAZON.StopIntent",
  "AMAZON.CancelIntent",
  "AMAZON.FallbackIntent",
  "AMAZON.NavigateHomeIntent",
  "AMAZON.YesIntent",
  "AMAZON.NoIntent",
  /** "more" while a list is being read. */
  "AMAZON.MoreIntent",
  "AMAZON.NextIntent",
] as const;

export type BuiltInIntentName = (typeof BUILT_IN_INTENTS)[number];
export type IntentName = CustomIntentName | BuiltInIntentName;

/** Every intent the code handles; the models declare exactly these. */
export const HANDLED_INTENTS: readonly IntentName[] = [
  ...(Object.keys(CUSTOM_INTENTS) as CustomIntentName[]),
  ...BUILT_IN_INTENTS,
];

/** Entity-resolution ids of the `LIST_NAME` values for the two lists every user has. */
export const DEFAULT_LIST_IDS = { shopping: "shopping", todo: "todo" } as const;
