/**
 * @module emulator/amazon-date
 * The List Management API's datetime format: Java's `Date.toString()` in UTC,
 * e.g. `"Sat Jul 22 10:41:04 UTC 2017"` (events use ISO 8601 instead).
 */

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Formats ms since epoch the way the List API does.
 * @example formatAmazonDate(Date.UTC(2017, 6, 22, 10, 41, 4)); // "Sat Jul 22 10:41:04 UTC 2017"
 */
export function formatAmazonDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, "0");
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}
