/**
 * @module space/space-id
 * Names of list spaces. A linked person's space is the value of the
 * `APP_OAUTH_SPACE_CLAIM` claim (default `sub`) of their verified token: the
 * app decides (its user id, or a household id shared by a family). An
 * unlinked person's space is personal, named from their Alexa userId:
 * `personal-` and the unpadded base64url SHA-256 of a fixed label and the
 * userId (43 characters). Stable (the same userId always gives the same
 * space, so the Worker reaches it without asking anyone), URL-safe, and it
 * does not carry the userId itself into URLs, logs or the app's database.
 * A claim value of that form is refused, so no token can name a personal space.
 */

/** The prefix of personal space ids. */
export const PERSONAL_PREFIX = "personal-";

/** A personal space id. @example PERSONAL_SPACE_ID.test("personal-" + "a".repeat(43)) // true */
export const PERSONAL_SPACE_ID = /^personal-[A-Za-z0-9_-]{43}$/;

/** A space id in a URL or a claim: 1-255 characters, no control characters. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
export const SPACE_ID = /^[^\u0000-\u001f\u007f]{1,255}$/;

/** Whether a space is shared through account linking or tied to one Alexa user. */
export type SpaceKind = "linked" | "personal";

const utf8 = new TextEncoder();

/**
 * The personal space of an Alexa user.
 * @example await personalSpaceId("amzn1.ask.account.A") // "personal-3q2…" (43 characters after the prefix)
 */
export async function personalSpaceId(userId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8.encode(`alexa-list-bridge personal space\n${userId}`)));
  let bin = "";
  for (const b of digest) bin += String.fromCharCode(b);
  return PERSONAL_PREFIX + btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * @example spaceKind("fam-1") // "linked"
 */
export function spaceKind(spaceId: string): SpaceKind {
  return PERSONAL_SPACE_ID.test(spaceId) ? "personal" : "linked";
}

/**
 * Whether a claim value may name a linked space (not empty, not too long, not a personal id).
 * @example usableSpaceClaim("household-7") // true
 */
export function usableSpaceClaim(value: unknown): value is string {
  return typeof value === "string" && SPACE_ID.test(value) && !PERSONAL_SPACE_ID.test(value);
}
