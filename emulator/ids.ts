/**
 * @module emulator/ids
 * Identifiers shaped like Amazon's: user ids (`amzn1.ask.account.…`, new on
 * every enablement), household account ids, base64 default list ids ending in
 * `-TASK` / `-SHOPPING_ITEM` once decoded, item ids, request ids and tokens.
 * Randomness comes from WebCrypto.
 */

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function randomString(length: number, alphabet = UPPER_ALNUM): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  // Modulo bias is irrelevant for test identifiers.
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** A skill-scoped Alexa user id. @example newUserId(); // "amzn1.ask.account.AF3K…" */
export function newUserId(): string {
  return `amzn1.ask.account.${randomString(96)}`;
}

/** A household account id (the "internal identifier" of default lists). @example newAccountId() */
export function newAccountId(): string {
  return `amzn1.account.${randomString(28)}`;
}

export type DefaultListKind = "SHOPPING_ITEM" | "TASK";

/**
 * A default list's id: base64 of `<account>-SHOPPING_ITEM` or `<account>-TASK`.
 * Accounts whose encoding contains `/` or `+` are not used (see {@link newAccountIdForLists}).
 * @example atob(defaultListId("amzn1.account.X", "TASK")).endsWith("-TASK"); // true
 */
export function defaultListId(accountId: string, kind: DefaultListKind): string {
  return btoa(`${accountId}-${kind}`);
}

/**
 * An account id whose default list ids are path-safe (no `/` or `+`): real
 * default ids are used raw in URLs by many clients, so the emulator avoids
 * ids that only work when percent-encoded. Custom list ids are UUIDs.
 * @example const account = newAccountIdForLists();
 */
export function newAccountIdForLists(): string {
  for (;;) {
    const id = newAccountId();
    if (!/[/+]/.test(defaultListId(id, "SHOPPING_ITEM") + defaultListId(id, "TASK"))) return id;
  }
}

/** A list item id or custom list id. @example newObjectId() */
export function newObjectId(): string {
  return crypto.randomUUID();
}

/** An Alexa request id. @example newRequestId(); // "amzn1.echo-api.request.…" */
export function newRequestId(): string {
  return `amzn1.echo-api.request.${crypto.randomUUID()}`;
}

/**
 * An opaque bearer token with Amazon's prefixes (`Atc|` LWA client tokens,
 * `Atza|` user-scoped tokens).
 * @example newToken("Atc|")
 */
export function newToken(prefix: "Atc|" | "Atza|"): string {
  return prefix + randomString(120, UPPER_ALNUM + "abcdefghijklmnopqrstuvwxyz-_");
}
