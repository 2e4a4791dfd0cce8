/**
 * @module space/voice-changes
 * Applies the one change a voice turn (or an assistant) asks for, with its
 * webhooks and its undo entry, and reverts an actor's latest change on
 * "undo". Everything is checked before anything is written, so a
 * {@link StoreError} leaves nothing behind.
 *
 * Undo: each change keeps what reverts it in the {@link UndoJournal}, under
 * its actor (src/space/actor.ts), for an hour, the latest 20 per actor.
 * Reverting skips items changed since (their version moved on), so undo never
 * overwrites a newer edit, a family member's included.
 */
import { StoreError } from "../shared/list-store.ts";
import type { WebhookPort } from "../shared/ports.ts";
import { listChanged, WebhookType, type ChangeSource } from "../sync/payloads.ts";
import { LIMITS, type ItemStatus, type UndoableChange, type VoiceChange } from "../voice/types.ts";
import { actorKey, actorSource, type Actor } from "./actor.ts";
import { emitChanged, emitDeleted, emitListCreated } from "./emit.ts";
import { checkValue, type SkillRows } from "./skill-rows.ts";
import { toMetadata, type ItemRow, type ListRow } from "./skill-tables.ts";
import type { UndoJournal } from "./undo-journal.ts";

/** What reverts a voice change. */
type Inverse =
  | { kind: "delete"; items: { id: string; version: number }[] }
  | { kind: "restore"; items: ItemRow[] }
  | { kind: "status"; items: { id: string; version: number; status: ItemStatus }[] }
  | { kind: "deleteList"; listId: string }
  /** A deleted list with its items, as they were. */
  | { kind: "restoreList"; list: ListRow; items: ItemRow[] }
  /** A renamed list's old name, unless it was changed again since (its version moved on). */
  | { kind: "renameList"; listId: string; name: string; version: number }
  /** Several of the above, on different items (an add that created some items and put others back). */
  | { kind: "combined"; parts: Inverse[] };

interface Entry {
  summary: UndoableChange;
  inverse: Inverse;
}

/**
 * One undo journal entry, as the journal keeps it: a restore's rows hold the
 * item values, so its summary does not repeat them (half the size of a clear
 * of a full list; the journal's bound, undo-journal.ts).
 */
export interface UndoEntry {
  summary: Omit<UndoableChange, "values"> & { values?: string[] };
  inverse: Inverse;
}

function keep(entry: Entry): UndoEntry {
  if (entry.inverse.kind !== "restore" && entry.inverse.kind !== "restoreList") return entry;
  const { values: _values, ...summary } = entry.summary;
  return { summary, inverse: entry.inverse };
}

function unkeep(kept: UndoEntry): Entry {
  const inv = kept.inverse;
  const values = kept.summary.values ?? (inv.kind === "restore" || inv.kind === "restoreList" ? inv.items.map((r) => r.value) : []);
  return { summary: { ...kept.summary, values }, inverse: kept.inverse };
}

/**
 * @example
 * const changes = new VoiceChanges(rows, webhooks, journal);
 * changes.apply({ kind: "voice", userId, appUserId: null }, { kind: "add", listId, values: ["milk"] }, now);
 */
export class VoiceChanges {
  constructor(
    private readonly rows: SkillRows,
    private readonly webhooks: WebhookPort,
    private readonly journal: UndoJournal<UndoEntry>,
  ) {}

  /** What "undo" would revert now for this actor (with `fits` when not all of it fits back). @example changes.lastChange(actor, now)?.values */
  lastChange(actor: Actor, now: number): UndoableChange | null {
    const kept = this.journal.latest(actorKey(actor), now);
    if (!kept) return null;
    const entry = unkeep(kept);
    const room = this.#restoreRoom(entry.inverse);
    return room.fits < room.wanted ? { ...entry.summary, fits: room.fits } : entry.summary;
  }

