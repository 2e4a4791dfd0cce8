/**
 * @module shared/ports
 * The seams between the parts of the user's Durable Object, so that each part
 * lives in its own module: the inbound handlers, the webhook queue, the outbox.
 * All methods are synchronous SQL on the object's own storage, so a caller can
 * combine several in one `transactionSync` and acknowledge only after commit.
 */
import type { BridgeOperation, OperationKind } from "../protocol/bridge-message.ts";

export type OperationStatus = "queued" | "sent" | "completed" | "failed" | "expired";

/** An outbox operation as the REST API shows it. */
export interface OperationView {
  id: string;
  kind: OperationKind;
  status: OperationStatus;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
  /** Set when completed: e.g. `{ alexaItemId, listId, version }`. */
  result?: unknown;
  /** Set when failed or expired: a readable reason (the same text as `outbox.failed`'s `reason`). */
  reason?: string;
  /** @deprecated The same as `reason`; removed in 0.3.0. */
  error?: string;
}

/** The durable webhook queue to the app (implemented by user/webhook-queue). */
export interface WebhookPort {
  /** Queues `{type, userId, timestamp, data}`; delivery happens after commit. */
  enqueue(type: string, data: unknown): void;
}

/** The outbox (implemented by user/outbox). */
export interface OutboxPort {
  get(opId: string): OperationView | null;
  /** Marks a delivered operation done; also queues `outbox.completed`. */
  complete(opId: string, result: unknown): void;
  /** Marks it failed for good; also queues `outbox.failed`. */
  fail(opId: string, reason: string): void;
  /** Sends a sent, unconfirmed operation again now (its receiver lost it); false when it is not `sent` or has no sends left. */
  resend(opId: string): boolean;
}

/** What the user's object knows of the user (implemented by user/profile). */
export interface UserProfile {
  userId: string;
  enabled: boolean;
  /** The `apiEndpoint` of the user's last request (their region). */
  apiEndpoint: string | null;
  acceptedPermissions: string[];
  /** Account-linking token from `SkillAccountLinked`, as received. */
  linkedAccessToken: string | null;
  /** ms since epoch of the last completed full sync, or null. */
  lastFullSyncAt: number | null;
}

export type { BridgeOperation };
