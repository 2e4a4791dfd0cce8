/**
 * @module alexa-user/inbound/context
 * What the inbound handlers share: the parts of the user's object they touch,
 * and the two-phase shape every handler follows. A handler first does its I/O
 * (List API reads and writes, with the request's token) and then returns an
 * {@link Apply}: synchronous SQL that the object runs in one transaction with
 * the dedupe record, so state, webhooks and "handled" commit together or not
 * at all, before Alexa gets its 200.
 */
import type { ListApi } from "../../alexa/list-api.ts";
import type { BridgeOperation } from "../../protocol/bridge-message.ts";
import type { EchoLog } from "../echo.ts";
import type { InboundRequest } from "../envelope.ts";
import type { HeldDeletes } from "../held-deletes.ts";
import type { ItemMap } from "../item-map.ts";
import type { OpProgress } from "../op-progress.ts";
import type { OutboxPort, WebhookPort } from "../../shared/ports.ts";
import type { ProfileStore } from "../profile.ts";
import type { SyncPort } from "../sync-runner.ts";
import type { ListStore } from "../../shared/list-store.ts";

/** The durable effects of a handled request; runs inside the object's transaction. */
export type Apply = () => void;

/** The parts of the user's object the handlers use. */
export interface InboundParts {
  profile: ProfileStore;
  items: ItemMap;
  echoes: EchoLog;
  held: HeldDeletes;
  webhooks: WebhookPort;
  outbox: OutboxPort;
  /**
   * The operation this user's outbox stored under `opId` (what the app asked
   * for), or `null` when the outbox never sent it: a bridge message is applied
   * from this, never from the message body.
   */
  storedOperation: (opId: string) => BridgeOperation | null;
  /**
   * Queues a full sync in the outbox unless one is pending (synchronous SQL:
   * call it inside the transaction), as the cron's reconciliation does.
   */
  requestSync: () => void;
  /** Operations started but not finished (create attempts). */
  progress: OpProgress;
  /** Where the lists live (src/alexa-user/lists): list events and delivered list operations go to it. */
  lists: ListStore;
  /** Full syncs, run after Alexa's answer. */
  syncs: SyncPort;
  /** Resolves once every write made so far is durable (`ctx.storage.sync()`): before a call that cannot be repeated. */
  flush: () => Promise<void>;
  /** A List API client for this request (its endpoint and token); throws `ListApiError` `UNAUTHORIZED` without a token. */
  listApi: (req: InboundRequest) => ListApi;
}

/**
 * A request that can never succeed as sent: answered with a 4xx and not
 * recorded as handled.
 * @example throw new InboundError(400, "BAD_EVENT_BODY", "listItemIds must be an array of strings");
 */
export class InboundError extends Error {
  override readonly name = "InboundError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Nothing to do but acknowledge. @example return NOTHING; */
export const NOTHING: Apply = () => {};

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping order.
 * The first rejection rejects the whole (the others still settle).
 * @example const lists = await mapLimit(ids, 4, (id) => api.getList(id, "active"));
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
