/**
 * @module mcp/item-tools
 * add_items, remove_items, check_off_items, uncheck_items: several items at
 * once, each call one change on one list (the store's unit of undo).
 *
 * Adding follows the skill exactly (src/voice/dialogue/items.ts `planAdd`):
 * entries are split like speech ("milk, eggs and bread"), an item already
 * there is not added twice, one there checked off is put back. Removing,
 * checking off and unchecking act only on items that are the same item as
 * what was named (case, articles, singular/plural aside: `sameItem`); a
 * close-but-different name is reported not found with the likely item named
 * ("Did you mean oat milk?"), as the skill never acts on a guess without a
 * yes. A name found on several lists, with no list given, asks which.
 */
import { matchItem, matchList, sameItem } from "../voice/match.ts";
import { planAdd } from "../voice/dialogue/items.ts";
import { splitItems } from "../voice/split.ts";
import { LIMITS, type ItemStatus, type VoiceItem, type VoiceListSummary } from "../voice/types.ts";
import type { Plan, ToolContext } from "./call.ts";
import { and, isAre, listLabel, or, sentences, your } from "./words.ts";

type ItemToolName = "add_items" | "remove_items" | "check_off_items" | "uncheck_items";

/**
 * The plan of an item tool.
 * @example planItemTool("add_items", { items: ["milk and eggs"] }, { lists: store, locale: "en-US" })
 */
export function planItemTool(name: ItemToolName, args: { items: string[]; list?: string }, ctx: ToolContext): Plan {
  const all = ctx.lists.lists();
  let named: VoiceListSummary | null = null;
  if (args.list !== undefined) {
    const found = findList(args.list, all, ctx);
    if (typeof found === "string") return { error: found };
    named = found;
  }
  const known = all.flatMap((l) => ctx.lists.items(l.id).map((i) => i.value));
  const values = args.items.flatMap((entry) => splitItems(entry, ctx.locale, known));
  if (values.length === 0) return { error: "I didn't catch any items." };
  if (name === "add_items") {
    const list = named ?? all.find((l) => l.defaultKind === "shopping") ?? all[0];
    if (!list) return { error: "You have no list to add to." };
    return planAddItems(list, values, ctx);
  }
  return planItemOp(name, values, named ? [named] : all, named, ctx);
}

/**
 * The list a person named: `shopping` / `to-do`, a list's name, or a close
 * enough name when one list is clearly meant (`matchList`); otherwise a
 * sentence naming the lists there are.
 * @example findList("groceries", store.lists(), ctx)?.defaultKind // "shopping"
 */
export function findList(ref: string, all: readonly VoiceListSummary[], ctx: ToolContext): VoiceListSummary | string {
  const key = ref.trim().toLowerCase();
  const resolvedId = key === "shopping" ? "shopping" : key === "todo" || key === "to-do" ? "todo" : null;
  const list = matchList({ value: ref, resolvedId }, all, ctx.locale);
  if (list) return list;
  return `You don't have a list called ${ref.trim()}. Your lists are ${and(all.map(listLabel))}.`;
}

function planAddItems(list: VoiceListSummary, values: string[], ctx: ToolContext): Plan {
  if (values.some((v) => v.length > LIMITS.maxValueLength)) return { error: `An item can have at most ${LIMITS.maxValueLength} characters.` };
  const items = ctx.lists.items(list.id);
  const { fresh, reactivated, already } = planAdd(items, values, ctx.locale);
  const putBack = reactivated.map((i) => i.value);
  const result = { list: list.name, added: fresh, putBack, alreadyThere: already };
  if (fresh.length === 0 && reactivated.length === 0) {
    return { change: null, result: { ...result, message: `${cap(and(already))} ${isAre(already)} already on ${your(list)}.` } };
  }
  const room = LIMITS.maxItemsPerList - items.length;
  if (fresh.length > room) {
    return { error: `${cap(your(list))} holds ${items.length} items, and at most ${LIMITS.maxItemsPerList} fit: there is room for ${Math.max(0, room)} more.` };
  }
  const message = sentences(
    fresh.length > 0 && `I added ${and(fresh)} to ${your(list)}.`,
    putBack.length > 0 && `${and(putBack)} ${isAre(putBack)} ${fresh.length > 0 ? "also " : ""}back on ${your(list)}, no longer checked off.`,
    already.length > 0 && `${and(already)} ${isAre(already)} already there.`,
  );
  return {
    change: { kind: "add", listId: list.id, values: fresh, ...(reactivated.length > 0 ? { reactivateIds: reactivated.map((i) => i.id) } : {}) },
    result: { ...result, message },
  };
}

