// Issue 11, point 7: no webhook row over 512 KiB. The queue's guard throws in
// development/test (so every test of every path checks it), the splitting
// keeps each part within the bound and loses nothing, and a release of
// thousands of held deletes (once a single 2.48 MB body) comes out in parts.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { WebhookItem } from "../../../src/sync/payloads.ts";
import { splitSnapshot } from "../../../src/sync/snapshot.ts";
import {
  chunkBySize,
  jsonBytes,
  MAX_WEBHOOK_BODY_BYTES,
  splitItemsChanged,
  splitItemsDeleted,
  WEBHOOK_DATA_MAX_BYTES,
} from "../../../src/sync/split.ts";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { releaseDueDeletes } from "../../../src/alexa-user/inbound/list-events.ts";
import { migrateWebhookQueue, WebhookQueue, WebhookTooLargeError } from "../../../src/shared/webhook-queue.ts";
import { APP_SECRET, APP_URL, newUserId, T0 } from "../fakes.ts";

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(r: () => number, max: number): string {
  const alphabet = ["a", "é", "€", "😀", '"', "\\", " "];
  return Array.from({ length: 1 + Math.floor(r() * max) }, () => alphabet[Math.floor(r() * alphabet.length)]).join("");
}

function item(r: () => number, i: number): WebhookItem {
  return { id: `id-${i}-${text(r, 20)}`, value: text(r, 256), status: r() < 0.5 ? "active" : "completed", version: i, createdTime: null, updatedTime: null, appItemId: r() < 0.5 ? text(r, 40) : null };
}

describe("splitting (property tests)", () => {
  it("chunkBySize keeps order, loses nothing, and stays within the budget (an oversized item alone)", () => {
    const r = prng(1);
    for (let run = 0; run < 200; run++) {
      const sizes = Array.from({ length: Math.floor(r() * 50) }, () => Math.floor(r() * 120));
      const budget = 10 + Math.floor(r() * 200);
      const chunks = chunkBySize(sizes, (s) => s, budget);
      expect(chunks.flat()).toEqual(sizes);
      for (const c of chunks) {
        if (c.length > 1) expect(c.reduce((n, s) => n + s + 1, 0)).toBeLessThanOrEqual(budget);
      }
    }
  });

  it("splitItemsChanged and splitItemsDeleted: every part within the bound, concatenated they are the input", () => {
    const r = prng(7);
    for (let run = 0; run < 60; run++) {
      const max = 3_000 + Math.floor(r() * 20_000);
      const items = Array.from({ length: Math.floor(r() * 150) }, (_, i) => item(r, i));
      const changed = splitItemsChanged("list-1", items, "voice", max);
      for (const d of changed) expect(jsonBytes(d)).toBeLessThanOrEqual(max);
      expect(changed.flatMap((d) => d.items)).toEqual(items);

      const ids = items.map((i) => i.id);
      const appIds: Record<string, string> = {};
      for (const i of items) if (i.appItemId) appIds[i.id] = i.appItemId;
      const deleted = splitItemsDeleted("list-1", ids, appIds, "alexa-app", max);
      for (const d of deleted) expect(jsonBytes(d)).toBeLessThanOrEqual(max);
      expect(deleted.flatMap((d) => d.listItemIds)).toEqual(ids);
      expect(Object.assign({}, ...deleted.map((d) => d.appItemIds))).toEqual(appIds);
      for (const d of deleted) for (const k of Object.keys(d.appItemIds)) expect(d.listItemIds).toContain(k);
    }
  });

  it("snapshot parts use the same bound (the whole body within 512 KiB)", () => {
    expect(WEBHOOK_DATA_MAX_BYTES).toBeLessThan(MAX_WEBHOOK_BODY_BYTES);
    const r = prng(3);
    const items = Array.from({ length: 3000 }, (_, i) => item(r, i));
    const parts = splitSnapshot({ syncedAt: "x", opId: "op", lists: [{ listId: "l", name: "n", state: "active", version: 1, defaultKind: null, items }] });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(jsonBytes(p)).toBeLessThanOrEqual(WEBHOOK_DATA_MAX_BYTES);
  });
});

