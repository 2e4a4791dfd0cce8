// The voice corpus: everyday utterances (corpus.ts) through the emulator's NLU
// (the generated interaction models) and the dialogue, against an in-memory
// store, checked for the intent heard and what the lists hold afterwards.
// Prints the success rate; at least 95 % must pass.
import { describe, expect, it } from "vitest";
import { loadModel, type CompiledModel } from "../../../emulator/nlu/model.ts";
import { resolveUtterance } from "../../../emulator/nlu/resolve.ts";
import { converse } from "../../../src/voice/dialogue/index.ts";
import { LOCALES, type Locale } from "../../../src/voice/intents.ts";
import { readTurn } from "../../../src/voice/turn.ts";
import { FakeLists } from "../../voice/fakes.ts";
import { CORPUS, START, type Case } from "./corpus.ts";

/** The lists a case starts from: the first two are the shopping and to-do lists. */
function startLists(locale: Locale): FakeLists {
  const [shopping, todo, ...custom] = START[locale].lists;
  const spec = ([name, active, done]: [string, string[], string[]], id: string, defaultKind: "shopping" | "todo" | null) => ({
    id,
    name,
    defaultKind,
    items: [...active, ...done.map((v) => [v, "completed"] as [string, "completed"])],
  });
  const lists = new FakeLists([
    spec(shopping!, "S", "shopping"),
    spec(todo!, "T", "todo"),
    ...custom.map((l, i) => spec(l, `C${i}`, null)),
  ]);
  lists.undoable = true;
  return lists;
}

/** List name → [open items, checked-off items], sorted; the default lists under "shopping" and "to-do". */
function snapshot(lists: FakeLists): Map<string, [string[], string[]]> {
  const name = (l: { name: string; defaultKind: string | null }) => (l.defaultKind === "shopping" ? "shopping" : l.defaultKind === "todo" ? "to-do" : l.name);
  return new Map(
    lists.data.map((l) => [
      name(l),
      [l.items.filter((i) => i.status === "active").map((i) => i.value).sort(), l.items.filter((i) => i.status === "completed").map((i) => i.value).sort()],
    ]),
  );
}

interface Outcome {
  ok: boolean;
  why: string;
}

function run(model: CompiledModel, locale: Locale, c: Case): Outcome {
  const lists = startLists(locale);
  const expected = snapshot(lists);
  for (const [name, values] of Object.entries(c.lists ?? {})) {
    if (values === null) expected.delete(name);
    else expected.set(name, [[...values].sort(), expected.get(name)?.[1] ?? []]);
  }
  for (const [name, values] of Object.entries(c.done ?? {})) expected.set(name, [expected.get(name)?.[0] ?? [], [...values].sort()]);

  let session: Record<string, unknown> = {};
  let speech = "";
  const turns = typeof c.say === "string" ? [c.say] : c.say;
  for (const [k, text] of turns.entries()) {
    const heard = resolveUtterance(model, text);
    if (!heard) return { ok: false, why: `"${text}": nothing heard` };
    if (k === 0 && (heard.type !== "IntentRequest" || heard.intent !== c.intent)) {
      return { ok: false, why: `heard ${heard.type === "IntentRequest" ? `${heard.intent} (${heard.sample ?? "-"})` : heard.type}, expected ${c.intent}` };
    }
    const request =
      heard.type === "LaunchRequest"
        ? { type: "LaunchRequest" }
        : { type: "IntentRequest", intent: { name: heard.intent, slots: Object.fromEntries(Object.entries(heard.slots).map(([n, s]) => [n, { name: n, ...s }])) } };
    const reply = converse(readTurn(request, { attributes: session }, locale), lists);
    if (reply.change) lists.apply(reply.change);
    session = reply.session;
    speech = reply.speech;
  }
  const got = snapshot(lists);
  const show = (m: Map<string, [string[], string[]]>) => JSON.stringify([...m].sort());
  if (show(got) !== show(expected)) return { ok: false, why: `lists ${show(got)}, expected ${show(expected)} (said: ${speech})` };
  if (c.says && !c.says.test(speech)) return { ok: false, why: `said "${speech}", expected ${String(c.says)}` };
  return { ok: true, why: "" };
}

describe("voice corpus", () => {
  it("at least 150 everyday utterances in en-US, en-GB and de-DE reach the right intent and list effect (≥ 95 %)", async () => {
    let total = 0;
    let passed = 0;
    let heldOut = 0;
    let heldOutPassed = 0;
    const failures: string[] = [];
    for (const locale of LOCALES) {
      const model = await loadModel(locale);
      for (const c of CORPUS[locale]) {
        total++;
        const outcome = run(model, locale, c);
        if (c.heldOut) heldOut++;
        if (outcome.ok) {
          passed++;
          if (c.heldOut) heldOutPassed++;
        } else failures.push(`${locale}${c.heldOut ? " (held out)" : ""} ${JSON.stringify(c.say)}: ${outcome.why}`);
      }
    }
    const rate = (100 * passed) / total;
    console.log(`voice corpus: ${passed}/${total} passed (${rate.toFixed(1)} %); held out (never used to change the models): ${heldOutPassed}/${heldOut}`);
    for (const f of failures) console.log(`  ✗ ${f}`);
    expect(total).toBeGreaterThanOrEqual(150);
    expect(rate).toBeGreaterThanOrEqual(95);
  });
});
