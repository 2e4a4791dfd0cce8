/**
 * @module voice/speech/en-GB
 * The replies in British English: the American ones with British words where
 * they differ ("tick off" for "check off", "call mum", "any more", "Cheers").
 */
import { english } from "./en-US.ts";
import type { Speech } from "./index.ts";

/**
 * British English.
 * @example enGB.done("checkOff", "milk", { kind: "shopping", name: "Shopping" }) // "Ticked off milk on your shopping list."
 */
export const enGB: Speech = {
  ...english({
    checkOff: "tick off",
    checkedOff: "ticked off",
    checkedOffItems: "ticked-off",
    callParent: "call mum",
    anymore: "any more",
  }),
  goodbye: "Cheers, bye!",
  okay: "Right.",
  leftAlone: "Right, I've left it as it is.",
  linkingUnavailable: "Sorry, I can't reach your account at the moment. Please try again shortly.",
  fallback: "Sorry, I can't help with that here. You could say, for example: add milk to my shopping list. Or say help.",
};
