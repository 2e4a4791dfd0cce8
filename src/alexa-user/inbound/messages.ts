/**
 * @module alexa-user/inbound/messages
 * `Messaging.MessageReceived`. A message carrying the bridge marker
 * (`{alb:"1", opId, op}`, src/protocol/bridge-message.ts) is an operation from
 * the bridge's own outbox: it is applied through the List API with the
 * request's `apiAccessToken` (never stored) and its outcome reported to the
 * outbox (`complete` / `fail`, which queue `outbox.completed` / `outbox.failed`).
 * Any other message goes to the app as `alexa.message.received`. A marked
 * message whose `opId` this user's outbox never sent is acknowledged and
 * logged, with no effect; a known one is applied from the stored operation
 * (the body's `op` is not trusted).
 *
 * A full sync (`kind:"sync"`) is only accepted here and runs after Alexa's
 * answer (src/alexa-user/sync-runner.ts): a large household can take longer to read
 * than Alexa's 10 s.
 *
 * Failure policy: 429/5xx/timeouts throw (the object answers 503, Alexa
 * redelivers, nothing is recorded); permanent failures (400/401/403/404, a
 * version conflict that survived the client's retry, an invalid operation)
 * fail the operation and are acknowledged: redelivery could not help.
 *
 * Creates are exactly-once in practice although the List API's create is not
 * idempotent: before `createItem` the attempt (list, value, time) is written
 * to the object's storage and flushed; when the same operation comes back
 * with an attempt on record (its answer was lost: timeout, a 5xx after
 * Amazon committed, an eviction before the result was committed), the list
 * is read first and an unclaimed item with the same value, created since the
 * attempt, is adopted instead of creating another (the heuristic and its
 * limit, two identical values in the same window: src/sync/adopt.ts); a
 * retry that finds nothing answers 503 until `ADOPT_SETTLE_MS` (15 s) after the
 * attempt, in case the lost request is committed late. The
 * attempt is cleared in the transaction that completes or fails the
 * operation. The lost create's own `ItemsCreated` may come first: the item it
 * names then completes the operation at once (src/alexa-user/inbound/list-events.ts),
 * and the redelivery finds it completed. An operation whose `appItemId` is
 * already mapped is not created twice either. No operation creates lists, so there is no list counterpart.
 */
import { ListApiError, type ListApi, type ListItem } from "../../alexa/list-api.ts";
import type { DefaultListKind } from "../../alexa/list-ids.ts";
import { createAppItemId, parseBridgeMessage, type BridgeMessage, type BridgeOperation } from "../../protocol/bridge-message.ts";
import { pickAdoptable, tooSoonToCreateAgain, type CreateAttempt } from "../../sync/adopt.ts";
import { WebhookType } from "../../sync/payloads.ts";
import { mergeItems } from "../../sync/snapshot.ts";
import type { InboundRequest } from "../envelope.ts";
import { InboundError, NOTHING, type Apply, type InboundParts } from "./context.ts";

/** The request type this module handles. */
export const MESSAGE_RECEIVED = "Messaging.MessageReceived";

/**
 * The opId of a bridge message, for duplicate suppression; `null` otherwise.
 * @example const opId = bridgeOpId(req.message);
 */
export function bridgeOpId(message: unknown): string | null {
  return parseBridgeMessage(message)?.opId ?? null;
}

/**
 * True for a bridge message whose operation runs after Alexa's answer (a
 * full sync). Its delivery is not recorded as handled: a later delivery of the
 * same operation must be able to restart a run that died; the operation's
 * status and the running run tell duplicates apart instead.
 * @example if (!runsAfterAnswer(req.message)) dedupe.record(keys, ACK, now);
 */
export function runsAfterAnswer(message: unknown): boolean {
  return parseBridgeMessage(message)?.op.kind === "sync";
}

/**
 * Handles one message; returns its durable effects.
 * @example const apply = await handleMessage(req, parts, now); transactionSync(apply);
 */
export async function handleMessage(req: InboundRequest, parts: InboundParts, now: number): Promise<Apply> {
  const marked = parseBridgeMessage(req.message);
  if (!marked) return () => void parts.webhooks.enqueue(WebhookType.messageReceived, { data: req.message ?? null });
  // Anyone who can queue a skill message for this skill can put the marker in
  // it: only operations this user's outbox sent are applied, and from the
  // stored operation, never from the message body.
  const stored = parts.storedOperation(marked.opId);
  if (!stored) {
    console.warn("bridge message for an operation this user's outbox never sent; acknowledged without effect");
    return NOTHING;
  }
  const msg: BridgeMessage = { opId: marked.opId, op: stored };

  // Only a completed operation is skipped: one the outbox gave up on (failed,
  // expired) may still be delivered late, and then it did happen in Alexa.
  if (parts.outbox.get(msg.opId)?.status === "completed") {
    console.log("message for an already completed operation; acknowledged without effect");
    return NOTHING;
  }
  if (msg.op.kind === "message") {
    const { opId, op } = msg;
    return () => {
      parts.webhooks.enqueue(WebhookType.messageReceived, { data: op.data ?? null, opId });
      parts.outbox.complete(opId, { received: true });
    };
  }
  return parts.lists.applyDelivered(msg, req, parts, now);
}

