import { describe, expect, it } from "vitest";
import { converse } from "../../src/voice/dialogue/index.ts";
import { buildResponse, CARD_LIMIT, RESPONSE_LIMIT, SPEECH_LIMIT } from "../../src/voice/response.ts";
import type { VoiceReply } from "../../src/voice/types.ts";
import { intentTurn, standardLists } from "./fakes.ts";

const reply = (over: Partial<VoiceReply>): VoiceReply => ({
  change: null,
  speech: "",
  reprompt: null,
  card: null,
  session: {},
  ...over,
});

const bytes = (x: unknown) => new TextEncoder().encode(JSON.stringify(x)).length;

/** A minimal XML well-formedness check: entities known, tags balanced, no stray `<`/`&`. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>|&(amp|lt|gt|quot|apos);|[<>&]/g)) {
    if (m[5]) continue;
    if (!m[2]) return false;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[4]) stack.push(m[2]);
  }
  return stack.length === 0 && xml.startsWith("<speak>") && xml.endsWith("</speak>");
}

function ssmlOf(speech: unknown): string {
  const s = speech as { type: string; ssml: string };
  expect(s.type).toBe("SSML");
  return s.ssml;
}

describe("buildResponse", () => {
  it("a closing reply: SSML speech, no reprompt, no session attributes, shouldEndSession", () => {
    const env = buildResponse(reply({ speech: "Added salt &amp; pepper.", session: { x: 1 } }));
    expect(env).toEqual({
      version: "1.0",
      response: { outputSpeech: { type: "SSML", ssml: "<speak>Added salt &amp; pepper.</speak>" }, shouldEndSession: true },
    });
  });

  it("an open reply: reprompt and session attributes", () => {
    const env = buildResponse(reply({ speech: "Oat milk or almond milk?", reprompt: "Which one?", session: { pending: 1 } }));
    expect(env.response.shouldEndSession).toBe(false);
    expect(env.response.reprompt).toEqual({ outputSpeech: { type: "SSML", ssml: "<speak>Which one?</speak>" } });
    expect(env.sessionAttributes).toEqual({ pending: 1 });
  });

  it("no speech: no outputSpeech (NavigateHome, SessionEnded)", () => {
    expect(buildResponse(reply({}))).toEqual({ version: "1.0", response: { shouldEndSession: true } });
  });

  it("a Simple card, or a LinkAccount card", () => {
    expect(buildResponse(reply({ speech: "x", card: { title: "Shopping list", content: "milk\neggs" } })).response.card).toEqual({
      type: "Simple",
      title: "Shopping list",
      content: "milk\neggs",
    });
    expect(buildResponse(reply({ speech: "x", card: { title: "t", content: "c" }, linkAccount: true })).response.card).toEqual({
      type: "LinkAccount",
    });
  });

  it("cuts too long speech and reprompt to 8,000 characters, well formed", () => {
    const speech = Array.from({ length: 2000 }, (_, i) => `item ${i} salt &amp; &lt;pepper&gt;.`).join(" ");
    const env = buildResponse(reply({ speech, reprompt: speech, session: {} }));
    const out = ssmlOf(env.response.outputSpeech);
    const again = ssmlOf(env.response.reprompt?.outputSpeech);
    expect(speech.length).toBeGreaterThan(SPEECH_LIMIT);
    expect(out.length).toBeLessThanOrEqual(SPEECH_LIMIT);
    expect(out.length).toBeGreaterThan(SPEECH_LIMIT / 2);
    expect(wellFormed(out)).toBe(true);
    expect(out.endsWith(".</speak>")).toBe(true);
    expect(again.length).toBeLessThanOrEqual(SPEECH_LIMIT);
    expect(bytes(env)).toBeLessThanOrEqual(RESPONSE_LIMIT);
  });

  it("cuts a too long card to 8,000 characters at a line", () => {
    const content = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join("\n");
    const card = buildResponse(reply({ speech: "x", card: { title: "Shopping list", content } })).response.card as {
      title: string;
      content: string;
    };
    expect(card.title.length + card.content.length).toBeLessThanOrEqual(CARD_LIMIT);
    expect(card.content.endsWith("\n…")).toBe(true);
    expect(content.startsWith(card.content.slice(0, -1))).toBe(true);
  });

  it("keeps the whole response within 24 KB: the card is trimmed first", () => {
    // Three bytes per character: 8,000 characters of card alone would be 24,000 bytes.
    const content = Array.from({ length: 500 }, () => "牛乳".repeat(50)).join("\n");
    const speech = `Your shopping list has 500 items: ${"牛乳, ".repeat(100)}and 495 more.`;
    const env = buildResponse(reply({ speech, reprompt: "Anything else?", card: { title: "Shopping list", content } }));
    const card = env.response.card as { content: string };
    // Cut below the card's own limit, to make room for the speech.
    expect(card.content.length).toBeLessThan(CARD_LIMIT - 200);
    expect(card.content.endsWith("\n…")).toBe(true);
    expect(bytes(env)).toBeLessThanOrEqual(RESPONSE_LIMIT);
    expect(bytes(env)).toBeGreaterThan(RESPONSE_LIMIT - 1024);
    expect(ssmlOf(env.response.outputSpeech)).toBe(`<speak>${speech}</speak>`);
    expect(env.response.card?.type).toBe("Simple");
  });

  it("then the speech, when the card is gone and it is still too large", () => {
    const speech = "ü€🥛 ".repeat(1900); // ~7,600 characters, ~20 KB
    const content = "🥛".repeat(3000);
    const env = buildResponse(reply({ speech, reprompt: speech, card: { title: "t", content } }));
    expect(bytes(env)).toBeLessThanOrEqual(RESPONSE_LIMIT);
    expect(env.response.card).toBeUndefined();
    expect(wellFormed(ssmlOf(env.response.outputSpeech))).toBe(true);
  });

  it("a 500-item list of 256-character values with `salt & <pepper>` stays within every limit", () => {
    const value = (i: number) => `salt & <pepper> ${i} `.padEnd(256, "x");
    const lists = standardLists("en-US", Array.from({ length: 500 }, (_, i) => (i % 2 ? value(i) : [value(i), "completed"])));
    expect(lists.values("S").every((v) => v.length === 256)).toBe(true);
    for (const turn of [
      intentTurn("ReadListIntent", { list: { value: "shopping", resolvedId: "shopping" } }),
      intentTurn("ReadListIntent", { list: "shopping" }, { launched: true }),
    ]) {
      const r = converse(turn, lists);
      const env = buildResponse(r);
      const ssml = ssmlOf(env.response.outputSpeech);
      expect(wellFormed(ssml)).toBe(true);
      expect(ssml).toContain("salt &amp; &lt;pepper&gt;");
      expect(ssml.length).toBeLessThanOrEqual(SPEECH_LIMIT);
      const card = env.response.card as { title: string; content: string };
      expect(card.title.length + card.content.length).toBeLessThanOrEqual(CARD_LIMIT);
      expect(card.content).toContain("salt & <pepper>");
      expect(bytes(env)).toBeLessThanOrEqual(RESPONSE_LIMIT);
      expect(env.response.shouldEndSession).toBe(false); // "say more"
    }
    // Adding many long values (no "&": it splits items) names ten and counts the rest.
    const many = Array.from({ length: 40 }, (_, i) => `<pepper> "number" ${i} `.padEnd(250, "y")).join(", ");
    const env = buildResponse(converse(intentTurn("AddItemsIntent", { items: many, list: "todo" }), standardLists("en-US")));
    expect(wellFormed(ssmlOf(env.response.outputSpeech))).toBe(true);
    expect(ssmlOf(env.response.outputSpeech)).toContain("and 30 more");
    expect(ssmlOf(env.response.outputSpeech)).toContain("&lt;pepper&gt; &quot;number&quot; 9 ");
    expect(bytes(env)).toBeLessThanOrEqual(RESPONSE_LIMIT);
  });
});
