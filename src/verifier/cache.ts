/**
 * @module verifier/cache
 * Per-isolate cache of validated certificate chains.
 *
 * Downloading and validating a chain costs a round trip to S3 and a few
 * signature checks, so validated chains are kept (LRU, 32 entries) under a key
 * made of the normalised URL and the trust-store id. An entry holds only what
 * the hot path needs: the leaf's SPKI, its imported keys (created lazily, per
 * hash) and the path's validity window, which is re-checked on every use; an
 * entry outside its window counts as a miss, so the chain is fetched and
 * validated again (Amazon may have replaced the file) and the precise error
 * comes from that fresh validation. Concurrent misses for one key share one
 * load. Only successful validations are stored; failures are not cached at
 * all (good or bad), so a transient download error cannot stick.
 */
import type { BodyHash } from "./signature.ts";

/** One validated chain, as the hot path needs it. @example chain.notAfter >= now */
export interface CachedChain {
  /** SubjectPublicKeyInfo DER of the leaf. */
  spki: Uint8Array;
  notBefore: number;
  notAfter: number;
  /** Imported leaf keys, by hash; filled on first use. */
  keys: Map<BodyHash, Promise<CryptoKey | null>>;
}

const MAX_ENTRIES = 32;
const entries = new Map<string, CachedChain>();
const inflight = new Map<string, Promise<CachedChain>>();

function usable(e: CachedChain, now: number): boolean {
  return now >= e.notBefore && now <= e.notAfter;
}

function store(key: string, e: CachedChain): void {
  entries.delete(key);
  entries.set(key, e);
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
}

/**
 * The cached chain for `key` if it is usable at `now`; otherwise runs `load`
 * (shared with concurrent callers) and caches its result when it succeeds.
 * @example const chain = await cachedChain(`${store.id} ${url}`, now, () => downloadAndValidate(url));
 */
export async function cachedChain(key: string, now: number, load: () => Promise<CachedChain>): Promise<CachedChain> {
  const hit = entries.get(key);
  if (hit && usable(hit, now)) {
    store(key, hit); // refresh LRU position
    return hit;
  }
  if (hit) entries.delete(key);

  let pending = inflight.get(key);
  if (!pending) {
    pending = load().then(
      (e) => {
        inflight.delete(key);
        store(key, e);
        return e;
      },
      (err: unknown) => {
        inflight.delete(key);
        throw err;
      },
    );
    inflight.set(key, pending);
  }
  const shared = await pending;
  if (usable(shared, now)) return shared;
  // Validated under another caller's clock and not valid under ours: decide for ourselves.
  const own = await load();
  store(key, own);
  return own;
}

/**
 * Forgets every cached chain (tests; or after rotating trust anchors).
 * @example afterEach(() => clearCertificateCache());
 */
export function clearCertificateCache(): void {
  entries.clear();
  inflight.clear();
}

/**
 * How many chains are cached (tests and diagnostics).
 * @example expect(cachedChainCount()).toBe(1);
 */
export function cachedChainCount(): number {
  return entries.size;
}