  /**
   * Applies `change` as `actor`. @example changes.apply(actor, { kind: "add", listId, values: ["eggs"], reactivateIds: [milk.id] }, now);
   */
  apply(actor: Actor, change: VoiceChange, now: number): void {
    const rows = this.rows;
    const source = actorSource(actor);
    const key = actorKey(actor);
    rows.ensureDefaults();
    switch (change.kind) {
      case "add": {
        // New items first (addItems checks before it writes), then the checked-off ones put back, as an uncheck would.
        const list = rows.list(change.listId);
        const checkedOff = rows.rowsOn(list.id, change.reactivateIds ?? []).filter((r) => r.status === "completed");
        const added = change.values.length > 0 ? rows.addItems(list, change.values.map((value) => ({ value })), now) : [];
        const reactivated = checkedOff.map((r) => rows.updateItem(r, { status: "active" }, now));
        if (added.length === 0 && reactivated.length === 0) return;
        emitChanged(this.webhooks, WebhookType.itemsCreated, list.id, added, source);
        emitChanged(this.webhooks, WebhookType.itemsUpdated, list.id, reactivated, source);
        const inverses: Inverse[] = [];
        if (added.length > 0) inverses.push({ kind: "delete", items: added.map((r) => ({ id: r.id, version: r.version })) });
        if (reactivated.length > 0) inverses.push({ kind: "status", items: reactivated.map((r) => ({ id: r.id, version: r.version, status: "completed" })) });
        const summary: UndoableChange = {
          kind: "add",
          ...about(list),
          values: added.map((r) => r.value),
          ...(reactivated.length > 0 ? { reactivated: reactivated.map((r) => r.value) } : {}),
        };
        this.journal.remember(key, keep({ summary, inverse: inverses.length === 1 ? inverses[0]! : { kind: "combined", parts: inverses } }), now);
        return;
      }
      case "remove":
      case "clearCompleted": {
        const list = rows.list(change.listId);
        const gone = change.kind === "remove" ? rows.rowsOn(list.id, change.itemIds) : rows.itemRows(list.id).filter((r) => r.status === "completed");
        if (gone.length === 0) return;
        rows.deleteItems(gone);
        emitDeleted(this.webhooks, list.id, gone, source);
        this.journal.remember(key, keep({ summary: { kind: change.kind, ...about(list), values: gone.map((r) => r.value) }, inverse: { kind: "restore", items: gone } }), now);
        return;
      }
      case "status": {
        const list = rows.list(change.listId);
        const before = rows.rowsOn(list.id, change.itemIds).filter((r) => r.status !== change.status);
        if (before.length === 0) return;
        const after = before.map((r) => rows.updateItem(r, { status: change.status }, now));
        emitChanged(this.webhooks, WebhookType.itemsUpdated, list.id, after, source);
        this.journal.remember(
          key,
          keep({
            summary: { kind: "status", ...about(list), values: after.map((r) => r.value), status: change.status },
            inverse: { kind: "status", items: before.map((r, i) => ({ id: r.id, version: after[i]!.version, status: r.status })) },
          }),
          now,
        );
        return;
      }
      case "createList": {
        const values = change.values ?? [];
        for (const v of values) checkValue(v);
        if (values.length > LIMITS.maxItemsPerList) throw new StoreError("LIST_FULL", `at most ${LIMITS.maxItemsPerList} items fit on a list`);
        const list = rows.createList(change.name, now);
        emitListCreated(this.webhooks, list, source);
        const added = values.length > 0 ? rows.addItems(list, values.map((value) => ({ value })), now) : [];
        emitChanged(this.webhooks, WebhookType.itemsCreated, list.id, added, source);
        const dropList: Inverse = { kind: "deleteList", listId: list.id };
        this.journal.remember(
          key,
          keep({
            summary: { kind: "createList", ...about(list), values: added.length > 0 ? added.map((r) => r.value) : [list.name] },
            inverse: added.length > 0 ? { kind: "combined", parts: [{ kind: "delete", items: added.map((r) => ({ id: r.id, version: r.version })) }, dropList] } : dropList,
          }),
          now,
        );
        return;
      }
      case "clearList": {
        const list = rows.list(change.listId);
        const gone = rows.itemRows(list.id);
        if (gone.length === 0) return;
        rows.deleteItems(gone);
        emitDeleted(this.webhooks, list.id, gone, source);
        this.journal.remember(key, keep({ summary: { kind: "clearList", ...about(list), values: gone.map((r) => r.value) }, inverse: { kind: "restore", items: gone } }), now);
        return;
      }
      case "deleteList": {
        const list = rows.list(change.listId);
        const items = rows.itemRows(list.id);
        rows.deleteList(list);
        this.webhooks.enqueue(WebhookType.listDeleted, { listId: list.id, source });
        this.journal.remember(key, keep({ summary: { kind: "deleteList", ...about(list), values: items.map((r) => r.value) }, inverse: { kind: "restoreList", list, items } }), now);
        return;
      }
      case "renameList": {
        const list = rows.list(change.listId);
        const row = rows.renameList(list, change.name, now);
        this.webhooks.enqueue(WebhookType.listUpdated, listChanged(toMetadata(row), source));
        this.journal.remember(
          key,
          keep({ summary: { kind: "renameList", ...about(row), values: [list.name] }, inverse: { kind: "renameList", listId: row.id, name: list.name, version: row.version } }),
          now,
        );
        return;
      }
      case "undo": {
        const kept = this.journal.latest(key, now);
        if (!kept) throw new StoreError("NOTHING_TO_UNDO", "no voice change to undo");
        const latest = unkeep(kept);
        // Items to put back and no room for any: refused, and kept for an undo once there is room.
        const room = this.#restoreRoom(latest.inverse);
        if (room.wanted > 0 && room.fits === 0) {
          throw new StoreError("LIST_FULL", `the list holds ${LIMITS.maxItemsPerList} items, the most it can; nothing put back`);
        }
        this.journal.take(key, now);
        this.#revert(latest.inverse, latest.summary.listId, source, now);
        return;
      }
    }
  }

