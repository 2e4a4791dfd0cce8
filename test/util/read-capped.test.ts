import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCapped } from "../../src/util/read-capped.ts";

/** A stream that hands out `chunks` one per pull and records pulls and cancellation. */
function chunked(chunks: Uint8Array[], opts: { cancelThrows?: boolean } = {}) {
  const seen = { pulled: 0, cancelled: false as boolean, reason: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        const next = chunks[seen.pulled++];
        if (next === undefined) c.close();
        else c.enqueue(next);
      },
      cancel(reason) {
        seen.cancelled = true;
        seen.reason = reason;
        if (opts.cancelThrows) throw new Error("cancel failed");
      },
    },
    // No read-ahead: `pulled` counts exactly what the reader asked for.
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

const bytes = (...values: number[]) => new Uint8Array(values);

describe("readCapped", () => {
  it("returns every byte, in order, across chunks, when the total is within the cap", async () => {
    const { stream, seen } = chunked([bytes(1, 2), bytes(), bytes(3), bytes(4, 5, 6)]);
    expect(await readCapped(stream, 6)).toEqual(bytes(1, 2, 3, 4, 5, 6));
    expect(seen.cancelled).toBe(false);
  });

  it("accepts exactly the cap and refuses one byte more", async () => {
    expect(await readCapped(new Response("a".repeat(10)).body, 10)).toHaveLength(10);
    expect(await readCapped(new Response("a".repeat(11)).body, 10)).toBeNull();
  });

  it("an absent or empty stream reads as zero bytes", async () => {
    expect(await readCapped(null, 10)).toEqual(new Uint8Array(0));
    expect(await readCapped(undefined, 0)).toEqual(new Uint8Array(0));
    expect(await readCapped(chunked([]).stream, 0)).toEqual(new Uint8Array(0));
  });

  it("past the cap: stops pulling at the chunk that crosses it and cancels the stream", async () => {
    const { stream, seen } = chunked(Array.from({ length: 100 }, () => new Uint8Array(4)));
    expect(await readCapped(stream, 10)).toBeNull();
    expect(seen.pulled).toBe(3); // 4 + 4 + 4 > 10
    expect(seen.cancelled).toBe(true);
  });

  it("an endless stream is refused, not read forever", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1024));
      },
    });
    expect(await readCapped(endless, 64 * 1024)).toBeNull();
    expect(pulled).toBeLessThan(70);
  });

  it("a failing cancel does not change the answer", async () => {
    const { stream, seen } = chunked([new Uint8Array(8), new Uint8Array(8)], { cancelThrows: true });
    expect(await readCapped(stream, 10)).toBeNull();
    expect(seen.cancelled).toBe(true);
  });

  it("a stream that errors while being read rejects with that error (not taken for 'too large')", async () => {
    let n = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(c) {
        if (n++ === 0) c.enqueue(bytes(1));
        else c.error(new TypeError("connection reset"));
      },
    });
    await expect(readCapped(broken, 10)).rejects.toThrow("connection reset");
  });

  it("a chunk that is not bytes is a TypeError and cancels the stream (a string would slip past the count)", async () => {
    const { stream, seen } = chunked([bytes(1), "x".repeat(100) as unknown as Uint8Array]);
    await expect(readCapped(stream, 10)).rejects.toThrow(TypeError);
    expect(seen.cancelled).toBe(true);
  });

  it("refuses a cap that is not a finite number >= 0, before touching the stream", async () => {
    for (const cap of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      const { stream, seen } = chunked([bytes(1)]);
      await expect(readCapped(stream, cap)).rejects.toThrow(RangeError);
      expect(seen.pulled).toBe(0);
      expect(stream.locked).toBe(false);
    }
  });

  it("property: null exactly when the total exceeds the cap, otherwise the concatenation", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 }),
        fc.nat({ max: 300 }),
        async (parts, cap) => {
          const total = parts.reduce((n, p) => n + p.byteLength, 0);
          const got = await readCapped(chunked(parts.map((p) => p.slice())).stream, cap);
          if (total > cap) expect(got).toBeNull();
          else expect(got).toEqual(new Uint8Array(parts.flatMap((p) => [...p])));
        },
      ),
    );
  });
});
