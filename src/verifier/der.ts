/**
 * @module verifier/der
 * A small, strict DER reader: just enough ASN.1 to read X.509 certificates.
 *
 * Strict on purpose (DER, not BER): single-byte tags only, definite minimal
 * lengths, no trailing bytes, canonical BOOLEAN/INTEGER, every length checked
 * against the buffer. Anything else throws `DerError`, which callers map to
 * their own error codes; no other exception escapes. Values are `subarray`
 * views into the input, never copies, so parsing a certificate allocates little.
 * Trade-off: high-tag-number forms and indefinite lengths (legal BER, never
 * valid DER in certificates) are rejected.
 */

/** Malformed DER. @example try { parseDer(bytes) } catch (e) { if (e instanceof DerError) return null; throw e; } */
export class DerError extends Error {
  override readonly name = "DerError";
}

/** Universal tags used by X.509. @example children(tlv, Tag.SEQUENCE) */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One tag-length-value element. @example const { tag, value } = parseDer(bytes); */
export interface Tlv {
  tag: number;
  /** The whole element (tag, length and value), e.g. to compare names byte for byte. */
  der: Uint8Array;
  /** The content octets. */
  value: Uint8Array;
}

const MAX_LENGTH_OCTETS = 4;

/** Reads the element starting at `offset`; returns it and the offset after it. */
function readAt(buf: Uint8Array, offset: number): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new DerError("truncated header");
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError("high tag numbers are not supported");
  let len = buf[offset + 1] as number;
  let pos = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError("indefinite length");
    if (n > MAX_LENGTH_OCTETS) throw new DerError("length too long");
    if (pos + n > buf.length) throw new DerError("truncated length");
    if (buf[pos] === 0) throw new DerError("non-minimal length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[pos + i] as number);
    if (len < 0x80) throw new DerError("non-minimal length");
    pos += n;
  }
  const end = pos + len;
  if (end > buf.length) throw new DerError("truncated value");
  return { tlv: { tag, der: buf.subarray(offset, end), value: buf.subarray(pos, end) }, next: end };
}

/**
 * Parses a buffer that must hold exactly one element.
 * @example const cert = parseDer(derBytes); // cert.tag === Tag.SEQUENCE
 */
export function parseDer(buf: Uint8Array): Tlv {
  const { tlv, next } = readAt(buf, 0);
  if (next !== buf.length) throw new DerError("trailing bytes");
  return tlv;
}

/**
 * The elements inside a constructed element, optionally checking its tag.
 * @example const [tbs, alg, sig] = children(cert, Tag.SEQUENCE);
 */
export function children(tlv: Tlv, expectTag?: number): Tlv[] {
  if (expectTag !== undefined) expectTagOf(tlv, expectTag);
  if ((tlv.tag & 0x20) === 0) throw new DerError("primitive element has no children");
  const out: Tlv[] = [];
  for (let pos = 0; pos < tlv.value.length; ) {
    const { tlv: child, next } = readAt(tlv.value, pos);
    out.push(child);
    pos = next;
  }
  return out;
}

