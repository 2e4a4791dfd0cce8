/**
 * @module user/lists/skill-store
 * The skill store: a user's lists held in their Durable Object, changed by
 * voice (src/voice decides, this applies) and by the app's REST operations.
 * Every method is synchronous SQL, run inside the object's transaction, so a
 * change, its webhooks and its operation record commit together before anyone
 * is answered.
 *
 * Convergence, one rule: the object applies every change (voice or app) in
 * the order it reaches it, one at a time; each change of an item raises its
 * `version` by one, and the webhooks leave in that same order. The last
 * change applied wins, field by field; a delete is final (a later edit of the
 * item finds nothing: `ITEM_NOT_FOUND`). The app converges by keeping, per
 * item, the state with the highest version it has seen, whether from a
 * webhook (voice) or from the `outbox.completed` of its own operation.
 *
 * What the app hears: voice changes as the household's webhooks
 * (`alexa.list.items.created` / `updated` / `deleted`, `alexa.list.created`)
 * with `source: "voice"`; its own operations only as `outbox.completed`
 * (with the item's new state), as the household store suppresses the echo of
 * the app's writes; `alexa.list.snapshot` on a sync. Adding by voice an item
 * that is on the list checked off puts that item back (`updated`, as an
 * uncheck would) instead of creating a second one; a REST create always
 * creates.
 *
 * Undo: each voice change keeps what reverts it in the {@link UndoJournal}
 * (undo-journal.ts: for an hour, the latest 20). Reverting skips items
 * changed since (their version moved on), so undo never overwrites a newer
 * edit.
 */
import type { ResponseEnvelope } from "ask-sdk-model";
import { converse, errorReply } from "../../voice/dialogue/index.ts";
import { buildResponse } from "../../voice/response.ts";
import { readTurn } from "../../voice/turn.ts";
import type { VoiceInput } from "../envelope.ts";
import type { BridgeMessage, BridgeOperation } from "../../protocol/bridge-message.ts";
import { listChanged, listData, webhookItem, WebhookType, type ChangeSource, type WebhookItem } from "../../sync/payloads.ts";
import { splitItemsChanged, splitItemsDeleted } from "../../sync/split.ts";
import { buildSnapshot, splitSnapshot, type ReadList } from "../../sync/snapshot.ts";
import {
  LIMITS,
  type DefaultListKind,
  type ItemStatus,
  type UndoableChange,
  type VoiceChange,
  type VoiceItem,
  type VoiceListSummary,
  type VoiceLists,
} from "../../voice/types.ts";
import { NOTHING, type Apply } from "../inbound/context.ts";
import type { EnqueueOptions, EnqueueResult, Outbox } from "../outbox/outbox.ts";
import type { WebhookPort } from "../ports.ts";
import { StoreError, type HeldList, type ListStore, type Refused } from "./list-store.ts";
import {
  DEFAULT_LIST_ID,
  DEFAULT_LIST_NAME,
  nameKey,
  newId,
  toListItem,
  toMetadata,
  type ItemRow,
  type ListRow,
} from "./skill-tables.ts";
import { UndoJournal } from "./undo-journal.ts";

/** Shopping, then to-do, then custom lists in the order they were made. */
const LIST_ORDER = "CASE l.default_kind WHEN 'shopping' THEN 0 WHEN 'todo' THEN 1 ELSE 2 END, l.seq";

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

interface UndoEntry {
  summary: UndoableChange;
  inverse: Inverse;
}

/**
 * An entry as the journal keeps it: a restore's rows hold the item values, so
 * its summary does not repeat them (half the size of a clear of a full list;
 * the journal's bound, undo-journal.ts).
 */
interface KeptEntry {
  summary: Omit<UndoableChange, "values"> & { values?: string[] };
  inverse: Inverse;
}

function keep(entry: UndoEntry): KeptEntry {
  if (entry.inverse.kind !== "restore" && entry.inverse.kind !== "restoreList") return entry;
  const { values: _values, ...summary } = entry.summary;
  return { summary, inverse: entry.inverse };
}

