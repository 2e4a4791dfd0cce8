/**
 * @module space/merge
 * Moving lists from one space into another: a personal space into the linked
 * space its person just joined, or a 0.2 Alexa user's own tables into its
 * space on the upgrade (src/alexa-user/legacy-lists.ts). The rule:
 * - lists match by default kind (shopping, to-do), else by name (as names are
 *   kept unique); an unmatched list is created, keeping its id when free;
 * - items match by the rule voice uses for "already on the list"
 *   (src/voice/match.ts `sameItem`); a match is kept once (put back to active
 *   if either side was active), anything else is added, keeping its id and
 *   its app id when free. Nothing is dropped and nothing doubled, so merging
 *   the same lists again (a redelivered link) changes nothing;
 * - the bounds do not drop anything here: a merge may leave a list above
 *   500 items or a space above 100 lists (logged), as refusing would lose
 *   the person's items; adds then answer LIST_FULL until some go.
 * The app hears the added and reactivated items (and created lists) as
 * webhooks of the receiving space with `source: "merge"`.
 */
import type { WebhookPort } from "../shared/ports.ts";
import { WebhookType } from "../sync/payloads.ts";
import type { Locale } from "../voice/intents.ts";
import { sameItem } from "../voice/match.ts";
import { LIMITS, type DefaultListKind, type ItemStatus } from "../voice/types.ts";
import { emitChanged, emitListCreated } from "./emit.ts";
import type { SkillRows } from "./skill-rows.ts";
import { DEFAULT_LIST_ID, newId, type ItemRow, type ListRow } from "./skill-tables.ts";

/** A list as it travels between spaces. */
export interface MovedList {
  id: string;
  name: string;
  defaultKind: DefaultListKind | null;
  items: MovedItem[];
}

/** An item as it travels between spaces, oldest first. */
export interface MovedItem {
  id: string;
  value: string;
  status: ItemStatus;
  appItemId: string | null;
  createdAt: number;
}

/** What a merge did. @example { lists: 1, added: 3, reactivated: 0 } */
export interface MergeResult {
  lists: number;
  added: number;
  reactivated: number;
}

/**
 * Reads the lists of skill tables (a space's, or a 0.2 Alexa user's) for a merge.
 * @example const lists = exportLists(ctx.storage.sql);
 */
export function exportLists(sql: SqlStorage): MovedList[] {
  const lists = sql.exec<ListRow>(`SELECT * FROM skill_lists ORDER BY seq`).toArray();
  return lists.map((l) => ({
    id: l.id,
    name: l.name,
    defaultKind: l.default_kind,
    items: sql
      .exec<ItemRow>(`SELECT * FROM skill_items WHERE list_id = ? ORDER BY seq`, l.id)
      .toArray()
      .map((i) => ({ id: i.id, value: i.value, status: i.status, appItemId: i.app_item_id, createdAt: i.created_at })),
  }));
}

/**
 * Merges `lists` into the space of `rows`, with the webhooks (run in the receiving object's transaction).
 * @example mergeLists(rows, webhooks, exported, now, "en-US")
 */
export function mergeLists(rows: SkillRows, webhooks: WebhookPort, lists: readonly MovedList[], now: number, locale: Locale): MergeResult {
  rows.ensureDefaults();
  const result: MergeResult = { lists: 0, added: 0, reactivated: 0 };
  for (const source of lists) {
    let target = source.defaultKind ? rows.listRow(DEFAULT_LIST_ID[source.defaultKind]) : rows.listByName(source.name);
    if (!target) {
      const count = rows.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM skill_lists`).one().n;
      if (count >= LIMITS.maxLists) console.warn(`merge: the space holds ${count} lists; one more is merged in`);
      target = rows.insertList({ id: rows.listRow(source.id) ? newId("lst") : source.id, name: source.name, version: 1, createdAt: now }, now);
      emitListCreated(webhooks, target, "merge");
      result.lists++;
    }
    const present = rows.itemRows(target.id);
    const added: ItemRow[] = [];
    const reactivated: ItemRow[] = [];
    for (const item of source.items) {
      const same = present.find((p) => sameItem(p.value, item.value, locale));
      if (same) {
        if (same.status === "completed" && item.status === "active") {
          const row = rows.updateItem(same, { status: "active" }, now);
          present[present.indexOf(same)] = row;
          reactivated.push(row);
        }
        continue;
      }
      const row = rows.insertItem(
        {
          id: rows.itemRow(item.id) ? newId("itm") : item.id,
          listId: target.id,
          value: item.value,
          status: item.status,
          version: 1,
          appItemId: item.appItemId !== null && !rows.itemByAppId(item.appItemId) ? item.appItemId : null,
          createdAt: item.createdAt,
        },
        now,
      );
      present.push(row);
      added.push(row);
    }
    if (present.length > LIMITS.maxItemsPerList) console.warn(`merge: a list now holds ${present.length} items, above ${LIMITS.maxItemsPerList}`);
    emitChanged(webhooks, WebhookType.itemsCreated, target.id, added, "merge");
    emitChanged(webhooks, WebhookType.itemsUpdated, target.id, reactivated.filter((r) => !added.includes(r)), "merge");
    result.added += added.length;
    result.reactivated += reactivated.length;
  }
  return result;
}