/**
 * Applies a bridge list operation through the List API (the household
 * store's path) and returns its durable effects; permanent failures fail the
 * operation, transient ones throw (503, Alexa redelivers).
 * @example const apply = await applyHouseholdOperation(msg, req, parts, now);
 */
export async function applyHouseholdOperation(msg: BridgeMessage, req: InboundRequest, parts: InboundParts, now: number): Promise<Apply> {
  try {
    return await applyOperation(msg, req, parts, now);
  } catch (e) {
    if (e instanceof ListApiError && !e.retryable) {
      const reason = `${e.code}: ${e.message}`;
      return () => {
        parts.outbox.fail(msg.opId, reason);
        parts.progress.clear(msg.opId);
      };
    }
    if (e instanceof InvalidOperation) return () => parts.outbox.fail(msg.opId, `INVALID_OPERATION: ${e.message}`);
    throw e;
  }
}

class InvalidOperation extends Error {}

async function applyOperation(msg: BridgeMessage, req: InboundRequest, parts: InboundParts, now: number): Promise<Apply> {
  const { opId, op } = msg;
  const { items, echoes, outbox } = parts;
  switch (op.kind) {
    case "create": {
      if (typeof op.value !== "string" || op.value.trim() === "") throw new InvalidOperation("value must be a non-empty string");
      const status = checkStatus(op.status);
      const appItemId = createAppItemId(op);
      const existing = appItemId ? items.byAppId(appItemId) : null;
      if (existing) {
        return () => {
          outbox.complete(opId, { alexaItemId: existing.alexaItemId, listId: existing.listId, version: existing.version, appItemId });
          parts.progress.clear(opId);
        };
      }
      const api = parts.listApi(req);
      const attempt = parts.progress.createAttempt(opId);
      // A retry creates on the attempt's list, where its lost item would be.
      const listId = attempt?.listId ?? (await resolveList(api, parts, op.list));
      // The app sent this create again as a new operation (same appItemId) while the first one's answer is lost:
      // the first one's item, if Amazon made it, is this one's too.
      const lookFor = attempt ?? (appItemId ? siblingAttempt(parts, opId, appItemId, listId) : null);
      let item = lookFor ? await findLostCreate(api, parts, lookFor) : null;
      if (!item && lookFor && tooSoonToCreateAgain(lookFor, now)) {
        // Nothing to adopt yet; a late commit of the lost request may still land. Nothing is recorded.
        throw new InboundError(503, "CREATE_SETTLING", "an earlier attempt of this create may still land; retry later");
      }
      if (!item) {
        if (!attempt) {
          parts.progress.recordCreate(opId, { listId, value: op.value, status: status ?? "active" }, now);
          await parts.flush();
        }
        item = await api.createItem(listId, status ? { value: op.value, status } : { value: op.value });
      }
      const created = item;
      return () => completeCreate(parts, opId, created, listId, appItemId, now);
    }

    case "update":
    case "complete": {
      const update = op.kind === "complete" ? { status: "completed" as const } : updateFields(op);
      const api = parts.listApi(req);
      const { listId, itemId, version } = await target(api, parts, op);
      const item = await api.updateItem(listId, itemId, version === null ? update : { ...update, version });
      return () => {
        echoes.recordWrite(item.id, listId, item.version, now);
        items.upsert({ alexaItemId: item.id, listId, version: item.version }, now);
        outbox.complete(opId, { alexaItemId: item.id, listId, version: item.version, appItemId: items.byAlexaId(item.id)?.appItemId ?? null });
      };
    }

    case "delete": {
      const api = parts.listApi(req);
      const { listId, itemId } = await target(api, parts, op);
      const appItemId = items.byAlexaId(itemId)?.appItemId ?? null;
      await api.deleteItem(listId, itemId);
      return () => {
        echoes.recordDelete(itemId, listId, now);
        items.remove(itemId);
        parts.held.remove(itemId);
        outbox.complete(opId, { alexaItemId: itemId, listId, deleted: true, appItemId });
      };
    }

    case "sync": {
      // Accepted now, run after the answer (src/alexa-user/sync-runner.ts); the token stays in memory.
      const api = parts.listApi(req);
      if (parts.syncs.busy(opId)) return NOTHING;
      return () => parts.syncs.accept(opId, api, now);
    }

    default:
      throw new InvalidOperation(`unknown operation kind ${(op as { kind: string }).kind}`);
  }
}