function unkeep(kept: KeptEntry): UndoEntry {
  const inv = kept.inverse;
  const values = kept.summary.values ?? (inv.kind === "restore" || inv.kind === "restoreList" ? inv.items.map((r) => r.value) : []);
  return { summary: { ...kept.summary, values }, inverse: kept.inverse };
}

export interface SkillStoreDeps {
  sql: SqlStorage;
  webhooks: WebhookPort;
  outbox: Pick<Outbox, "enqueue" | "applied">;
  now: () => number;
}

/**
 * @example
 * const store = new SkillStore({ sql, webhooks, outbox, now });
 * store.applyVoice({ kind: "add", listId: store.listId("shopping"), values: ["milk"] }, now);
 */
export class SkillStore implements ListStore, VoiceLists {
  readonly kind = "skill" as const;
  readonly #d: SkillStoreDeps;
  readonly #undoJournal: UndoJournal<KeptEntry>;
  #defaultsReady = false;

  constructor(deps: SkillStoreDeps) {
    // Its tables: SKILL_LISTS_SCHEMA (skill-tables.ts), made current by the owning object.
    this.#d = deps;
    this.#undoJournal = new UndoJournal(deps.sql);
  }

  // ------------------------------------------------------------ reading

  /** @example store.lists()[0]?.defaultKind // "shopping" */
  lists(): VoiceListSummary[] {
    this.#ensureDefaults();
    return this.#d.sql
      .exec<ListRow & { active: number; completed: number }>(
        `SELECT l.*, COALESCE(SUM(i.status = 'active'), 0) AS active, COALESCE(SUM(i.status = 'completed'), 0) AS completed
         FROM skill_lists l LEFT JOIN skill_items i ON i.list_id = l.id
         GROUP BY l.seq ORDER BY ${LIST_ORDER}`,
      )
      .toArray()
      .map((r) => ({ id: r.id, name: r.name, defaultKind: r.default_kind, active: r.active, completed: r.completed }));
  }

  /** @example store.items(listId).map((i) => i.value) */
  items(listId: string): VoiceItem[] {
    return this.#itemRows(listId).map((r) => ({ id: r.id, value: r.value, status: r.status }));
  }

  /** @example store.lastChange()?.values // ["milk", "eggs"] */
  lastChange(): UndoableChange | null {
    const kept = this.#undoJournal.latest(this.#d.now());
    if (!kept) return null;
    const entry = unkeep(kept);
    const room = this.#restoreRoom(entry.inverse);
    return room.fits < room.wanted ? { ...entry.summary, fits: room.fits } : entry.summary;
  }

