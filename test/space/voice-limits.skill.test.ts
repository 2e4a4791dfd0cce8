// A voice turn with a huge slot value through the Worker's dispatch into the
// user's object (issue 23, point 2): a 40 KB "milk milk …" overflowed the
// stack (503); it is now answered with a short sentence, and nothing changes.
import { describe, expect, it } from "vitest";
import { MAX_SLOT_LENGTH } from "../../src/voice/turn.ts";
import { newUserId } from "../alexa-user/fakes.ts";
import { useFakes } from "../alexa-user/harness.ts";
import { Conversation, enabledUser, values } from "./skill-harness.ts";

useFakes();

describe("voice turns with too much said at once", () => {
  it("a 40 KB 'milk milk …' is answered (200, a short sentence) and adds nothing; a normal add goes on working", async () => {
    const c = new Conversation(newUserId("voice-40k"));
    await enabledUser(c.userId);
    const t = await c.intent("AddItemsIntent", { items: "milk ".repeat(8 * 1024).trim() });
    expect(t.status).toBe(200);
    expect(t.ssml).toBe("<speak>Sorry, that was too much at once. Please say a few items at a time.</speak>");
    expect(await values(c.userId, "shopping")).toEqual([]);
    const ok = await c.intent("AddItemsIntent", { items: `${"milk ".repeat(Math.floor((MAX_SLOT_LENGTH - 8) / 5))}and eggs` });
    expect(ok.ssml).toContain("Added milk and eggs to your shopping list.");
    expect(await values(c.userId, "shopping")).toEqual(["milk", "eggs"]);
  });

  it("German: the same answer in German", async () => {
    const c = new Conversation(newUserId("voice-40k-de"), "de-DE");
    await enabledUser(c.userId);
    const t = await c.intent("RemoveItemIntent", { item: "Milch ".repeat(8 * 1024).trim() });
    expect(t.status).toBe(200);
    expect(t.ssml).toContain("zu viel auf einmal");
  });
});
