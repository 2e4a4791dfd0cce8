/**
 * @module voice/vocabulary
 * Per-locale words the voice layer and the interaction models share: common
 * list items (the `LIST_ITEM` slot's values, and what the splitter uses to cut
 * "milk eggs and bread" into items), and the names of the two default lists
 * (the `LIST_NAME` slot's values with synonyms).
 */
import type { Locale } from "./intents.ts";

/** Common items, lower case, singular and plural as people say them. */
export const ITEM_WORDS: Record<Locale, readonly string[]> = {
  "en-US": [
    "milk", "eggs", "bread", "butter", "cheese", "apples", "bananas", "oat milk", "almond milk", "peanut butter",
    "coffee", "tea", "sugar", "flour", "rice", "pasta", "tomatoes", "potatoes", "onions", "chicken",
    "orange juice", "yogurt", "cereal", "paper towels", "toilet paper", "dish soap", "salt", "pepper",
    "mac and cheese", "call mom", "pay rent", "walk the dog",
  ],
  "en-GB": [
    "milk", "eggs", "bread", "butter", "cheese", "apples", "bananas", "oat milk", "almond milk", "peanut butter",
    "coffee", "tea", "sugar", "flour", "rice", "pasta", "tomatoes", "potatoes", "onions", "chicken",
    "orange juice", "yoghurt", "cereal", "kitchen roll", "toilet roll", "washing up liquid", "salt", "pepper",
    "fish and chips", "call mum", "pay rent", "walk the dog",
  ],
  "de-DE": [
    "milch", "eier", "brot", "butter", "käse", "äpfel", "bananen", "hafermilch", "mandelmilch", "kaffee",
    "tee", "zucker", "mehl", "reis", "nudeln", "tomaten", "kartoffeln", "zwiebeln", "hähnchen", "orangensaft",
    "joghurt", "müsli", "küchenrolle", "toilettenpapier", "spülmittel", "salz", "pfeffer", "mama anrufen",
    "miete zahlen", "mit dem hund gehen",
  ],
};

/** How people name the two default lists (first entry: how the bridge says it). */
export const LIST_SYNONYMS: Record<Locale, { shopping: readonly string[]; todo: readonly string[] }> = {
  "en-US": { shopping: ["shopping", "grocery", "groceries", "shopping list"], todo: ["to-do", "to do", "todo", "task", "tasks", "to-do list"] },
  "en-GB": { shopping: ["shopping", "grocery", "groceries", "shopping list"], todo: ["to-do", "to do", "todo", "task", "tasks", "to-do list"] },
  "de-DE": { shopping: ["Einkaufsliste", "Einkaufszettel", "Einkauf", "Einkäufe"], todo: ["To-do-Liste", "Aufgabenliste", "Aufgaben", "Todo-Liste", "To-do"] },
};