/**
 * The durable effects of a create operation that made (or adopted) `item` on
 * `listId`: the write is the bridge's own (its echo is dropped), the item is
 * mapped to the app's id, the operation completes and its attempt is
 * forgotten. Synchronous SQL, in the request's transaction.
 * @example return () => completeCreate(parts, opId, item, listId, appItemId, now);
 */
export function completeCreate(
  parts: Pick<InboundParts, "echoes" | "items" | "outbox" | "progress">,
  opId: string,
  item: Pick<ListItem, "id" | "version">,
  listId: string,
  appItemId: string | null,
  now: number,
): void {
  parts.echoes.recordWrite(item.id, listId, item.version, now);
  parts.items.upsert({ alexaItemId: item.id, listId, version: item.version, appItemId }, now);
  parts.outbox.complete(opId, { alexaItemId: item.id, listId, version: item.version, appItemId });
  parts.progress.clear(opId);
}

/**
 * Another operation's create attempt on record for the same `appItemId` and
 * list (its answer was lost), or `null`. Found by the soak (docs/soak.md,
 * finding 10): without it, a second create sent before the first one's
 * redelivery made a second item.
 */
function siblingAttempt(parts: InboundParts, opId: string, appItemId: string, listId: string): CreateAttempt | null {
  for (const { opId: other, attempt } of parts.progress.createAttempts()) {
    if (other === opId || attempt.listId !== listId) continue;
    if (createAppItemId(parts.storedOperation(other)) === appItemId) return attempt;
  }
  return null;
}

/**
 * The item an earlier attempt of this create may have made, or `null`. Reads
 * the attempt's list (completed items too when the create asked for that
 * status); an item mapped to an app item or written by the bridge (its own
 * recent writes) belongs to something else.
 */
async function findLostCreate(api: ListApi, parts: InboundParts, attempt: CreateAttempt): Promise<ListItem | null> {
  const active = await api.getList(attempt.listId, "active");
  const completed = attempt.status === "completed" ? (await api.getList(attempt.listId, "completed")).items : [];
  const claimed = (id: string): boolean => Boolean(parts.items.byAlexaId(id)?.appItemId) || parts.echoes.writesFor(id).length > 0;
  return pickAdoptable(mergeItems(active.items, completed), attempt, claimed);
}

/** Where an `itemRef` points: the map first (app id, then Alexa id), else `op.list` and the ref as an Alexa id. */
async function target(
  api: ListApi,
  parts: InboundParts,
  op: Extract<BridgeOperation, { itemRef: string }>,
): Promise<{ listId: string; itemId: string; version: number | null }> {
  if (typeof op.itemRef !== "string" || op.itemRef === "") throw new InvalidOperation("itemRef must be a non-empty string");
  const mapped = parts.items.resolveRef(op.itemRef);
  if (mapped) return { listId: mapped.listId, itemId: mapped.alexaItemId, version: mapped.version };
  return { listId: await resolveList(api, parts, op.list), itemId: op.itemRef, version: null };
}

/** `"shopping"` / `"todo"` through the cached default list ids (read once), or a list id as given. */
async function resolveList(api: ListApi, parts: InboundParts, ref: unknown): Promise<string> {
  if (typeof ref !== "string" || ref === "") throw new InvalidOperation("list must be \"shopping\", \"todo\" or a list id");
  if (ref !== "shopping" && ref !== "todo") return ref;
  const kind: DefaultListKind = ref;
  const cached = parts.profile.defaultListId(kind);
  if (cached) return cached;
  const lists = await api.getListsMetadata();
  // A cache, not state: written at once, outside the request's transaction.
  for (const l of lists) if (l.defaultKind) parts.profile.setDefaultListId(l.defaultKind, l.listId);
  const found = lists.find((l) => l.defaultKind === kind);
  if (!found) throw new ListApiError("NOT_FOUND", `the user has no default ${kind} list`);
  return found.listId;
}

function updateFields(op: Extract<BridgeOperation, { kind: "update" }>): { value?: string; status?: ListItem["status"] } {
  const out: { value?: string; status?: ListItem["status"] } = {};
  if (op.value !== undefined) {
    if (typeof op.value !== "string" || op.value.trim() === "") throw new InvalidOperation("value must be a non-empty string");
    out.value = op.value;
  }
  const status = checkStatus(op.status);
  if (status) out.status = status;
  if (out.value === undefined && out.status === undefined) throw new InvalidOperation("nothing to update: give value or status");
  return out;
}

function checkStatus(status: unknown): ListItem["status"] | undefined {
  if (status === undefined) return undefined;
  if (status === "active" || status === "completed") return status;
  throw new InvalidOperation("status must be \"active\" or \"completed\"");
}