describe("the queue's size guard", () => {
  function queue(sql: SqlStorage, strictSize: boolean): WebhookQueue {
    migrateWebhookQueue(sql);
    return new WebhookQueue({ sql, userId: () => "u", now: () => T0, config: { url: APP_URL, secret: APP_SECRET }, fetch: async () => new Response(null), strictSize });
  }

  it("strict (development, test): a body over 512 KiB throws and writes nothing; otherwise logged and written while it fits a row", async () => {
    const stub = env.ALEXA_USER.getByName(newUserId("guard"));
    await runInDurableObject(stub, (_i: AlexaUser, state) => {
      const big = { blob: "x".repeat(MAX_WEBHOOK_BODY_BYTES) };
      const strict = queue(state.storage.sql, true);
      expect(() => strict.enqueue("t", big)).toThrow(WebhookTooLargeError);
      expect(strict.list()).toEqual([]);
      strict.enqueue("t", { blob: "x".repeat(WEBHOOK_DATA_MAX_BYTES - 20) });
      expect(strict.list()).toHaveLength(1);

      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      const lenient = queue(state.storage.sql, false);
      lenient.enqueue("t", big);
      expect(errors).toHaveBeenCalledTimes(1);
      expect(() => lenient.enqueue("t", { blob: "x".repeat(2_100_000) })).toThrow(WebhookTooLargeError);
      expect(lenient.list()).toHaveLength(2);
      state.storage.sql.exec("DELETE FROM webhook_queue");
    });
  });

  it("the object runs strict in test: its parts cannot write an oversized row", async () => {
    const stub = env.ALEXA_USER.getByName(newUserId("guard-object"));
    await runInDurableObject(stub, (instance: AlexaUser) => {
      expect(() => instance.webhooks.enqueue("t", { blob: "x".repeat(MAX_WEBHOOK_BODY_BYTES) })).toThrow(WebhookTooLargeError);
    });
  });
});

describe("a release of many held deletes", () => {
  it("20,000 held deletes (once one 2.48 MB body) come out as several webhooks within 512 KiB, nothing lost", async () => {
    const stub = env.ALEXA_USER.getByName(newUserId("many-deletes"));
    await runInDurableObject(stub, (instance: AlexaUser, state) => {
      const ids: string[] = [];
      state.storage.transactionSync(() => {
        for (let i = 0; i < 20_000; i++) {
          const id = crypto.randomUUID();
          ids.push(id);
          instance.items.upsert({ alexaItemId: id, listId: "L", version: 1, appItemId: `app-${id}` }, T0);
          instance.held.hold({ itemId: id, listId: "L", heldAt: T0, releaseAt: T0 + 1 });
        }
      });
      state.storage.transactionSync(() => releaseDueDeletes({ held: instance.held, items: instance.items, webhooks: instance.webhooks }, T0 + 1));
      const rows = instance.webhooks.list();
      expect(rows.length).toBeGreaterThan(1);
      const total = rows.reduce((n, w) => n + new TextEncoder().encode(w.body).byteLength, 0);
      expect(total).toBeGreaterThan(2 * MAX_WEBHOOK_BODY_BYTES);
      for (const w of rows) expect(new TextEncoder().encode(w.body).byteLength).toBeLessThanOrEqual(MAX_WEBHOOK_BODY_BYTES);
      const released = rows.flatMap((w) => (JSON.parse(w.body) as { data: { listItemIds: string[] } }).data.listItemIds);
      expect(released.sort()).toEqual([...ids].sort());
    });
  }, 30_000); // 20,000 rows written and read back: ~2 s alone, more on a loaded 2-core machine
});
