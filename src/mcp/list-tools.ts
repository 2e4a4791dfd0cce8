/**
 * @module mcp/list-tools
 * The tools about whole lists: read_list, list_lists, create_list,
 * rename_list, delete_list, clear_completed, and undo_last_change. Renaming
 * and deleting act only on a list named exactly (its name, or `shopping` /
 * `to-do`), never on a close guess: they cannot be taken back by saying the
 * name again.
 */
import { listKey, listNameTaken } from "../voice/match.ts";
import type { VoiceListSummary } from "../voice/types.ts";
import type { Plan, ToolContext } from "./call.ts";
import { findList } from "./item-tools.ts";
import type { ToolName } from "./tools.ts";
import { and, listLabel, sentences, undoneSentence, your } from "./words.ts";

type ListToolName = Exclude<ToolName, "add_items" | "remove_items" | "check_off_items" | "uncheck_items">;

/**
 * The plan of a list tool (arguments already checked against its schema).
 * @example planListTool("read_list", { list: "shopping" }, { lists: store, locale: "en-US" })
 */
export function planListTool(name: ListToolName, args: Record<string, unknown>, ctx: ToolContext): Plan {
  const all = ctx.lists.lists();
  const ref = typeof args.list === "string" ? args.list : undefined;
  const newName = typeof args.name === "string" ? args.name.trim().replace(/\s+/g, " ") : "";
  switch (name) {
    case "list_lists": {
      const lists = all.map((l) => ({ name: l.name, kind: l.defaultKind ?? "custom", active: l.active, completed: l.completed }));
      const counted = all.map((l) => `${your(l)} (${count(l.active, "item")}${l.completed > 0 ? `, ${l.completed} checked off` : ""})`);
      return { change: null, result: { lists, message: `You have ${count(all.length, "list")}: ${and(counted)}.` } };
    }
    case "read_list": {
      const list = pick(ref, all, ctx);
      if (typeof list === "string") return { error: list };
      const items = ctx.lists.items(list.id);
      const active = items.filter((i) => i.status === "active").map((i) => i.value);
      const completed = items.filter((i) => i.status === "completed").map((i) => i.value);
      const message =
        items.length === 0
          ? `${cap(your(list))} is empty.`
          : sentences(active.length > 0 ? `${your(list)} has ${and(active)}.` : `${your(list)} has nothing left to do.`, completed.length > 0 && `Checked off: ${and(completed)}.`);
      return { change: null, result: { list: list.name, active, completed, message } };
    }
    case "clear_completed": {
      const list = pick(ref, all, ctx);
      if (typeof list === "string") return { error: list };
      const cleared = ctx.lists.items(list.id).filter((i) => i.status === "completed").map((i) => i.value);
      if (cleared.length === 0) return { change: null, result: { list: list.name, cleared, message: `There are no checked-off items on ${your(list)}.` } };
      return { change: { kind: "clearCompleted", listId: list.id }, result: { list: list.name, cleared, message: `I removed ${count(cleared.length, "checked-off item")} from ${your(list)}.` } };
    }
    case "create_list": {
      if (listNameTaken(newName, all, ctx.locale)) return { error: `You already have a list called ${newName}.` };
      const made = { name: newName, defaultKind: null };
      return { change: { kind: "createList", name: newName }, result: { list: newName, message: `I created ${your(made)}.` } };
    }
    case "rename_list": {
      const list = exact(ref ?? "", all, ctx);
      if (typeof list === "string") return { error: list };
      if (list.defaultKind) return { error: `${cap(your(list))} keeps its name.` };
      const taken = all.find((l) => l.id !== list.id && listKey(l.name, ctx.locale) === listKey(newName, ctx.locale));
      if (taken || (listNameTaken(newName, all, ctx.locale) && listKey(list.name, ctx.locale) !== listKey(newName, ctx.locale))) {
        return { error: `You already have a list called ${newName}.` };
      }
      return {
        change: { kind: "renameList", listId: list.id, name: newName },
        result: { list: newName, previousName: list.name, message: `${cap(your(list))} is now called ${newName}.` },
      };
    }
    case "delete_list": {
      const list = exact(ref ?? "", all, ctx);
      if (typeof list === "string") return { error: list };
      if (list.defaultKind) return { error: `${cap(your(list))} can't be deleted, but it can be cleared.` };
      const itemsDeleted = list.active + list.completed;
      return {
        change: { kind: "deleteList", listId: list.id },
        result: { list: list.name, itemsDeleted, message: `I deleted ${your(list)}${itemsDeleted > 0 ? ` and its ${count(itemsDeleted, "item")}` : ""}.` },
      };
    }
    case "undo_last_change": {
      const last = ctx.lists.lastChange();
      if (!last) return { error: "There's nothing to undo." };
      return { change: { kind: "undo" }, result: { message: undoneSentence(last) } };
    }
  }
}

/** The named list, or the shopping list when none is named. */
function pick(ref: string | undefined, all: readonly VoiceListSummary[], ctx: ToolContext): VoiceListSummary | string {
  if (ref !== undefined) return findList(ref, all, ctx);
  return all.find((l) => l.defaultKind === "shopping") ?? all[0] ?? "You have no lists.";
}

/** The list whose name (or default-list word) is exactly `ref`; a close guess is named back, not taken. */
function exact(ref: string, all: readonly VoiceListSummary[], ctx: ToolContext): VoiceListSummary | string {
  const list = findList(ref, all, ctx);
  if (typeof list === "string") return list;
  // The shopping and to-do lists are refused by the caller whichever word named them.
  if (list.defaultKind !== null) return list;
  const key = listKey(ref, ctx.locale);
  if (listKey(list.name, ctx.locale) === key || listKey(listLabel(list), ctx.locale) === key) return list;
  return `Did you mean ${your(list)}? Say its name exactly.`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