  #revert(inv: Inverse, listId: string, source: ChangeSource, now: number): void {
    const rows = this.rows;
    switch (inv.kind) {
      case "delete": {
        const gone = this.#unchanged(inv.items);
        rows.deleteItems(gone);
        emitDeleted(this.webhooks, listId, gone, source);
        return;
      }
      case "restore": {
        if (!rows.listRow(listId)) return;
        const restored = this.#gone(inv.items)
          .slice(0, this.#room(listId))
          .map((r) =>
            rows.insertItem(
              {
                seq: r.seq,
                id: r.id,
                listId: r.list_id,
                value: r.value,
                status: r.status,
                version: r.version + 1,
                appItemId: r.app_item_id !== null && rows.itemByAppId(r.app_item_id) ? null : r.app_item_id,
                createdAt: r.created_at,
              },
              now,
            ),
          );
        emitChanged(this.webhooks, WebhookType.itemsCreated, listId, restored, source);
        return;
      }
      case "status": {
        const byId = new Map(inv.items.map((i) => [i.id, i.status]));
        const changed = this.#unchanged(inv.items).map((r) => rows.updateItem(r, { status: byId.get(r.id)! }, now));
        emitChanged(this.webhooks, WebhookType.itemsUpdated, listId, changed, source);
        return;
      }
      case "deleteList": {
        const list = rows.listRow(inv.listId);
        if (!list || rows.itemCount(list.id) > 0) return;
        rows.deleteList(list);
        this.webhooks.enqueue(WebhookType.listDeleted, { listId: list.id, source });
        return;
      }
      case "restoreList": {
        // Skipped when the name has been taken since, or there is no room for another list.
        const l = inv.list;
        if (rows.listRow(l.id) || rows.listByName(l.name)) return;
        if (rows.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_lists`).one().n >= LIMITS.maxLists) return;
        const list = rows.insertList({ seq: l.seq, id: l.id, name: l.name, version: l.version + 1, createdAt: l.created_at }, now);
        emitListCreated(this.webhooks, list, source);
        this.#revert({ kind: "restore", items: inv.items }, list.id, source, now);
        return;
      }
      case "renameList": {
        const list = rows.listRow(inv.listId);
        if (!list || list.version !== inv.version) return;
        const taken = rows.listByName(inv.name);
        if (taken && taken.id !== list.id) return;
        const row = rows.renameList(list, inv.name, now);
        this.webhooks.enqueue(WebhookType.listUpdated, listChanged(toMetadata(row), source));
        return;
      }
      case "combined":
        for (const part of inv.parts) this.#revert(part, listId, source, now);
        return;
    }
  }

  /**
   * How many items undoing `inv` would put back (`wanted`: those still gone)
   * and how many of them fit on their list now (`fits`): undo never takes a
   * list past {@link LIMITS.maxItemsPerList}; the first ones (in the order the change took them) go back.
   */
  #restoreRoom(inv: Inverse): { wanted: number; fits: number } {
    if (inv.kind === "combined") {
      return inv.parts.map((p) => this.#restoreRoom(p)).reduce((a, b) => ({ wanted: a.wanted + b.wanted, fits: a.fits + b.fits }), { wanted: 0, fits: 0 });
    }
    if (inv.kind !== "restore") return { wanted: 0, fits: 0 };
    const listId = inv.items[0]?.list_id;
    if (listId === undefined || !this.rows.listRow(listId)) return { wanted: 0, fits: 0 };
    const wanted = this.#gone(inv.items).length;
    return { wanted, fits: Math.min(wanted, this.#room(listId)) };
  }

  /** The rows among `items` no longer in the store. */
  #gone(items: readonly ItemRow[]): ItemRow[] {
    return items.filter((r) => !this.rows.itemRow(r.id));
  }

  /** How many more items fit on a list (0 when it is full, or past full). */
  #room(listId: string): number {
    return Math.max(0, LIMITS.maxItemsPerList - this.rows.itemCount(listId));
  }

  /** The rows among `items` still at the version the change left them at. */
  #unchanged(items: readonly { id: string; version: number }[]): ItemRow[] {
    return items.map((i) => this.rows.itemRow(i.id)).filter((r, k): r is ItemRow => r !== null && r.version === items[k]!.version);
  }
}

function about(list: ListRow): Pick<UndoableChange, "listId" | "listName" | "defaultKind"> {
  return { listId: list.id, listName: list.name, defaultKind: list.default_kind };
}
