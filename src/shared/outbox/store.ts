/**
 * @module shared/outbox/store
 * The outbox's tables in the user's Durable Object (SQLite) and the mapping
 * from a row to the REST API's {@link OperationView}. Tables are prefixed
 * `outbox_` so they sit beside the other parts' tables in the same database.
 *
 * One row per operation; `seq` (the rowid) gives the send order. `next_at`
 * means "next attempt" while `queued` and "delivery deadline" while `sent`.
 * `item_key` names the item an operation touches (its `itemRef`, or the
 * `appItemId` of a create) so operations on one item go one at a time.
 */
import type { BridgeOperation, OperationKind } from "../../protocol/bridge-message.ts";
import type { OperationStatus, OperationView } from "../ports.ts";

export interface OpRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  kind: string;
  op: string;
  item_key: string | null;
  status: string;
  created_at: number;
  updated_at: number;
  lifetime_s: number;
  attempts: number;
  sends: number;
  next_at: number | null;
  result: string | null;
  error: string | null;
  last_error: string | null;
  idem_key: string | null;
}

/** Statuses of an operation that is still in the outbox's hands. */
export const PENDING = "('queued','sent')";

/**
 * Creates the tables if missing (idempotent; part of the owning object's schema, src/storage/schema.ts).
 * @example createOutboxTables(ctx.storage.sql);
 */
export function createOutboxTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS outbox_ops (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    op TEXT NOT NULL,
    item_key TEXT,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    lifetime_s INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sends INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER,
    result TEXT,
    error TEXT,
    last_error TEXT,
    idem_key TEXT
  )`);
  sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS outbox_ops_idem ON outbox_ops(idem_key) WHERE idem_key IS NOT NULL");
  sql.exec("CREATE INDEX IF NOT EXISTS outbox_ops_due ON outbox_ops(status, next_at)");
  sql.exec("CREATE INDEX IF NOT EXISTS outbox_ops_item ON outbox_ops(item_key, seq) WHERE item_key IS NOT NULL");
  sql.exec("CREATE INDEX IF NOT EXISTS outbox_ops_updated ON outbox_ops(updated_at)");
  sql.exec("CREATE TABLE IF NOT EXISTS outbox_meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
}

/**
 * The item an operation touches, for per-item ordering; `null` when none.
 * @example itemKeyOf({ kind: "delete", list: "todo", itemRef: "a1" }) // "a1"
 */
export function itemKeyOf(op: BridgeOperation): string | null {
  switch (op.kind) {
    case "create":
      return op.appItemId ?? null;
    case "update":
    case "complete":
    case "delete":
      return op.itemRef;
    default:
      return null;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The REST API's view of a row.
 * @example json(toView(row), 200)
 */
export function toView(row: OpRow): OperationView {
  const view: OperationView = {
    id: row.id,
    kind: row.kind as OperationKind,
    status: row.status as OperationStatus,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
  if (row.result !== null) view.result = JSON.parse(row.result) as unknown;
  if (row.error !== null) {
    view.reason = row.error;
    view.error = row.error; // deprecated alias of `reason`, kept for 0.2.x
  }
  return view;
}

/**
 * A deterministic JSON text (object keys sorted) so two requests can be
 * compared for idempotency regardless of key order.
 * @example canonicalJson({ b: 1, a: [2] }) // '{"a":[2],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