interface Hit {
  list: VoiceListSummary;
  item: VoiceItem;
}

const WANTED: Record<Exclude<ItemToolName, "add_items">, ItemStatus | null> = { remove_items: null, check_off_items: "active", uncheck_items: "completed" };

function planItemOp(name: Exclude<ItemToolName, "add_items">, values: string[], scope: VoiceListSummary[], named: VoiceListSummary | null, ctx: ToolContext): Plan {
  const wanted = WANTED[name];
  const pool: Hit[] = scope.flatMap((list) => ctx.lists.items(list.id).map((item) => ({ list, item })));
  const chosen: Hit[] = [];
  const wrongState: Hit[] = [];
  const notFound: string[] = [];
  const guesses: string[] = [];
  for (const value of values) {
    const same = pool.filter((h) => sameItem(value, h.item.value, ctx.locale) && !chosen.includes(h));
    // Of two equal items the open one is acted on first.
    const fit = same.filter((h) => wanted === null || h.item.status === wanted).sort((a, b) => rank(a) - rank(b));
    const onLists = [...new Set(fit.map((h) => h.list))];
    if (onLists.length > 1) {
      return { error: `${cap(value)} is on ${or(onLists.map(your))}. Which list do you mean?` };
    }
    const first = fit[0];
    if (first) {
      chosen.push(first);
      continue;
    }
    const other = same[0];
    if (other) {
      wrongState.push(other);
      continue;
    }
    notFound.push(value);
    const guess = matchItem(value, pool.filter((h) => wanted === null || h.item.status === wanted).map((h) => h.item), ctx.locale);
    if (guess.kind === "one") guesses.push(guess.item.value);
  }
  const lists = [...new Set([...chosen, ...wrongState].map((h) => h.list))];
  if (lists.length > 1) {
    return { error: `Those items are on different lists (${and(lists.map(your))}). Name one list at a time.` };
  }
  const list = lists[0] ?? named;
  const where = list ? your(list) : "any of your lists";
  const missing = notFound.length > 0 && sentences(`I couldn't find ${and(notFound)} on ${where}.`, guesses.length > 0 && `Did you mean ${or(guesses)}?`);
  if (chosen.length === 0 && wrongState.length === 0) return { error: missing || `I couldn't find that on ${where}.` };

  const names = chosen.map((h) => h.item.value);
  const others = wrongState.map((h) => h.item.value);
  const itemIds = chosen.map((h) => h.item.id);
  const listId = (list ?? chosen[0]!.list).id;
  const label = list?.name ?? "";
  const change = chosen.length === 0 ? null : name === "remove_items" ? ({ kind: "remove", listId, itemIds } as const) : ({ kind: "status", listId, itemIds, status: wanted === "active" ? "completed" : "active" } as const);
  switch (name) {
    case "remove_items":
      return { change, result: { list: label, removed: names, notFound, message: sentences(names.length > 0 && `I removed ${and(names)} from ${where}.`, missing) } };
    case "check_off_items":
      return {
        change,
        result: {
          list: label,
          checkedOff: names,
          alreadyCheckedOff: others,
          notFound,
          message: sentences(names.length > 0 && `I checked off ${and(names)} on ${where}.`, others.length > 0 && `${and(others)} ${isAre(others)} already checked off.`, missing),
        },
      };
    case "uncheck_items":
      return {
        change,
        result: {
          list: label,
          unchecked: names,
          notCheckedOff: others,
          notFound,
          message: sentences(names.length > 0 && `${and(names)} ${isAre(names)} no longer checked off on ${where}.`, others.length > 0 && `${and(others)} ${isAre(others)} not checked off.`, missing),
        },
      };
  }
}

function rank(h: Hit): number {
  return h.item.status === "active" ? 0 : 1;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
