/**
 * @module contract/schemas
 * The bridge's contract with the app, as valibot schemas: what the REST API
 * answers and what every webhook carries. One module, so the OpenAPI document
 * (`npm run openapi` → openapi.json), the typed client
 * (`alexa-list-bridge/client`) and the tests share one source. The request
 * bodies are the very schemas the router validates with
 * (routes/api/schemas.ts), re-exported here.
 *
 * Objects are open (`v.object`): a field added in a later release does not
 * break an older client. The tests close them (additionalProperties: false)
 * so that an undocumented field fails there.
 *
 * The TS types of src/sync/payloads.ts and src/shared/ports.ts are checked
 * against these in test/contract/types.test.ts (and the types here against
 * payloads.ts `WebhookType`). Nothing here imports Worker code beyond the
 * request schemas, so the client package stays free of it.
 */
import * as v from "valibot";

export {
  CreateItemBody,
  UpdateItemBody,
  SyncBody,
  ListNameBody,
  MessageBody,
  UserIdSchema,
  SpaceIdSchema,
  ListSchema,
  ItemRefSchema,
  OperationIdSchema,
  IdempotencyKeySchema,
} from "../routes/api/schemas.ts";

const isoTime = (what: string) => v.pipe(v.string(), v.isoTimestamp(), v.description(what));
const int = () => v.pipe(v.number(), v.integer());

export const ItemStatusSchema = v.picklist(["active", "completed"]);
export const DefaultKindSchema = v.pipe(
  v.nullable(v.picklist(["shopping", "todo"])),
  v.description("`shopping` or `todo` for Alexa's two default lists, `null` for a custom list."),
);
export const ChangeSourceSchema = v.pipe(
  v.picklist(["voice", "alexa-app", "app", "assistant", "merge"]),
  v.description(
    "Where the change came from: said to the skill (`voice`), made in the Alexa app (`alexa-app`, household store), made by the app through the REST API (`app`), by an assistant acting for an app user (`assistant`), or brought in when a personal list space merged into a linked one (`merge`).",
  ),
);
export const OperationKindSchema = v.picklist(["create", "update", "complete", "delete", "sync", "createList", "renameList", "deleteList", "message"]);
export const OperationStatusSchema = v.pipe(
  v.picklist(["queued", "sent", "completed", "failed", "expired"]),
  v.description("`queued` → `sent` → `completed`, or `failed` / `expired` (docs/operations.md)."),
);

/** An item as the app sees it. */
export const WebhookItemSchema = v.object({
  id: v.pipe(v.string(), v.description("The bridge's (or Alexa's) item id.")),
  value: v.string(),
  status: ItemStatusSchema,
  version: int(),
  createdTime: v.nullable(isoTime("ISO 8601; null when Amazon gave none.")),
  updatedTime: v.nullable(isoTime("ISO 8601; null when Amazon gave none.")),
  appItemId: v.pipe(v.nullable(v.string()), v.description("The app's id for the item, when the bridge knows it.")),
});

/** A list's fields (webhooks, snapshots, GET lists). */
const listFields = {
  listId: v.string(),
  name: v.string(),
  state: v.picklist(["active", "archived"]),
  version: int(),
  defaultKind: DefaultKindSchema,
};
export const ListDataSchema = v.object(listFields);
export const HeldListSchema = v.object({ ...listFields, items: v.array(WebhookItemSchema) });

// ------------------------------------------------------------------ REST

/** The `result` of a completed operation; which fields are set depends on the kind (docs/rest-api.md). */
export const OperationResultSchema = v.pipe(
  v.looseObject({
    alexaItemId: v.optional(v.string()),
    listId: v.optional(v.string()),
    version: v.optional(int()),
    appItemId: v.optional(v.nullable(v.string())),
    deleted: v.optional(v.boolean()),
    item: v.optional(WebhookItemSchema),
    name: v.optional(v.string()),
    lists: v.optional(int()),
    items: v.optional(int()),
    received: v.optional(v.boolean()),
  }),
  v.description(
    "create/update/complete: `{alexaItemId, listId, version, appItemId}` (skill store: also `item`); delete: `{alexaItemId, listId, deleted: true, appItemId}`; sync: `{lists, items}`; createList/renameList: `{listId, name, version}`; deleteList: `{listId, deleted: true}`; message: `{received: true}`.",
  ),
);

export const OperationSchema = v.object({
  id: v.pipe(v.string(), v.description("`op_…`; also the path of `GET /v1/users/{userId}/operations/{opId}`.")),
  kind: OperationKindSchema,
  status: OperationStatusSchema,
  createdAt: isoTime("ISO 8601."),
  updatedAt: isoTime("ISO 8601."),
  result: v.optional(v.nullable(OperationResultSchema)),
  reason: v.optional(v.pipe(v.string(), v.description("Set when failed or expired: why (the same text as `outbox.failed`'s `reason`)."))),
  error: v.optional(v.pipe(v.string(), v.description("Deprecated alias of `reason` (removed in 0.3.0)."), v.metadata({ deprecated: true }))),
});

