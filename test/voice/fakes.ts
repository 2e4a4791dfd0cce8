/**
 * An in-memory VoiceLists for the voice tests, with a small `apply` so that
 * multi-turn conversations see their own changes, and turn builders.
 */
import type { Locale } from "../../src/voice/intents.ts";
import type {
  DefaultListKind,
  ItemStatus,
  UndoableChange,
  VoiceChange,
  VoiceItem,
  VoiceListSummary,
  VoiceLists,
  VoiceTurn,
} from "../../src/voice/types.ts";

export interface FakeList {
  id: string;
  name: string;
  defaultKind: DefaultListKind | null;
  items: VoiceItem[];
}

type ItemSpec = string | [string, ItemStatus];

export class FakeLists implements VoiceLists {
  readonly data: FakeList[];
  last: UndoableChange | null = null;
  applied: VoiceChange[] = [];
  private nextId = 1;

  constructor(lists: { id: string; name: string; defaultKind?: DefaultListKind | null; items?: ItemSpec[] }[]) {
    this.data = lists.map((l) => ({
      id: l.id,
      name: l.name,
      defaultKind: l.defaultKind ?? null,
      items: (l.items ?? []).map((spec) => this.item(spec)),
    }));
  }

  private item(spec: ItemSpec): VoiceItem {
    const [value, status] = typeof spec === "string" ? [spec, "active" as const] : spec;
    return { id: `i${this.nextId++}`, value, status };
  }

  lists(): VoiceListSummary[] {
    return this.data.map((l) => ({
      id: l.id,
      name: l.name,
      defaultKind: l.defaultKind,
      active: l.items.filter((i) => i.status === "active").length,
      completed: l.items.filter((i) => i.status === "completed").length,
    }));
  }

  items(listId: string): VoiceItem[] {
    return (this.data.find((l) => l.id === listId)?.items ?? []).map((i) => ({ ...i }));
  }

  lastChange(): UndoableChange | null {
    return this.undoable ? (this.history[this.history.length - 1]?.summary ?? null) : this.last;
  }

  /** With `undoable`, every change keeps a copy of the lists before it, and "undo" goes back to it. */
  undoable = false;
  private history: { before: FakeList[]; summary: UndoableChange }[] = [];

  private remember(change: Exclude<VoiceChange, { kind: "undo" }>): void {
    if (!this.undoable) return;
    const listId = "listId" in change ? change.listId : "";
    const list = this.data.find((l) => l.id === listId);
    this.history.push({
      before: structuredClone(this.data),
      summary: {
        kind: change.kind,
        listId,
        listName: list?.name ?? ("name" in change ? change.name : ""),
        defaultKind: list?.defaultKind ?? null,
        values: "values" in change && change.values ? change.values : list ? list.items.map((i) => i.value) : [],
      },
    });
  }

  list(id: string): FakeList {
    const l = this.data.find((x) => x.id === id);
    if (!l) throw new Error(`no list ${id}`);
    return l;
  }

  values(id: string, status?: ItemStatus): string[] {
    return this.list(id).items.filter((i) => !status || i.status === status).map((i) => i.value);
  }

  /** A simplified store: enough for the conversations in the tests. */
  apply(change: VoiceChange): void {
    this.applied.push(change);
    if (change.kind !== "undo") this.remember(change);
    switch (change.kind) {
      case "add": {
        const l = this.list(change.listId);
        for (const i of l.items) if (change.reactivateIds?.includes(i.id)) i.status = "active";
        l.items.push(...change.values.map((v) => this.item(v)));
        break;
      }
      case "remove": {
        const l = this.list(change.listId);
        l.items = l.items.filter((i) => !change.itemIds.includes(i.id));
        break;
      }
      case "status":
        for (const i of this.list(change.listId).items) if (change.itemIds.includes(i.id)) i.status = change.status;
        break;
      case "clearCompleted": {
        const l = this.list(change.listId);
        l.items = l.items.filter((i) => i.status !== "completed");
        break;
      }
      case "createList":
        this.data.push({ id: `L${this.nextId++}`, name: change.name, defaultKind: null, items: (change.values ?? []).map((v) => this.item(v)) });
        break;
      case "deleteList":
        this.data.splice(this.data.indexOf(this.list(change.listId)), 1);
        break;
      case "renameList":
        this.list(change.listId).name = change.name;
        break;
      case "clearList":
        this.list(change.listId).items = [];
        break;
      case "undo": {
        const last = this.undoable ? this.history.pop() : undefined;
        if (last) this.data.splice(0, this.data.length, ...last.before);
        break;
      }
    }
  }
}

/** The two lists every user has, named as the store would name them in `locale`. */
export function standardLists(
  locale: Locale,
  shopping: ItemSpec[] = [],
  todo: ItemSpec[] = [],
  custom: { id: string; name: string; items?: ItemSpec[] }[] = [],
): FakeLists {
  const de = locale === "de-DE";
  return new FakeLists([
    { id: "S", name: de ? "Einkaufsliste" : "Shopping list", defaultKind: "shopping", items: shopping },
    { id: "T", name: de ? "To-do-Liste" : "To-do list", defaultKind: "todo", items: todo },
    ...custom,
  ]);
}

type SlotSpec = string | { value: string; resolvedId: string | null };

export function intentTurn(
  intent: string,
  slots: Record<string, SlotSpec> = {},
  session: Record<string, unknown> = {},
  locale: Locale = "en-US",
): VoiceTurn {
  return {
    kind: "intent",
    locale,
    intent,
    slots: Object.fromEntries(
      Object.entries(slots).map(([k, v]) => [k, typeof v === "string" ? { value: v, resolvedId: null } : v]),
    ),
    session,
  };
}
