/**
 * @module routes/api/body
 * Reads a request's JSON body with the REST API's rules: `application/json`
 * (or any `+json` type) only (415), at most a fixed number of bytes (413,
 * checked against `Content-Length` first and while streaming, so a chunked
 * body cannot get around it), valid UTF-8 JSON (400).
 */
import { jsonError } from "../../http.ts";
import { readCapped } from "../../util/read-capped.ts";

export type BodyResult = { ok: true; value: unknown; empty: boolean } | { ok: false; response: Response };

/** Largest accepted request body, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

function isJsonType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

const tooLarge = (max: number): BodyResult => ({
  ok: false,
  response: jsonError(413, "PAYLOAD_TOO_LARGE", `the body must be at most ${max} bytes`),
});

/**
 * Reads and parses the body. With `optional`, an absent or empty body is
 * accepted as `{}` (for routes whose body has no required field).
 * @example
 * const body = await readJsonBody(request);
 * if (!body.ok) return body.response;
 */
export async function readJsonBody(
  request: Request,
  opts: { optional?: boolean; maxBytes?: number } = {},
): Promise<BodyResult> {
  const max = opts.maxBytes ?? MAX_BODY_BYTES;
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > max) return tooLarge(max);
  // An absent body (workerd gives `undefined`, not `null`, for a body-less request seen through a Proxy) reads as empty.
  const bytes = await readCapped(request.body, max);
  if (bytes === null) return tooLarge(max);
  if (bytes.byteLength === 0 && opts.optional) return { ok: true, value: {}, empty: true };
  if (!isJsonType(request.headers.get("content-type"))) {
    return {
      ok: false,
      response: jsonError(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json"),
    };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, response: jsonError(400, "INVALID_JSON", "the body is not valid UTF-8") };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown, empty: false };
  } catch (e) {
    return { ok: false, response: jsonError(400, "INVALID_JSON", `the body is not valid JSON: ${(e as Error).message}`) };
  }
}
