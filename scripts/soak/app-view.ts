/**
 * @module scripts/soak/app-view
 * The app's view of one user's lists, as a careful app builds it from the
 * bridge's webhooks (applied in arrival order, each `webhook-id` once) and from
 * what it asked for itself (an `outbox.completed` of a create or update on the
 * household store carries the Alexa id and version, not the value: the app
 * knows what it sent). Snapshots are merged with the convergence rule (highest
 * version wins; an item absent from a snapshot is dropped only when nothing
 * newer than the snapshot's `syncedAt` was heard of it), because a snapshot is
 * a read taken at one moment and webhooks queued while it ran are newer.
 *
 * While applying, it records every breach of the ordering guarantees it can
 * see: a webhook-id applied twice, an item's version going down, a webhook
 * whose queue timestamp is older than the one before it.
 */

export interface ViewItem {
  id: string;
  listId: string;
  value: string;
  status: "active" | "completed";
  version: number;
  appItemId: string | null;
  /** Queue time (ms) of the webhook that last touched the item. */
  touchedAt: number;
}

/** What the app asked for, by operation id (so completions can be applied). */
export interface AskedOp {
  kind: "create" | "update" | "complete" | "delete" | "sync";
  value?: string;
  status?: "active" | "completed";
}

export interface WebhookIn {
  webhookId: string;
  type: string;
  userId: string;
  timestamp: string;
  data: unknown;
}

interface WireItem {
  id: string;
  value: string;
  status: "active" | "completed";
  version: number;
  appItemId?: string | null;
}

interface SnapshotList {
  listId: string;
  items: WireItem[];
}

export class AppView {
  readonly items = new Map<string, ViewItem>();
  /** Deleted ids and the queue time of the delete. */
  readonly tombstones = new Map<string, number>();
  readonly applied = new Set<string>();
  readonly violations: string[] = [];
  /** Outcome webhooks per operation id. */
  readonly outcomes = new Map<string, { type: string; kind: string; status?: string; webhookId: string }[]>();
  /** Alexa ids the app's own creates produced (the no-echo check). */
  readonly ownCreates = new Set<string>();
  /** Ids named by `alexa.list.items.created`. */
  readonly createdByAlexa: { id: string; webhookId: string }[] = [];
  #lastTs = 0;
  readonly #versions = new Map<string, number>();
  readonly #snapshotParts = new Map<string, { parts: number; got: Map<number, WebhookIn> }>();

  constructor(private readonly asked: (opId: string) => AskedOp | undefined) {}

  apply(w: WebhookIn): void {
    if (this.applied.has(w.webhookId)) {
      this.violations.push(`webhook ${w.webhookId} (${w.type}) applied twice`);
      return;
    }
    this.applied.add(w.webhookId);
    const ts = Date.parse(w.timestamp);
    if (ts < this.#lastTs) this.violations.push(`webhook ${w.webhookId} (${w.type}) queued at ${w.timestamp}, before the one that arrived ahead of it (${new Date(this.#lastTs).toISOString()})`);
    this.#lastTs = Math.max(this.#lastTs, ts);
    const d = w.data as Record<string, unknown>;
    switch (w.type) {
      case "alexa.list.items.created":
      case "alexa.list.items.updated":
        for (const it of d.items as WireItem[]) {
          if (w.type === "alexa.list.items.created") this.createdByAlexa.push({ id: it.id, webhookId: w.webhookId });
          this.#put(w, d.listId as string, it);
        }
        return;
      case "alexa.list.items.deleted":
        for (const id of d.listItemIds as string[]) this.#delete(id, ts);
        return;
      case "alexa.list.item.moved":
        this.#put(w, d.toListId as string, d.item as WireItem);
        return;
      case "alexa.list.snapshot":
        this.#snapshotPart(w);
        return;
      case "outbox.completed":
      case "outbox.failed":
        this.#outcome(w, ts);
        return;
      default:
        return;
    }
  }

  /** The view as comparable rows. */
  rows(): { id: string; listId: string; value: string; status: string }[] {
    return [...this.items.values()].map((i) => ({ id: i.id, listId: i.listId, value: i.value, status: i.status }));
  }

  #seeVersion(w: WebhookIn, id: string, version: number | undefined): void {
    if (version === undefined) return;
    const prev = this.#versions.get(id);
    if (prev !== undefined && version < prev) this.violations.push(`item ${id}: version ${version} in ${w.type} ${w.webhookId} after version ${prev}`);
    this.#versions.set(id, Math.max(prev ?? 0, version));
  }