/** Throws unless `tlv` has tag `tag`. @example expectTagOf(t, Tag.OID); */
export function expectTagOf(tlv: Tlv | undefined, tag: number): Tlv {
  if (!tlv) throw new DerError(`missing element (tag 0x${tag.toString(16)})`);
  if (tlv.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/**
 * An INTEGER's two's-complement content, checked for minimal encoding.
 * @example const serial = readIntegerBytes(t);
 */
export function readIntegerBytes(tlv: Tlv | undefined): Uint8Array {
  const v = expectTagOf(tlv, Tag.INTEGER).value;
  if (v.length === 0) throw new DerError("empty INTEGER");
  if (v.length > 1 && ((v[0] === 0x00 && (v[1] as number) < 0x80) || (v[0] === 0xff && (v[1] as number) >= 0x80))) {
    throw new DerError("non-minimal INTEGER");
  }
  return v;
}

/**
 * A small non-negative INTEGER (versions, path lengths).
 * @example readSmallInt(t) // 2 for an X.509 v3 version
 */
export function readSmallInt(tlv: Tlv | undefined): number {
  const v = readIntegerBytes(tlv);
  if ((v[0] as number) >= 0x80) throw new DerError("negative INTEGER");
  if (v.length > 4) throw new DerError("INTEGER too large");
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/**
 * A DER BOOLEAN (only 0x00 and 0xFF are canonical).
 * @example const critical = readBoolean(t);
 */
export function readBoolean(tlv: Tlv | undefined): boolean {
  const v = expectTagOf(tlv, Tag.BOOLEAN).value;
  if (v.length !== 1 || (v[0] !== 0x00 && v[0] !== 0xff)) throw new DerError("non-canonical BOOLEAN");
  return v[0] === 0xff;
}

/**
 * An OBJECT IDENTIFIER in dotted form.
 * @example readOid(t) // "1.2.840.113549.1.1.11"
 */
export function readOid(tlv: Tlv | undefined): string {
  const v = expectTagOf(tlv, Tag.OID).value;
  if (v.length === 0 || v.length > 64) throw new DerError("bad OID length");
  const arcs: number[] = [];
  let acc = 0;
  let started = false;
  for (const b of v) {
    if (!started && b === 0x80) throw new DerError("non-minimal OID arc");
    started = true;
    acc = acc * 128 + (b & 0x7f);
    if (acc > Number.MAX_SAFE_INTEGER / 128) throw new DerError("OID arc too large");
    if ((b & 0x80) === 0) {
      arcs.push(acc);
      acc = 0;
      started = false;
    }
  }
  if (started) throw new DerError("truncated OID");
  const first = arcs[0] as number;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join(".");
}

/**
 * A BIT STRING's bytes; key and signature bit strings must have no unused bits.
 * @example const sig = readBitStringBytes(t);
 */
export function readBitStringBytes(tlv: Tlv | undefined): Uint8Array {
  const { unusedBits, bytes } = readBitString(tlv);
  if (unusedBits !== 0) throw new DerError("BIT STRING with unused bits");
  return bytes;
}

/**
 * A BIT STRING with its unused-bit count (named bit lists such as keyUsage).
 * @example const { bytes } = readBitString(t);
 */
export function readBitString(tlv: Tlv | undefined): { unusedBits: number; bytes: Uint8Array } {
  const v = expectTagOf(tlv, Tag.BIT_STRING).value;
  if (v.length === 0) throw new DerError("empty BIT STRING");
  const unusedBits = v[0] as number;
  if (unusedBits > 7 || (v.length === 1 && unusedBits !== 0)) throw new DerError("bad BIT STRING padding");
  const bytes = v.subarray(1);
  const last = bytes[bytes.length - 1];
  if (last !== undefined && (last & ((1 << unusedBits) - 1)) !== 0) throw new DerError("non-zero BIT STRING padding");
  return { unusedBits, bytes };
}

const TIME_RE = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/**
 * UTCTime or GeneralizedTime as epoch milliseconds, in the forms RFC 5280 4.1.2.5
 * allows (seconds present, `Z`, no fractions; UTCTime years 50-99 are 19xx).
 * @example readTime(t) // 1678924800000
 */
export function readTime(tlv: Tlv | undefined): number {
  if (!tlv || (tlv.tag !== Tag.UTC_TIME && tlv.tag !== Tag.GENERALIZED_TIME)) throw new DerError("expected a time");
  let text = "";
  for (const b of tlv.value) text += String.fromCharCode(b);
  const m = TIME_RE.exec(text);
  const utc = tlv.tag === Tag.UTC_TIME;
  if (!m || (m[1] as string).length !== (utc ? 2 : 4)) throw new DerError("malformed time");
  let year = Number(m[1]);
  if (utc) year += year < 50 ? 2000 : 1900;
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const ms = Date.UTC(year, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  // Date.UTC rolls 31 February over into March: reject instead.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  ) {
    throw new DerError("time out of range");
  }
  return ms;
}

/**
 * Byte-for-byte equality (names, public keys).
 * @example bytesEqual(cert.issuer, anchor.subject)
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
