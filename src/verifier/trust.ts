/**
 * @module verifier/trust
 * Parsed trust anchor sets, memoised per isolate by their exact PEM text.
 *
 * Each distinct set gets a fresh numeric id that the chain cache puts in its
 * keys, so a chain validated under one set of anchors is never reused under
 * another. The memo is bounded; an evicted set that comes back gets a new id
 * (its old cache entries simply age out). PEM blocks that do not parse are
 * skipped: they could never anchor a path anyway.
 *
 * Hot path: callers pass the same array on every request (the defaults, or a
 * configuration built once), so the set is first looked up by the array's
 * identity and confirmed element by element against a private copy (the
 * strings are the same objects, so that is a few pointer comparisons). Only a
 * new or mutated array pays for the content key: stringifying and hashing
 * ~10 KB of PEM text took more time than the signature check itself.
 */
import { pemCertificates } from "./base64.ts";
import { DerError } from "./der.ts";
import { type Certificate, parseCertificate } from "./x509.ts";

/** A parsed anchor set. @example trustStore(roots).anchors.length */
export interface TrustStore {
  /** Unique per distinct anchor set within this isolate. */
  id: number;
  anchors: readonly Certificate[];
}

const MAX_STORES = 8;
const stores = new Map<string, TrustStore>();
/** Per array object: a copy of its elements when last seen, and their set. */
const byArray = new WeakMap<readonly string[], { pems: readonly string[]; key: string; store: TrustStore }>();
let nextId = 1;

function sameElements(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The parsed anchors for `pems` (each a PEM string, possibly holding several certificates).
 * @example const { id, anchors } = trustStore(DEFAULT_TRUSTED_ROOTS);
 */
export function trustStore(pems: readonly string[]): TrustStore {
  const seen = byArray.get(pems);
  // Still in the content memo too: an evicted set must not keep its id alive here.
  if (seen && sameElements(seen.pems, pems) && stores.get(seen.key) === seen.store) return seen.store;
  // Not pems.join(): ["A\nB"] and ["A", "B"] would share a key but can parse to different anchors.
  const key = JSON.stringify(pems);
  const hit = stores.get(key);
  if (hit) {
    byArray.set(pems, { pems: [...pems], key, store: hit });
    return hit;
  }
  const anchors: Certificate[] = [];
  for (const der of pems.flatMap((p) => pemCertificates(p))) {
    if (!der) continue;
    try {
      anchors.push(parseCertificate(der));
    } catch (e) {
      if (!(e instanceof DerError)) throw e;
    }
  }
  const store = { id: nextId++, anchors };
  if (stores.size >= MAX_STORES) stores.delete(stores.keys().next().value as string);
  stores.set(key, store);
  byArray.set(pems, { pems: [...pems], key, store });
  return store;
}
