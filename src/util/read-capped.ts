/**
 * @module util/read-capped
 * Reads a byte stream to the end, but never holds more than a fixed number of
 * bytes: the one place that implements "read up to N bytes, give up past it"
 * for the Alexa endpoint, the REST API and the certificate downloader.
 *
 * Trade-offs: the cap is checked as chunks arrive, so a chunked body with no
 * (or a lying) Content-Length cannot get around it, and memory stays within
 * the cap plus one chunk. Past the cap the stream is cancelled (so the sender
 * stops) and the result is `null`, leaving each caller to map it to its own
 * error (413, a refused certificate chain...). A failure while cancelling is
 * swallowed: the answer is already decided, and a stream that errors on
 * cancel must not turn "too large" into a different failure. Errors from
 * reading itself are not caught: callers tell a broken stream apart from an
 * oversized one. Checking a declared Content-Length first is the caller's
 * business (only a `Request`/`Response` has one).
 */

/**
 * All bytes of `stream`, or `null` as soon as more than `maxBytes` arrive (the
 * stream is then cancelled and nothing more is read). An absent stream reads
 * as zero bytes. Rejects if reading fails, with a `TypeError` if a chunk is
 * not a `Uint8Array` (a string chunk would make the count meaningless), and
 * with a `RangeError` if `maxBytes` is not a finite number >= 0.
 * @example
 * const bytes = await readCapped(request.body, 16 * 1024);
 * if (bytes === null) return jsonError(413, "PAYLOAD_TOO_LARGE");
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null | undefined,
  maxBytes: number,
): Promise<Uint8Array | null> {
  // NaN or a negative cap would silently mean "no cap" or "never": refuse it.
  if (!(Number.isFinite(maxBytes) && maxBytes >= 0)) {
    throw new RangeError(`maxBytes must be a finite number >= 0, got ${maxBytes}`);
  }
  if (stream == null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) {
      await reader.cancel().catch(() => undefined);
      throw new TypeError("readCapped: the stream yielded a chunk that is not a Uint8Array");
    }
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
