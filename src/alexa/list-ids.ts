/**
 * @module alexa/list-ids
 * Recognises Alexa's two default lists from their ids. A default list id is
 * base64 of `<internal id>-TASK` (to-do) or `<internal id>-SHOPPING_ITEM`
 * (shopping; Amazon's FAQ also says `-SHOPPING_LIST`, so both are accepted).
 * The suffix does not depend on the user's language, unlike the list name.
 *
 * Trade-off: both base64 alphabets, with or without padding, are accepted, since
 * ids travel through URLs and JSON where either may appear; anything that is not
 * base64 at all is simply "not a default list" (`null`), never an error.
 */

export type DefaultListKind = "todo" | "shopping";

const SUFFIXES: ReadonlyArray<readonly [string, DefaultListKind]> = [
  ["-TASK", "todo"],
  ["-SHOPPING_ITEM", "shopping"],
  ["-SHOPPING_LIST", "shopping"],
];

/**
 * `"todo"` or `"shopping"` for Alexa's default lists, `null` for custom lists
 * and for anything that is not a base64 list id.
 * @example
 * defaultListKind(btoa("amzn1.account.XYZ-SHOPPING_ITEM")); // "shopping"
 * defaultListKind(btoa("amzn1.account.XYZ-TASK"));          // "todo"
 * defaultListKind("a1b2c3d4-custom");                       // null
 */
export function defaultListKind(listId: string): DefaultListKind | null {
  const decoded = decodeBase64(listId);
  if (decoded === null) return null;
  for (const [suffix, kind] of SUFFIXES) if (decoded.endsWith(suffix)) return kind;
  return null;
}

/** Standard or URL-safe base64, padded or not, to a binary string; `null` if not base64. */
function decodeBase64(s: unknown): string | null {
  if (typeof s !== "string" || s === "" || s.length > 4096) return null;
  const std = s.replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(std)) return null;
  const body = std.replace(/=+$/, "");
  // Padding, when present, must complete the last quantum exactly.
  if (std.length !== body.length && std.length % 4 !== 0) return null;
  if (body.length % 4 === 1) return null;
  try {
    return atob(body + "=".repeat((4 - (body.length % 4)) % 4));
  } catch {
    return null;
  }
}
