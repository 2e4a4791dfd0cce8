import { describe, expect, it } from "vitest";
import { capitalize, escapeSsml, joinAnd, joinOr, truncateSsml } from "../../src/voice/ssml.ts";

/** A minimal XML well-formedness check: entities known, tags balanced, no stray `<`/`&`. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>|&(amp|lt|gt|quot|apos);|[<>&]/g;
  for (const m of xml.matchAll(re)) {
    if (m[5]) continue;
    if (!m[2]) return false; // a stray < > or &
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[4]) stack.push(m[2]);
  }
  return stack.length === 0;
}

describe("escapeSsml", () => {
  it("escapes the five XML specials", () => {
    expect(escapeSsml(`salt & <pepper> "x" 'y'`)).toBe("salt &amp; &lt;pepper&gt; &quot;x&quot; &apos;y&apos;");
    expect(wellFormed(`<speak>${escapeSsml("salt & <pepper>")}</speak>`)).toBe(true);
    expect(wellFormed(`<speak>salt & <pepper></speak>`)).toBe(false);
  });

  it("drops characters XML forbids and keeps astral characters", () => {
    expect(escapeSsml("a\u0000b\u0008c\u001Fd\uFFFEe")).toBe("abcde");
    expect(escapeSsml("tab\tnew\nline")).toBe("tab\tnew\nline");
    expect(escapeSsml("lone \uD800 surrogate \uDC00!")).toBe("lone  surrogate !");
    expect(escapeSsml("🥛 milk")).toBe("🥛 milk");
  });
});

describe("joinAnd / joinOr", () => {
  it("joins per locale without a serial comma", () => {
    expect(joinAnd(["milk", "eggs", "bread"], "en-US")).toBe("milk, eggs and bread");
    expect(joinAnd(["Milch", "Eier", "Brot"], "de-DE")).toBe("Milch, Eier und Brot");
    expect(joinAnd(["milk", "eggs"], "en-GB")).toBe("milk and eggs");
    expect(joinAnd(["milk"], "en-US")).toBe("milk");
    expect(joinAnd([], "en-US")).toBe("");
    expect(joinOr(["oat milk", "almond milk"], "en-US")).toBe("oat milk or almond milk");
    expect(joinOr(["Hafermilch", "Mandelmilch", "Sojamilch"], "de-DE")).toBe("Hafermilch, Mandelmilch oder Sojamilch");
  });
});

describe("capitalize", () => {
  it("upper-cases the first letter, leaves entities and markup alone", () => {
    expect(capitalize("oat milk or almond milk?")).toBe("Oat milk or almond milk?");
    expect(capitalize("äpfel")).toBe("Äpfel");
    expect(capitalize("&amp; co")).toBe("&amp; co");
    expect(capitalize("")).toBe("");
  });
});

describe("truncateSsml", () => {
  it("returns a short fragment unchanged", () => {
    expect(truncateSsml("Milk.", 10)).toBe("Milk.");
  });

  it("prefers a sentence end, then a word boundary", () => {
    expect(truncateSsml("Milk. Eggs &amp; ham. Bread", 24)).toBe("Milk. Eggs &amp; ham.");
    expect(truncateSsml("Milk. Eggs &amp; ham. Bread", 16)).toBe("Milk. Eggs &amp;");
    expect(truncateSsml("one two three four", 12)).toBe("one two");
  });

  it("never cuts inside an entity", () => {
    const s = "x".repeat(10) + "&amp;" + "y".repeat(10);
    for (let max = 1; max < s.length; max++) {
      const out = truncateSsml(s, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(wellFormed(`<speak>${out}</speak>`)).toBe(true);
    }
  });

  it("closes tags left open at the cut, never cuts inside a tag", () => {
    const s = `Say <emphasis level="strong">salt &amp; &lt;pepper&gt; and more words here</emphasis> then <break time="1s"/> done`;
    for (let max = 1; max < s.length; max++) {
      const out = truncateSsml(s, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(wellFormed(`<speak>${out}</speak>`)).toBe(true);
    }
  });

  it("does not split a surrogate pair", () => {
    const s = "🥛".repeat(10);
    const out = truncateSsml(s, 5);
    expect(out).toBe("🥛🥛");
  });
});