export const ListsResponseSchema = v.object({ lists: v.array(HeldListSchema) });

/** A webhook that failed for 24 h (or got 410) and was kept, without its body (docs/limits.md). */
export const DeadLetterSchema = v.object({
  msgId: v.pipe(v.string(), v.description("Its `webhook-id`.")),
  type: v.string(),
  createdAt: isoTime("When it was queued."),
  deadAt: isoTime("When it became a dead letter."),
  attempts: int(),
  lastError: v.nullable(v.string()),
  bytes: v.pipe(int(), v.description("Size of the webhook body.")),
});
export const DeadLettersResponseSchema = v.object({ total: int(), deadLetters: v.array(DeadLetterSchema) });
/** A member of a list space. */
export const SpaceMemberSchema = v.object({
  userId: v.pipe(v.string(), v.description("The Alexa user id of the member.")),
  appUserId: v.pipe(v.nullable(v.string()), v.description("The app user of the member's verified link; null in a personal space.")),
  linkedAt: isoTime("When the link that made it a member happened (its event time)."),
});
/** `GET /v1/spaces/{spaceId}`. */
export const SpaceSchema = v.object({
  spaceId: v.pipe(v.string(), v.description("The space id: the linked token's `APP_OAUTH_SPACE_CLAIM` claim, or `personal-…` for an unlinked person.")),
  kind: v.pipe(v.picklist(["linked", "personal"]), v.description("`linked`: shared by every Alexa user whose verified link names it; `personal`: one unlinked Alexa user's.")),
  members: v.array(SpaceMemberSchema),
});
export const CountResponseSchema = v.object({ count: v.pipe(int(), v.description("How many dead letters were redriven or deleted.")) });

export const FieldIssueSchema = v.object({
  path: v.pipe(v.string(), v.description('A dot path into the body (`value`, `data.x`); `""` is the body itself.')),
  message: v.pipe(v.string(), v.description("What is wrong, in plain words: `required`, `unknown field`, `must not be blank`…")),
});

export const ErrorSchema = v.object({
  error: v.pipe(v.string(), v.description("A stable code to switch on: `VALIDATION_FAILED`, `USER_NOT_FOUND`…")),
  message: v.optional(v.pipe(v.string(), v.description("For people; may change."))),
  fields: v.optional(v.pipe(v.array(FieldIssueSchema), v.description("`VALIDATION_FAILED` only: each problem with the body."))),
});

// -------------------------------------------------------------- webhooks

export const ItemsChangedDataSchema = v.object({
  listId: v.string(),
  defaultKind: DefaultKindSchema,
  items: v.array(WebhookItemSchema),
  source: ChangeSourceSchema,
});
export const ItemsDeletedDataSchema = v.object({
  listId: v.string(),
  defaultKind: DefaultKindSchema,
  listItemIds: v.array(v.string()),
  appItemIds: v.pipe(v.record(v.string(), v.string()), v.description("Alexa item id → the app's id, for the deleted items the bridge had mapped.")),
  source: ChangeSourceSchema,
});
export const ItemMovedDataSchema = v.object({
  itemId: v.string(),
  fromListId: v.string(),
  toListId: v.string(),
  fromDefaultKind: DefaultKindSchema,
  toDefaultKind: DefaultKindSchema,
  item: WebhookItemSchema,
  source: ChangeSourceSchema,
});
export const ListChangedDataSchema = v.object({ ...listFields, source: ChangeSourceSchema });
export const ListDeletedDataSchema = v.object({ listId: v.string(), source: ChangeSourceSchema });
export const SnapshotListEntrySchema = v.object({
  ...listFields,
  itemsPart: v.optional(v.pipe(int(), v.description("Set when one list was cut into several entries: this entry's 1-based number…"))),
  itemsParts: v.optional(v.pipe(int(), v.description("…of this many."))),
  items: v.array(WebhookItemSchema),
});
export const SnapshotDataSchema = v.object({
  syncedAt: isoTime("When the sync finished reading."),
  opId: v.pipe(v.string(), v.description("The sync operation; every part of one snapshot carries it.")),
  part: v.pipe(int(), v.minValue(1), v.description("1-based; concatenate the `lists` of parts 1…`parts`.")),
  parts: v.pipe(int(), v.minValue(1)),
  lists: v.array(SnapshotListEntrySchema),
});
export const MessageReceivedDataSchema = v.object({
  data: v.pipe(v.unknown(), v.description("The message's data as sent.")),
  opId: v.optional(v.pipe(v.string(), v.description("Set for a message the app sent through `POST /v1/users/{userId}/messages`."))),
});
export const UserEnabledDataSchema = v.object({});
export const UserDisabledDataSchema = v.object({ userInformationPersistenceStatus: v.optional(v.string()) });
export const AccountLinkedDataSchema = v.union([
  v.object({
    appUserId: v.pipe(v.string(), v.description("Token verification configured (docs/account-linking.md): the app user the verified token names (its `sub`).")),
  }),
  v.object({
    accessToken: v.pipe(v.string(), v.description("No verification configured: the token the app's OAuth server issued: find the app's user with it.")),
  }),
]);
export const PermissionsChangedDataSchema = v.object({
  acceptedPermissions: v.pipe(v.array(v.string()), v.description("e.g. `alexa::household:lists:read`.")),
});
export const OutboxCompletedDataSchema = v.object({
  opId: v.string(),
  kind: OperationKindSchema,
  result: v.nullable(OperationResultSchema),
  source: v.literal("app"),
});
export const OutboxFailedDataSchema = v.object({
  opId: v.string(),
  kind: OperationKindSchema,
  status: v.picklist(["failed", "expired"]),
  reason: v.pipe(v.string(), v.description("Why, for people (Amazon's code first when Amazon refused it).")),
  source: v.literal("app"),
});