  #put(w: WebhookIn, listId: string, it: WireItem): void {
    const ts = Date.parse(w.timestamp);
    this.#seeVersion(w, it.id, it.version);
    this.tombstones.delete(it.id);
    const prev = this.items.get(it.id);
    this.items.set(it.id, {
      id: it.id,
      listId,
      value: it.value,
      status: it.status,
      version: it.version,
      appItemId: it.appItemId ?? prev?.appItemId ?? null,
      touchedAt: ts,
    });
  }

  #delete(id: string, ts: number): void {
    this.items.delete(id);
    this.tombstones.set(id, ts);
  }

  #outcome(w: WebhookIn, ts: number): void {
    const d = w.data as { opId: string; kind: string; status?: string; result?: Record<string, unknown> };
    const list = this.outcomes.get(d.opId) ?? [];
    list.push({ type: w.type, kind: d.kind, webhookId: w.webhookId, ...(d.status ? { status: d.status } : {}) });
    this.outcomes.set(d.opId, list);
    if (w.type !== "outbox.completed" || !d.result) return;
    const r = d.result as { alexaItemId?: string; listId?: string; version?: number; appItemId?: string | null; deleted?: boolean; item?: WireItem };
    if (!r.alexaItemId || !r.listId) return;
    if (r.deleted) {
      this.#delete(r.alexaItemId, ts);
      return;
    }
    const asked = this.asked(d.opId);
    if (d.kind === "create") this.ownCreates.add(r.alexaItemId);
    if (r.item) {
      this.#put(w, r.listId, { ...r.item, appItemId: r.item.appItemId ?? r.appItemId ?? null });
      return;
    }
    // Household: the app applies what it asked for at the version the bridge reports.
    const prev = this.items.get(r.alexaItemId);
    if (!asked) {
      this.violations.push(`outbox.completed for an operation the app never asked for: ${d.opId}`);
      return;
    }
    if (prev && d.kind === "create") {
      // A create answered with the item a first one made: the app keeps what it holds.
      this.#seeVersion(w, r.alexaItemId, r.version);
      return;
    }
    if (!prev && d.kind !== "create") {
      // The app's update of an item it no longer holds (deleted meanwhile): nothing to apply.
      this.#seeVersion(w, r.alexaItemId, r.version);
      return;
    }
    this.#put(w, r.listId, {
      id: r.alexaItemId,
      value: asked.value ?? prev?.value ?? "",
      status: asked.kind === "complete" ? "completed" : (asked.status ?? prev?.status ?? "active"),
      version: r.version ?? prev?.version ?? 0,
      appItemId: r.appItemId ?? prev?.appItemId ?? null,
    });
  }

  #snapshotPart(w: WebhookIn): void {
    const d = w.data as { opId: string; part: number; parts: number };
    const entry = this.#snapshotParts.get(d.opId) ?? { parts: d.parts, got: new Map() };
    entry.got.set(d.part, w);
    this.#snapshotParts.set(d.opId, entry);
    if (entry.got.size < entry.parts) return;
    this.#snapshotParts.delete(d.opId);
    const byList = new Map<string, WireItem[]>();
    let syncedAt = 0;
    for (let p = 1; p <= entry.parts; p++) {
      const part = entry.got.get(p);
      if (!part) return;
      const pd = part.data as { syncedAt: string; lists: SnapshotList[] };
      syncedAt = Date.parse(pd.syncedAt);
      for (const l of pd.lists) byList.set(l.listId, [...(byList.get(l.listId) ?? []), ...l.items]);
    }
    const seen = new Set<string>();
    for (const [listId, items] of byList) {
      for (const it of items) {
        seen.add(it.id);
        const known = this.items.get(it.id);
        const tomb = this.tombstones.get(it.id);
        if (tomb !== undefined && tomb > syncedAt) continue; // deleted after the read
        if (known && known.version > it.version) continue; // a newer change was heard
        if (known && known.version === it.version && known.touchedAt > syncedAt) continue;
        const ts = Date.parse(w.timestamp);
        this.tombstones.delete(it.id);
        this.items.set(it.id, { id: it.id, listId, value: it.value, status: it.status, version: it.version, appItemId: it.appItemId ?? known?.appItemId ?? null, touchedAt: Math.min(ts, syncedAt) });
      }
    }
    for (const [id, item] of this.items) {
      if (!seen.has(id) && item.touchedAt <= syncedAt) this.items.delete(id);
    }
  }
}
