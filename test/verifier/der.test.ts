/**
 * The strict DER reader: what it accepts, what it refuses, and that arbitrary
 * bytes only ever produce a DerError.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DerError,
  Tag,
  bytesEqual,
  children,
  parseDer,
  readBitString,
  readBitStringBytes,
  readBoolean,
  readIntegerBytes,
  readOid,
  readSmallInt,
  readTime,
} from "../../src/verifier/der.ts";

const b = (...xs: number[]): Uint8Array => Uint8Array.from(xs);
const ascii = (tag: number, s: string): Uint8Array => Uint8Array.from([tag, s.length, ...[...s].map((c) => c.charCodeAt(0))]);

describe("lengths", () => {
  it("reads short and long forms", () => {
    expect(parseDer(b(0x04, 0x02, 0xaa, 0xbb)).value).toEqual(b(0xaa, 0xbb));
    const long = new Uint8Array(3 + 200);
    long.set([0x04, 0x81, 200]);
    expect(parseDer(long).value.length).toBe(200);
    const longer = new Uint8Array(4 + 300);
    longer.set([0x04, 0x82, 0x01, 0x2c]);
    expect(parseDer(longer).value.length).toBe(300);
  });

  it.each([
    ["empty input", b()],
    ["one byte", b(0x30)],
    ["truncated value", b(0x04, 0x03, 0x00)],
    ["indefinite length", b(0x30, 0x80, 0x00, 0x00)],
    ["long form for a short length", b(0x04, 0x81, 0x01, 0x00)],
    ["leading zero length byte", b(0x04, 0x82, 0x00, 0x81, ...new Array(0x81).fill(0))],
    ["5 length bytes", b(0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00)],
    ["truncated length", b(0x04, 0x82, 0x01)],
    ["trailing bytes", b(0x05, 0x00, 0x00)],
    ["high tag number", b(0x1f, 0x81, 0x00, 0x00)],
  ])("refuses %s", (_name, bytes) => {
    expect(() => parseDer(bytes)).toThrow(DerError);
  });

  it("refuses children of a primitive, and children overrunning their parent", () => {
    expect(() => children(parseDer(b(0x04, 0x02, 0x05, 0x00)))).toThrow(DerError);
    expect(() => children(parseDer(b(0x30, 0x03, 0x04, 0x02, 0x00)))).toThrow(DerError);
    expect(() => children(parseDer(b(0x30, 0x00)), Tag.SET)).toThrow(DerError);
    expect(children(parseDer(b(0x30, 0x04, 0x05, 0x00, 0x05, 0x00)), Tag.SEQUENCE)).toHaveLength(2);
  });
});

describe("primitives", () => {
  it("INTEGER must be minimal", () => {
    expect(readIntegerBytes(parseDer(b(0x02, 0x01, 0x00)))).toEqual(b(0x00));
    expect(readIntegerBytes(parseDer(b(0x02, 0x02, 0x00, 0x80)))).toEqual(b(0x00, 0x80));
    expect(() => readIntegerBytes(parseDer(b(0x02, 0x02, 0x00, 0x7f)))).toThrow(DerError);
    expect(() => readIntegerBytes(parseDer(b(0x02, 0x02, 0xff, 0x80)))).toThrow(DerError);
    expect(() => readIntegerBytes(parseDer(b(0x02, 0x00)))).toThrow(DerError);
    expect(() => readIntegerBytes(parseDer(b(0x04, 0x01, 0x00)))).toThrow(DerError);
    expect(() => readIntegerBytes(undefined)).toThrow(DerError);
  });

  it("small INTEGERs are non-negative and at most 4 bytes", () => {
    expect(readSmallInt(parseDer(b(0x02, 0x01, 0x02)))).toBe(2);
    expect(readSmallInt(parseDer(b(0x02, 0x02, 0x01, 0x00)))).toBe(256);
    expect(() => readSmallInt(parseDer(b(0x02, 0x01, 0xff)))).toThrow(DerError);
    expect(() => readSmallInt(parseDer(b(0x02, 0x05, 0x01, 0, 0, 0, 0)))).toThrow(DerError);
  });

  it("BOOLEAN is 0x00 or 0xFF", () => {
    expect(readBoolean(parseDer(b(0x01, 0x01, 0xff)))).toBe(true);
    expect(readBoolean(parseDer(b(0x01, 0x01, 0x00)))).toBe(false);
    expect(() => readBoolean(parseDer(b(0x01, 0x01, 0x01)))).toThrow(DerError);
    expect(() => readBoolean(parseDer(b(0x01, 0x02, 0xff, 0xff)))).toThrow(DerError);
  });

  it("OIDs decode, including large arcs and 2.x first arcs", () => {
    expect(readOid(parseDer(b(0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b)))).toBe("1.2.840.113549.1.1.11");
    expect(readOid(parseDer(b(0x06, 0x03, 0x55, 0x1d, 0x13)))).toBe("2.5.29.19");
    expect(readOid(parseDer(b(0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22)))).toBe("1.3.132.0.34");
    expect(readOid(parseDer(b(0x06, 0x02, 0x88, 0x37)))).toBe("2.999");
    expect(() => readOid(parseDer(b(0x06, 0x00)))).toThrow(DerError);
    expect(() => readOid(parseDer(b(0x06, 0x02, 0x2a, 0x86)))).toThrow(DerError); // truncated arc
    expect(() => readOid(parseDer(b(0x06, 0x03, 0x2a, 0x80, 0x01)))).toThrow(DerError); // non-minimal arc
    expect(() => readOid(parseDer(b(0x06, 0x0b, 0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)))).toThrow(DerError);
  });

  it("BIT STRING padding", () => {
    expect(readBitStringBytes(parseDer(b(0x03, 0x02, 0x00, 0xaa)))).toEqual(b(0xaa));
    expect(readBitString(parseDer(b(0x03, 0x02, 0x05, 0xa0)))).toEqual({ unusedBits: 5, bytes: b(0xa0) });
    expect(() => readBitStringBytes(parseDer(b(0x03, 0x02, 0x01, 0xaa)))).toThrow(DerError); // unused bits where none allowed
    expect(() => readBitString(parseDer(b(0x03, 0x02, 0x05, 0xa1)))).toThrow(DerError); // padding bit set
    expect(() => readBitString(parseDer(b(0x03, 0x02, 0x08, 0x00)))).toThrow(DerError);
    expect(() => readBitString(parseDer(b(0x03, 0x01, 0x01)))).toThrow(DerError);
    expect(() => readBitString(parseDer(b(0x03, 0x00)))).toThrow(DerError);
    expect(readBitString(parseDer(b(0x03, 0x01, 0x00)))).toEqual({ unusedBits: 0, bytes: b() });
  });
});

describe("times", () => {
  it("UTCTime: 50-99 are 19xx, 00-49 are 20xx", () => {
    expect(readTime(parseDer(ascii(0x17, "491231235959Z")))).toBe(Date.UTC(2049, 11, 31, 23, 59, 59));
    expect(readTime(parseDer(ascii(0x17, "500101000000Z")))).toBe(Date.UTC(1950, 0, 1));
    expect(readTime(parseDer(ascii(0x17, "230316000000Z")))).toBe(Date.UTC(2023, 2, 16));
  });

  it("GeneralizedTime", () => {
    expect(readTime(parseDer(ascii(0x18, "20500101000000Z")))).toBe(Date.UTC(2050, 0, 1));
    expect(readTime(parseDer(ascii(0x18, "99991231235959Z")))).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
  });

  it.each([
    [0x17, "2303160000Z"], // no seconds
    [0x17, "230316000000"], // no zone
    [0x17, "230316000000+0100"],
    [0x17, "20230316000000Z"], // GeneralizedTime digits in a UTCTime
    [0x18, "230316000000Z"],
    [0x18, "20230316000000.5Z"], // fractions
    [0x17, "230230000000Z"], // 30 February
    [0x17, "231316000000Z"], // month 13
    [0x17, "230316240000Z"], // hour 24
    [0x17, "230316006000Z"],
    [0x17, "2303160000 0Z"],
    [0x04, "230316000000Z"], // wrong tag
  ])("refuses tag 0x%s %s", (tag, text) => {
    expect(() => readTime(parseDer(ascii(tag, text)))).toThrow(DerError);
  });
});

describe("bytesEqual", () => {
  it("compares length and content", () => {
    expect(bytesEqual(b(1, 2), b(1, 2))).toBe(true);
    expect(bytesEqual(b(1, 2), b(1, 3))).toBe(false);
    expect(bytesEqual(b(1, 2), b(1, 2, 3))).toBe(false);
  });
});

describe("fuzz", () => {
  it("arbitrary bytes either parse or throw DerError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const t = parseDer(bytes);
          if (t.tag & 0x20) children(t);
        } catch (e) {
          expect(e).toBeInstanceOf(DerError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