/** Every webhook type: its `data`, when it is sent, and an example `data`. */
export const WEBHOOKS = {
  "alexa.list.items.created": { data: ItemsChangedDataSchema, summary: "Items were added on Alexa (by voice, or in the Alexa app).", example: { listId: "YW16bjEuYWNjb3VudC5YWVotU0hPUFBJTkdfSVRFTQ==", defaultKind: "shopping", source: "voice", items: [{ id: "itm_7b0c", value: "milk", status: "active", version: 1, createdTime: "2030-12-31T23:59:57.000Z", updatedTime: "2030-12-31T23:59:57.000Z", appItemId: null }] } },
  "alexa.list.items.updated": { data: ItemsChangedDataSchema, summary: "Items changed on Alexa (value, completed…).", example: { listId: "YW16bjEuYWNjb3VudC5YWVotU0hPUFBJTkdfSVRFTQ==", defaultKind: "shopping", source: "alexa-app", items: [{ id: "itm_7b0c", value: "milk", status: "completed", version: 2, createdTime: "2031-01-01T09:00:00.000Z", updatedTime: "2031-01-01T10:00:00.000Z", appItemId: "app-42" }] } },
  "alexa.list.items.deleted": { data: ItemsDeletedDataSchema, summary: "Items were deleted on Alexa (household store: held ~45 s to recognise moves).", example: { listId: "YW16bjEuYWNjb3VudC5YWVotU0hPUFBJTkdfSVRFTQ==", defaultKind: "shopping", source: "voice", listItemIds: ["itm_7b0c", "itm_9d1e"], appItemIds: { itm_7b0c: "app-42" } } },
  "alexa.list.item.moved": { data: ItemMovedDataSchema, summary: "An item moved to another list (household store).", example: { itemId: "7b0c", fromListId: "YW16bjEuYWNjb3VudC5YWVotU0hPUFBJTkdfSVRFTQ==", toListId: "a1b2c3d4-custom", fromDefaultKind: "shopping", toDefaultKind: null, source: "alexa-app", item: { id: "7b0c", value: "milk", status: "active", version: 1, createdTime: null, updatedTime: null, appItemId: "app-42" } } },
  "alexa.list.created": { data: ListChangedDataSchema, summary: "A list was created.", example: { listId: "lst_a1b2", name: "Hardware store", state: "active", version: 1, defaultKind: null, source: "voice" } },
  "alexa.list.updated": { data: ListChangedDataSchema, summary: "A list was renamed or archived.", example: { listId: "lst_a1b2", name: "DIY", state: "active", version: 2, defaultKind: null, source: "alexa-app" } },
  "alexa.list.deleted": { data: ListDeletedDataSchema, summary: "A list was deleted.", example: { listId: "lst_a1b2", source: "voice" } },
  "alexa.list.snapshot": { data: SnapshotDataSchema, summary: "A full sync finished (`POST /v1/users/{userId}/sync`, or the periodic reconciliation): one part of at most 512 KiB.", example: { syncedAt: "2031-01-01T03:00:00.000Z", opId: "op_5f0c2d1e9a7b4c3d8e6f1a2b3c4d5e6f", part: 1, parts: 1, lists: [{ listId: "YW16bjEuYWNjb3VudC5YWVotU0hPUFBJTkdfSVRFTQ==", name: "Shopping", state: "active", version: 4, defaultKind: "shopping", items: [] }] } },
  "alexa.message.received": { data: MessageReceivedDataSchema, summary: "A skill message that was not a bridge operation, or one the app sent.", example: { data: { reminder: "bins tonight" }, opId: "op_77aa0000000000000000000000000000" } },
  "alexa.user.enabled": { data: UserEnabledDataSchema, summary: "The person enabled the skill.", example: {} },
  "alexa.user.disabled": { data: UserDisabledDataSchema, summary: "The person disabled the skill; the bridge erases their data after this one is delivered.", example: { userInformationPersistenceStatus: "NOT_PERSISTED" } },
  "alexa.user.account_linked": { data: AccountLinkedDataSchema, summary: "The person linked their account.", example: { accessToken: "your-oauth-access-token" } },
  "alexa.user.permissions_changed": { data: PermissionsChangedDataSchema, summary: "List permissions were accepted or changed (household store).", example: { acceptedPermissions: ["alexa::household:lists:read", "alexa::household:lists:write"] } },
  "outbox.completed": { data: OutboxCompletedDataSchema, summary: "An operation the app queued was applied.", example: { opId: "op_5f0c2d1e9a7b4c3d8e6f1a2b3c4d5e6f", kind: "create", source: "app", result: { alexaItemId: "itm_6275", listId: "YW16bjEuYWNjb3VudC5YWVotU0hPUFBJTkdfSVRFTQ==", version: 1, appItemId: "app-item-17" } } },
  "outbox.failed": { data: OutboxFailedDataSchema, summary: "An operation the app queued failed (`failed`) or was never confirmed (`expired`).", example: { opId: "op_5f0c2d1e9a7b4c3d8e6f1a2b3c4d5e6f", kind: "update", status: "failed", reason: "FORBIDDEN: the skill may not write this list", source: "app" } },
} as const satisfies Record<string, { data: v.GenericSchema; summary: string; example: unknown }>;

