/**
 * @module verifier/cert-url
 * Normalises and checks `SignatureCertChainUrl`, returning the exact URL to fetch.
 *
 * The URL is parsed once with the WHATWG URL parser (the one `fetch` uses),
 * which resolves `.`/`..` segments including percent-encoded ones (`%2e%2e`,
 * `.%2E`), lowercases scheme and host and drops a default port. The checks
 * then run on that parsed form, and the string returned is rebuilt from it, so
 * the URL checked is the URL fetched (the known flaw in popular libraries is
 * checking one and fetching the other).
 *
 * Deliberately stricter than Amazon's rules, since Amazon's real URLs are
 * plain (`https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem`): no
 * userinfo, query or fragment (not even empty ones), no backslashes, control
 * characters, whitespace or non-ASCII, no percent-escapes left in the path
 * after normalisation (so no encoded slashes, backslashes or double encoding),
 * no empty segments and no trailing slash.
 *
 * The result depends only on the two strings, so accepted URLs are memoised
 * (bounded; rejections are not, so junk cannot fill the memo): Alexa sends
 * the same URL on every request, and this keeps URL parsing off the hot path.
 */
import { fail } from "./errors.ts";

/** Amazon's certificate origin. @example normaliseCertUrl(url, DEFAULT_CERT_ORIGIN) */
export const DEFAULT_CERT_ORIGIN = "https://s3.amazonaws.com";
const PATH_PREFIX = "/echo.api/";
const SAFE_PATH = /^\/echo\.api(\/[A-Za-z0-9._~!$&'()*+,;=:-]+)+$/;
// Printable ASCII only, and none of: backslash, space, `?`, `#`.
const SAFE_RAW = /^[\x21-\x22\x24-\x3e\x40-\x5b\x5d-\x7e]+$/;

/**
 * The normalised URL to download, or CERT_URL_INVALID.
 * @example normaliseCertUrl("https://S3.amazonaws.com:443/echo.api/../echo.api/c.pem")
 * // "https://s3.amazonaws.com/echo.api/c.pem"
 */
export function normaliseCertUrl(raw: string, certOrigin: string = DEFAULT_CERT_ORIGIN): string {
  const key = `${certOrigin} ${raw}`;
  const known = accepted.get(key);
  if (known !== undefined) return known;
  const url = checkCertUrl(raw, certOrigin);
  if (accepted.size >= MAX_MEMO) accepted.delete(accepted.keys().next().value as string);
  accepted.set(key, url);
  return url;
}

const MAX_MEMO = 32;
const accepted = new Map<string, string>();

function checkCertUrl(raw: string, certOrigin: string): string {
  if (raw.length > 2048 || !SAFE_RAW.test(raw)) fail("CERT_URL_INVALID", "characters not allowed in the URL");
  const url = URL.parse(raw);
  const origin = URL.parse(certOrigin);
  if (!url || !origin) return fail("CERT_URL_INVALID", "not a URL");
  if (url.username !== "" || url.password !== "" || /^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(raw)) {
    fail("CERT_URL_INVALID", "userinfo not allowed");
  }
  // `origin` compares scheme, host and non-default port at once.
  if (url.origin !== origin.origin || url.origin === "null") fail("CERT_URL_INVALID", "wrong scheme, host or port");
  const path = url.pathname;
  if (!path.startsWith(PATH_PREFIX)) fail("CERT_URL_INVALID", `path must start with ${PATH_PREFIX}`);
  if (!SAFE_PATH.test(path)) fail("CERT_URL_INVALID", "path has escapes, empty segments or a trailing slash");
  return url.origin + path;
}
