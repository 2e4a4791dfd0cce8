/**
 * @module verifier/base64
 * Strict base64 (RFC 4648 section 4) and PEM certificate bundles.
 *
 * Strict because a signature header is attacker-controlled: only the standard
 * alphabet, correct `=` padding and zero padding bits are accepted, so one
 * signature has exactly one spelling. `atob` is not used: it skips whitespace
 * and accepts missing padding (the "forgiving" WHATWG variant).
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes canonical base64; `null` for anything else (including the empty string).
 * @example decodeBase64("AQI=") // Uint8Array [1, 2]
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  const n = text.length;
  if (n === 0 || n % 4 !== 0) return null;
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const last = i + 4 === n;
    let acc = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      const isPad = last && j >= 4 - pad;
      const v = isPad ? 0 : c < 128 ? (LOOKUP[c] as number) : -1;
      if (v < 0 || (isPad && c !== 0x3d)) return null;
      acc = (acc << 6) | v;
    }
    // Canonical form: the bits under the padding are zero.
    if ((pad === 1 && last && (acc & 0xff) !== 0) || (pad === 2 && last && (acc & 0xffff) !== 0)) return null;
    const bytes = [(acc >> 16) & 0xff, (acc >> 8) & 0xff, acc & 0xff];
    for (let k = 0; k < 3 && o < out.length; k++) out[o++] = bytes[k] as number;
  }
  return out;
}

const PEM_RE = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;

/**
 * The DER bytes of every `CERTIFICATE` block in a PEM bundle, in order; text
 * between blocks is ignored, a block whose base64 is invalid yields `null` in
 * its place (so the leaf position is kept).
 * @example const [leaf, ...rest] = pemCertificates(bundle);
 */
export function pemCertificates(bundle: string): (Uint8Array<ArrayBuffer> | null)[] {
  const out: (Uint8Array<ArrayBuffer> | null)[] = [];
  for (const m of bundle.matchAll(PEM_RE)) out.push(decodeBase64((m[1] ?? "").replace(/[\r\n\t ]/g, "")));
  return out;
}