export type WebhookEventType = keyof typeof WEBHOOKS;
export const WEBHOOK_TYPES = Object.keys(WEBHOOKS) as WebhookEventType[];

const envelopeFields = {
  spaceId: v.optional(v.pipe(v.string(), v.description("The list space (skill store): on every webhook of a space's lists and operations (docs/webhooks.md)."))),
  userId: v.optional(
    v.pipe(v.string(), v.description("The Alexa user id (`amzn1.ask.account.…`): always on an Alexa user's webhooks; on a linked space's, the person who acted by voice (absent for the app's own operations, merges and snapshots); on a personal space's, always its person.")),
  ),
  appUserId: v.optional(v.pipe(v.string(), v.description("The app's user id, once the person linked their account (docs/account-linking.md)."))),
  timestamp: isoTime("When the bridge queued the event."),
};

function envelope<T extends WebhookEventType>(type: T) {
  return v.object({ type: v.literal(type), ...envelopeFields, data: WEBHOOKS[type].data as (typeof WEBHOOKS)[T]["data"] });
}

/** One webhook body per type (`{type, spaceId?, userId?, appUserId?, timestamp, data}`). */
export const WebhookEventSchemas = Object.fromEntries(WEBHOOK_TYPES.map((t) => [t, envelope(t)])) as {
  [T in WebhookEventType]: ReturnType<typeof envelope<T>>;
};

/** Any webhook body. */
export const WebhookEventSchema = v.variant("type", Object.values(WebhookEventSchemas) as [ReturnType<typeof envelope<WebhookEventType>>]);

// ----------------------------------------------------------------- types

export type WebhookItem = v.InferOutput<typeof WebhookItemSchema>;
export type HeldList = v.InferOutput<typeof HeldListSchema>;
export type ChangeSource = v.InferOutput<typeof ChangeSourceSchema>;
export type Operation = v.InferOutput<typeof OperationSchema>;
export type OperationKind = v.InferOutput<typeof OperationKindSchema>;
export type OperationStatus = v.InferOutput<typeof OperationStatusSchema>;
export type OperationResult = v.InferOutput<typeof OperationResultSchema>;
export type ListsResponse = v.InferOutput<typeof ListsResponseSchema>;
export type DeadLetter = v.InferOutput<typeof DeadLetterSchema>;
export type DeadLettersResponse = v.InferOutput<typeof DeadLettersResponseSchema>;
export type ErrorBody = v.InferOutput<typeof ErrorSchema>;
export type FieldIssue = v.InferOutput<typeof FieldIssueSchema>;
/** The `data` of each webhook type. */
export type WebhookData = { [T in WebhookEventType]: v.InferOutput<(typeof WEBHOOKS)[T]["data"]> };
/** A webhook body, discriminated by `type`. */
export type WebhookEvent = { [T in WebhookEventType]: { type: T; spaceId?: string; userId?: string; appUserId?: string; timestamp: string; data: WebhookData[T] } }[WebhookEventType];
export type Space = v.InferOutput<typeof SpaceSchema>;
export type SpaceMember = v.InferOutput<typeof SpaceMemberSchema>;
