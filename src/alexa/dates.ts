/**
 * @module alexa/dates
 * The List Management API answers with Java's `Date.toString()` format
 * (`"Sat Jul 22 10:41:04 UTC 2017"`), while events use ISO 8601. Everything
 * inside the bridge is ISO 8601 in UTC with milliseconds.
 *
 * Trade-off: only zones with a known offset are accepted (`UTC`, `GMT`, `Z`,
 * numeric offsets). Abbreviations like `PDT` are ambiguous worldwide, so they
 * give `null` rather than a silently wrong instant. The weekday name is checked
 * to be a weekday name but not against the date: Amazon is the authority here.
 */

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// "Sat Jul 22 10:41:04 UTC 2017"; Java pads the day to two digits, be lenient about one.
const JAVA_DATE =
  /^(?:mon|tue|wed|thu|fri|sat|sun)\s+([a-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(utc|gmt|z|[+-]\d{2}:?\d{2})\s+(\d{4})$/i;

// ISO 8601 date-time with a zone designator (without one, the instant is unknown).
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Converts a List API datetime (or an ISO 8601 one) to ISO 8601 UTC; `null`
 * for anything else. Never throws.
 * @example
 * alexaDateToIso("Sat Jul 22 10:41:04 UTC 2017"); // "2017-07-22T10:41:04.000Z"
 * alexaDateToIso("2017-07-22T12:41:04+02:00");    // "2017-07-22T10:41:04.000Z"
 * alexaDateToIso("yesterday");                    // null
 */
export function alexaDateToIso(input: unknown): string | null {
  if (typeof input !== "string") return null;
  const s = input.trim();
  if (s.length > 64) return null;

  const j = JAVA_DATE.exec(s);
  if (j) {
    const month = MONTHS[j[1]!.toLowerCase()];
    if (month === undefined) return null;
    return build(+j[7]!, month, +j[2]!, +j[3]!, +j[4]!, +j[5]!, 0, j[6]!);
  }

  const i = ISO_DATE.exec(s);
  if (i) {
    const ms = i[7] ? Math.floor(Number(`0.${i[7]}`) * 1000) : 0;
    return build(+i[1]!, +i[2]! - 1, +i[3]!, +i[4]!, +i[5]!, i[6] ? +i[6] : 0, ms, i[8]!);
  }
  return null;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  zone: string,
): string | null {
  const offsetMin = zoneOffsetMinutes(zone);
  if (offsetMin === null) return null;
  // Leap seconds (":60") are not representable in JS dates: reject rather than roll over.
  if (month < 0 || month > 11 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month, day, hour, minute, second, ms);
  const check = new Date(local);
  // Date.UTC rolls Feb 30 into March; a date that does not round-trip is not a date.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day) return null;
  const t = local - offsetMin * 60_000;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function zoneOffsetMinutes(zone: string): number | null {
  const z = zone.toLowerCase();
  if (z === "z" || z === "utc" || z === "gmt") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return null;
  const h = +m[2]!;
  const min = m[3] ? +m[3] : 0;
  if (h > 23 || min > 59) return null;
  return (m[1] === "-" ? -1 : 1) * (h * 60 + min);
}