  /** Every list with its items (as snapshots show them), for `GET /v1/users/{id}/lists`. @example store.read()[0]?.items */
  read(): HeldList[] {
    const appIds = this.#appIds();
    return this.#readLists().map((l) => ({
      ...listData(l.metadata),
      items: [...l.active, ...l.completed].map((i) => webhookItem(i, appIds.get(i.id) ?? null)),
    }));
  }

  /** The skill store has no remote side to reconcile with. */
  reconciles(): boolean {
    return false;
  }

  // --------------------------------------------------------------- voice

  /**
   * One voice turn: the dialogue (src/voice) reads the lists and names at most
   * one change, which is applied here with its webhooks; a refusal (list
   * full, …) is explained instead. Runs in the object's transaction.
   * @example const response = store.answerVoice(req.voice, now);
   */
  answerVoice(voice: VoiceInput, now: number): ResponseEnvelope {
    const turn = readTurn(voice.request, voice.session, voice.locale);
    let reply = converse(turn, this);
    if (reply.change) {
      try {
        this.applyVoice(reply.change, now);
      } catch (e) {
        if (!(e instanceof StoreError)) throw e;
        reply = errorReply(e.code, turn.locale, turn.kind === "ended" ? {} : turn.session);
      }
    }
    return buildResponse(reply);
  }

  /**
   * Applies the change a voice turn asked for, with its webhooks
   * (`source: "voice"`) and its undo entry. Checks everything before writing,
   * so a {@link StoreError} leaves nothing behind.
   * @example store.applyVoice({ kind: "add", listId, values: ["milk", "eggs"] }, now);
   * @example store.applyVoice({ kind: "add", listId, values: ["eggs"], reactivateIds: [checkedOffMilk.id] }, now);
   */
  applyVoice(change: VoiceChange, now: number): void {
    this.#ensureDefaults();
    switch (change.kind) {
      case "add": {
        // New items first (#addItems checks before it writes), then the checked-off ones put back, as an uncheck would.
        const list = this.#list(change.listId);
        const checkedOff = this.#rowsOn(list.id, change.reactivateIds ?? []).filter((r) => r.status === "completed");
        const rows = change.values.length > 0 ? this.#addItems(list, change.values.map((value) => ({ value })), now) : [];
        const reactivated = checkedOff.map((r) => this.#updateItem(r, { status: "active" }, now));
        if (rows.length === 0 && reactivated.length === 0) return;
        if (rows.length > 0) this.#emitChanged(WebhookType.itemsCreated, list.id, rows, "voice");
        if (reactivated.length > 0) this.#emitChanged(WebhookType.itemsUpdated, list.id, reactivated, "voice");
        const inverses: Inverse[] = [];
        if (rows.length > 0) inverses.push({ kind: "delete", items: rows.map((r) => ({ id: r.id, version: r.version })) });
        if (reactivated.length > 0) inverses.push({ kind: "status", items: reactivated.map((r) => ({ id: r.id, version: r.version, status: "completed" })) });
        this.#remember(
          { kind: "add", ...this.#about(list), values: rows.map((r) => r.value), ...(reactivated.length > 0 ? { reactivated: reactivated.map((r) => r.value) } : {}) },
          inverses.length === 1 ? inverses[0]! : { kind: "combined", parts: inverses },
          now,
        );
        return;
      }
      case "remove":
      case "clearCompleted": {
        const list = this.#list(change.listId);
        const rows = change.kind === "remove" ? this.#rowsOn(list.id, change.itemIds) : this.#itemRows(list.id).filter((r) => r.status === "completed");
        if (rows.length === 0) return;
        this.#deleteItems(rows);
        this.#emitDeleted(list.id, rows, "voice");
        this.#remember({ kind: change.kind, ...this.#about(list), values: rows.map((r) => r.value) }, { kind: "restore", items: rows }, now);
        return;
      }
      case "status": {
        const list = this.#list(change.listId);
        const before = this.#rowsOn(list.id, change.itemIds).filter((r) => r.status !== change.status);
        if (before.length === 0) return;
        const after = before.map((r) => this.#updateItem(r, { status: change.status }, now));
        this.#emitChanged(WebhookType.itemsUpdated, list.id, after, "voice");
        this.#remember(
          { kind: "status", ...this.#about(list), values: after.map((r) => r.value), status: change.status },
          { kind: "status", items: before.map((r, i) => ({ id: r.id, version: after[i]!.version, status: r.status })) },
          now,
        );
        return;
      }
      case "createList": {
        const values = change.values ?? [];
        for (const v of values) checkValue(v);
        if (values.length > LIMITS.maxItemsPerList) throw new StoreError("LIST_FULL", `at most ${LIMITS.maxItemsPerList} items fit on a list`);
        const list = this.#createList(change.name, now);
        this.#d.webhooks.enqueue(WebhookType.listCreated, listChanged(toMetadata(list), "voice"));
        const rows = values.length > 0 ? this.#addItems(list, values.map((value) => ({ value })), now) : [];
        if (rows.length > 0) this.#emitChanged(WebhookType.itemsCreated, list.id, rows, "voice");
        const dropList: Inverse = { kind: "deleteList", listId: list.id };
        this.#remember(
          { kind: "createList", ...this.#about(list), values: rows.length > 0 ? rows.map((r) => r.value) : [list.name] },
          rows.length > 0 ? { kind: "combined", parts: [{ kind: "delete", items: rows.map((r) => ({ id: r.id, version: r.version })) }, dropList] } : dropList,
          now,
        );
        return;
      }
      case "clearList": {
        const list = this.#list(change.listId);
        const rows = this.#itemRows(list.id);
        if (rows.length === 0) return;
        this.#deleteItems(rows);
        this.#emitDeleted(list.id, rows, "voice");
        this.#remember({ kind: "clearList", ...this.#about(list), values: rows.map((r) => r.value) }, { kind: "restore", items: rows }, now);
        return;
      }
      case "deleteList": {
        const list = this.#list(change.listId);
        const items = this.#itemRows(list.id);
        this.#deleteList(list);
        this.#d.webhooks.enqueue(WebhookType.listDeleted, { listId: list.id, source: "voice" });
        this.#remember({ kind: "deleteList", ...this.#about(list), values: items.map((r) => r.value) }, { kind: "restoreList", list, items }, now);
        return;
      }
      case "renameList": {
        const list = this.#list(change.listId);
        const row = this.#renameList(list, change.name, now);
        this.#d.webhooks.enqueue(WebhookType.listUpdated, listChanged(toMetadata(row), "voice"));
        this.#remember({ kind: "renameList", ...this.#about(row), values: [list.name] }, { kind: "renameList", listId: row.id, name: list.name, version: row.version }, now);
        return;
      }
      case "undo":
        this.#undo(now);
        return;
    }
  }

  // ---------------------------------------------------------------- REST

  /**
   * An app operation: applied now and recorded completed (`outbox.completed`
   * queued), refused with a {@link StoreError} code (nothing stored), or, for a
   * raw `message`, queued in the outbox for Skill Messaging like the household's.
   * @example const r = store.accept({ kind: "create", list: "shopping", value: "milk" }, {}, now);
   */
  accept(op: BridgeOperation, opts: EnqueueOptions, now: number): EnqueueResult | Refused {
    if (op.kind === "message") return this.#d.outbox.enqueue(op, opts);
    this.#ensureDefaults();
    try {
      return this.#d.outbox.applied(op, opts, (opId) => this.#applyOperation(op, opId, now));
    } catch (e) {
      if (e instanceof StoreError) return { outcome: "refused", code: e.code, message: e.message };
      throw e;
    }
  }

  /** The skill store never sends list operations as skill messages; one that arrives is someone else's. */
  async applyDelivered(msg: BridgeMessage): Promise<Apply> {
    console.warn(`skill store: a bridge ${msg.op.kind} operation arrived by message; the skill store sends none, acknowledged without effect`);
    return NOTHING;
  }

  /** List events come from Alexa's household lists, which this store does not use. */
  async listEvent(): Promise<Apply> {
    console.warn("skill store: household list event acknowledged without effect (ALEXA_LISTS=skill)");
    return NOTHING;
  }

  /**
   * The id of a list reference: `shopping`, `todo`, or a list id.
   * @example store.listId("shopping") // the default shopping list's id
   */
  listId(ref: string): string | null {
    if (ref === "shopping" || ref === "todo") return DEFAULT_LIST_ID[ref];
    return this.#listRow(ref)?.id ?? null;
  }

  #applyOperation(op: Exclude<BridgeOperation, { kind: "message" }>, opId: string, now: number): unknown {
    switch (op.kind) {
      case "create": {
        const list = this.#listByRef(op.list);
        const existing = op.appItemId ? this.#itemByAppId(op.appItemId) : null;
        // The same item created again (same list and value) answers that item; any other item keeps its app id.
        if (existing && (existing.list_id !== list.id || existing.value !== op.value.trim())) {
          throw new StoreError("APP_ITEM_ID_TAKEN", `appItemId "${op.appItemId}" already names another item (${existing.id})`);
        }
        const row = existing ?? this.#addItems(list, [{ value: op.value, status: op.status, appItemId: op.appItemId }], now)[0]!;
        return this.#itemResult(row);
      }
      case "update":
      case "complete": {
        const row = this.#itemByRef(this.#listByRef(op.list), op.itemRef);
        const change = op.kind === "complete" ? { status: "completed" as const } : { value: op.value, status: op.status };
        if (change.value !== undefined) checkValue(change.value);
        return this.#itemResult(this.#updateItem(row, change, now));
      }
      case "delete": {
        const row = this.#itemByRef(this.#listByRef(op.list), op.itemRef);
        this.#deleteItems([row]);
        return { alexaItemId: row.id, listId: row.list_id, deleted: true, appItemId: row.app_item_id };
      }
      case "sync": {
        const lists = this.#readLists();
        const appIds = this.#appIds();
        const snapshot = buildSnapshot(lists, (id) => appIds.get(id) ?? null, opId, now);
        for (const part of splitSnapshot(snapshot)) this.#d.webhooks.enqueue(WebhookType.snapshot, part);
        return { lists: lists.length, items: snapshot.lists.reduce((n, l) => n + l.items.length, 0) };
      }
      case "createList": {
        const list = this.#createList(op.name, now);
        return { listId: list.id, name: list.name, version: list.version };
      }
      case "renameList": {
        const row = this.#renameList(this.#listByRef(op.list), op.name, now);
        return { listId: row.id, name: row.name, version: row.version };
      }
      case "deleteList": {
        const list = this.#listByRef(op.list);
        this.#deleteList(list);
        return { listId: list.id, deleted: true };
      }
    }
  }

  #itemResult(row: ItemRow): { alexaItemId: string; listId: string; version: number; appItemId: string | null; item: WebhookItem } {
    return { alexaItemId: row.id, listId: row.list_id, version: row.version, appItemId: row.app_item_id, item: webhookItem(toListItem(row), row.app_item_id) };
  }

  // ------------------------------------------------------------ changes

  #addItems(list: ListRow, items: { value: string; status?: ItemStatus | undefined; appItemId?: string | undefined }[], now: number): ItemRow[] {
    for (const i of items) checkValue(i.value);
    const count = this.#d.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_items WHERE list_id = ?`, list.id).one().n;
    if (count + items.length > LIMITS.maxItemsPerList) {
      throw new StoreError("LIST_FULL", `the list "${list.name}" holds ${count} items; at most ${LIMITS.maxItemsPerList} fit`);
    }
    return items.map((i) =>
      this.#d.sql
        .exec<ItemRow>(
          `INSERT INTO skill_items (id, list_id, value, status, version, app_item_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, 1, ?, ?, ?) RETURNING *`,
          newId("itm"),
          list.id,
          i.value.trim(),
          i.status ?? "active",
          i.appItemId ?? null,
          now,
          now,
        )
        .one(),
    );
  }

  #updateItem(row: ItemRow, change: { value?: string | undefined; status?: ItemStatus | undefined }, now: number): ItemRow {
    return this.#d.sql
      .exec<ItemRow>(
        `UPDATE skill_items SET value = ?, status = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING *`,
        change.value?.trim() ?? row.value,
        change.status ?? row.status,
        now,
        row.id,
      )
      .one();
  }

  #deleteItems(rows: readonly ItemRow[]): void {
    for (const r of rows) this.#d.sql.exec(`DELETE FROM skill_items WHERE id = ?`, r.id);
  }

  #createList(rawName: string, now: number): ListRow {
    const name = this.#checkNewName(rawName, null);
    const count = this.#d.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_lists`).one().n;
    if (count >= LIMITS.maxLists) throw new StoreError("TOO_MANY_LISTS", `there are ${count} lists, the most there can be`);
    return this.#d.sql
      .exec<ListRow>(
        `INSERT INTO skill_lists (id, name, name_key, default_kind, version, created_at, updated_at) VALUES (?, ?, ?, NULL, 1, ?, ?) RETURNING *`,
        newId("lst"),
        name,
        nameKey(name),
        now,
        now,
      )
      .one();
  }

  #renameList(list: ListRow, rawName: string, now: number): ListRow {
    if (list.default_kind) throw new StoreError("NOT_SUPPORTED", "the shopping and to-do lists keep their names");
    const name = this.#checkNewName(rawName, list.id);
    return this.#d.sql
      .exec<ListRow>(`UPDATE skill_lists SET name = ?, name_key = ?, version = version + 1, updated_at = ? WHERE id = ? RETURNING *`, name, nameKey(name), now, list.id)
      .one();
  }

  #deleteList(list: ListRow): void {
    if (list.default_kind) throw new StoreError("NOT_SUPPORTED", "the shopping and to-do lists cannot be deleted");
    this.#d.sql.exec(`DELETE FROM skill_items WHERE list_id = ?`, list.id);
    this.#d.sql.exec(`DELETE FROM skill_lists WHERE id = ?`, list.id);
  }

  #checkNewName(raw: string, except: string | null): string {
    const name = raw.trim().replace(/\s+/g, " ");
    if (name === "" || name.length > LIMITS.maxListNameLength) {
      throw new StoreError("VALUE_TOO_LONG", `a list name is 1 to ${LIMITS.maxListNameLength} characters`);
    }
    const taken = this.#d.sql.exec<{ id: string }>(`SELECT id FROM skill_lists WHERE name_key = ?`, nameKey(name)).toArray()[0];
    if (taken && taken.id !== except) throw new StoreError("LIST_NAME_TAKEN", `there is already a list called "${name}"`);
    return name;
  }

  // --------------------------------------------------------------- undo

  #remember(summary: UndoableChange, inverse: Inverse, now: number): void {
    this.#undoJournal.remember(keep({ summary, inverse }), now);
  }

  #undo(now: number): void {
    const kept = this.#undoJournal.latest(this.#d.now());
    if (!kept) throw new StoreError("NOTHING_TO_UNDO", "no voice change to undo");
    const latest = unkeep(kept);
    // Items to put back and no room for any: refused, and kept for an undo once there is room.
    const room = this.#restoreRoom(latest.inverse);
    if (room.wanted > 0 && room.fits === 0) {
      throw new StoreError("LIST_FULL", `the list holds ${LIMITS.maxItemsPerList} items, the most it can; nothing put back`);
    }
    this.#undoJournal.take(this.#d.now());
    this.#revert(latest.inverse, latest.summary.listId, now);
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
    if (listId === undefined || !this.#listRow(listId)) return { wanted: 0, fits: 0 };
    const wanted = this.#gone(inv.items).length;
    return { wanted, fits: Math.min(wanted, this.#room(listId)) };
  }

  /** The rows among `items` no longer in the store. */
  #gone(items: readonly ItemRow[]): ItemRow[] {
    return items.filter((r) => !this.#itemRow(r.id));
  }

  /** How many more items fit on a list (0 when it is full, or past full). */
  #room(listId: string): number {
    const count = this.#d.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_items WHERE list_id = ?`, listId).one().n;
    return Math.max(0, LIMITS.maxItemsPerList - count);
  }

  #revert(inv: Inverse, listId: string, now: number): void {
    switch (inv.kind) {
      case "delete": {
        const rows = this.#unchanged(inv.items);
        this.#deleteItems(rows);
        if (rows.length > 0) this.#emitDeleted(listId, rows, "voice");
        return;
      }
      case "restore": {
        if (!this.#listRow(listId)) return;
        const restored = this.#gone(inv.items).slice(0, this.#room(listId)).map((r) =>
          this.#d.sql
            .exec<ItemRow>(
              `INSERT INTO skill_items (seq, id, list_id, value, status, version, app_item_id, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
              r.seq, r.id, r.list_id, r.value, r.status, r.version + 1,
              r.app_item_id !== null && this.#itemByAppId(r.app_item_id) ? null : r.app_item_id,
              r.created_at, now,
            )
            .one(),
        );
        if (restored.length > 0) this.#emitChanged(WebhookType.itemsCreated, listId, restored, "voice");
        return;
      }
      case "status": {
        const byId = new Map(inv.items.map((i) => [i.id, i.status]));
        const rows = this.#unchanged(inv.items).map((r) => this.#updateItem(r, { status: byId.get(r.id)! }, now));
        if (rows.length > 0) this.#emitChanged(WebhookType.itemsUpdated, listId, rows, "voice");
        return;
      }
      case "deleteList": {
        const list = this.#listRow(inv.listId);
        if (!list || this.#itemRows(list.id).length > 0) return;
        this.#d.sql.exec(`DELETE FROM skill_lists WHERE id = ?`, list.id);
        this.#d.webhooks.enqueue(WebhookType.listDeleted, { listId: list.id, source: "voice" });
        return;
      }
      case "restoreList": {
        // Skipped when the name has been taken since, or there is no room for another list.
        const l = inv.list;
        if (this.#listRow(l.id) || this.#d.sql.exec<{ id: string }>(`SELECT id FROM skill_lists WHERE name_key = ?`, l.name_key).toArray().length > 0) return;
        if (this.#d.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_lists`).one().n >= LIMITS.maxLists) return;
        const list = this.#d.sql
          .exec<ListRow>(
            `INSERT INTO skill_lists (seq, id, name, name_key, default_kind, version, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?) RETURNING *`,
            l.seq, l.id, l.name, l.name_key, l.version + 1, l.created_at, now,
          )
          .one();
        this.#d.webhooks.enqueue(WebhookType.listCreated, listChanged(toMetadata(list), "voice"));
        this.#revert({ kind: "restore", items: inv.items }, list.id, now);
        return;
      }
      case "renameList": {
        const list = this.#listRow(inv.listId);
        if (!list || list.version !== inv.version) return;
        if (this.#d.sql.exec<{ id: string }>(`SELECT id FROM skill_lists WHERE name_key = ? AND id != ?`, nameKey(inv.name), list.id).toArray().length > 0) return;
        const row = this.#renameList(list, inv.name, now);
        this.#d.webhooks.enqueue(WebhookType.listUpdated, listChanged(toMetadata(row), "voice"));
        return;
      }
      case "combined":
        for (const part of inv.parts) this.#revert(part, listId, now);
        return;
    }
  }

  /** The rows among `items` still at the version the change left them at. */
  #unchanged(items: readonly { id: string; version: number }[]): ItemRow[] {
    return items.map((i) => this.#itemRow(i.id)).filter((r, k): r is ItemRow => r !== null && r.version === items[k]!.version);
  }

  // ------------------------------------------------------------ webhooks

  #emitChanged(type: string, listId: string, rows: readonly ItemRow[], source: ChangeSource): void {
    const items = rows.map((r) => webhookItem(toListItem(r), r.app_item_id));
    for (const data of splitItemsChanged(listId, items, source)) this.#d.webhooks.enqueue(type, data);
  }

  #emitDeleted(listId: string, rows: readonly ItemRow[], source: ChangeSource): void {
    const appIds: Record<string, string> = {};
    for (const r of rows) if (r.app_item_id) appIds[r.id] = r.app_item_id;
    for (const data of splitItemsDeleted(listId, rows.map((r) => r.id), appIds, source)) this.#d.webhooks.enqueue(WebhookType.itemsDeleted, data);
  }

  // ----------------------------------------------------------- row reads

  #ensureDefaults(): void {
    if (this.#defaultsReady) return;
    // Read first: an INSERT that hits the conflict still counts a row written (billed), at every object start.
    const present = this.#d.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_lists WHERE default_kind IS NOT NULL`).one().n;
    if (present === 2) {
      this.#defaultsReady = true;
      return;
    }
    const now = this.#d.now();
    for (const kind of ["shopping", "todo"] as const satisfies readonly DefaultListKind[]) {
      this.#d.sql.exec(
        `INSERT INTO skill_lists (id, name, name_key, default_kind, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)
         ON CONFLICT DO NOTHING`,
        DEFAULT_LIST_ID[kind],
        DEFAULT_LIST_NAME[kind],
        nameKey(DEFAULT_LIST_NAME[kind]),
        kind,
        now,
        now,
      );
    }
    this.#defaultsReady = true;
  }

  #readLists(): ReadList[] {
    this.#ensureDefaults();
    const lists = this.#d.sql.exec<ListRow>(`SELECT * FROM skill_lists l ORDER BY ${LIST_ORDER}`).toArray();
    return lists.map((l) => {
      const items = this.#itemRows(l.id).map(toListItem);
      return { metadata: toMetadata(l), active: items.filter((i) => i.status === "active"), completed: items.filter((i) => i.status === "completed") };
    });
  }

  #appIds(): Map<string, string> {
    const rows = this.#d.sql
      .exec<{ id: string; app_item_id: string }>(`SELECT id, app_item_id FROM skill_items WHERE app_item_id IS NOT NULL`)
      .toArray();
    return new Map(rows.map((r) => [r.id, r.app_item_id]));
  }

  #about(list: ListRow): Pick<UndoableChange, "listId" | "listName" | "defaultKind"> {
    return { listId: list.id, listName: list.name, defaultKind: list.default_kind };
  }

  #list(listId: string): ListRow {
    const row = this.#listRow(listId);
    if (!row) throw new StoreError("LIST_NOT_FOUND", "no such list");
    return row;
  }

  #listByRef(ref: string): ListRow {
    const id = this.listId(ref);
    const row = id === null ? null : this.#listRow(id);
    if (!row) throw new StoreError("LIST_NOT_FOUND", `no list "${ref}" (use shopping, todo or a list id)`);
    return row;
  }

  #listRow(id: string): ListRow | null {
    return this.#d.sql.exec<ListRow>(`SELECT * FROM skill_lists WHERE id = ?`, id).toArray()[0] ?? null;
  }

  #itemRows(listId: string): ItemRow[] {
    return this.#d.sql.exec<ItemRow>(`SELECT * FROM skill_items WHERE list_id = ? ORDER BY seq`, listId).toArray();
  }

  #itemRow(id: string): ItemRow | null {
    return this.#d.sql.exec<ItemRow>(`SELECT * FROM skill_items WHERE id = ?`, id).toArray()[0] ?? null;
  }

  #itemByAppId(appItemId: string): ItemRow | null {
    return this.#d.sql.exec<ItemRow>(`SELECT * FROM skill_items WHERE app_item_id = ?`, appItemId).toArray()[0] ?? null;
  }

  /** An operation's `itemRef` on the operation's list: the app's id first, then the store's item id. */
  #itemByRef(list: ListRow, ref: string): ItemRow {
    const row = [this.#itemByAppId(ref), this.#itemRow(ref)].find((r) => r?.list_id === list.id);
    if (!row) throw new StoreError("ITEM_NOT_FOUND", `no item "${ref}" on the list "${list.name}" (an app item id or an item id)`);
    return row;
  }

  #rowsOn(listId: string, ids: readonly string[]): ItemRow[] {
    return ids.map((id) => this.#itemRow(id)).filter((r): r is ItemRow => r !== null && r.list_id === listId);
  }
}

function checkValue(value: string): void {
  const v = value.trim();
  if (v === "" || v.length > LIMITS.maxValueLength) {
    throw new StoreError("VALUE_TOO_LONG", `an item is 1 to ${LIMITS.maxValueLength} characters`);
  }
}
