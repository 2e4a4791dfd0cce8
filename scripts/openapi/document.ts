/**
 * @module scripts/openapi/document
 * Builds the OpenAPI 3.1 document of the bridge's `/v1` API and its webhooks
 * from the valibot schemas (src/contract/schemas.ts, which re-exports the
 * request schemas the router validates with), with @valibot/to-json-schema.
 * Written to openapi.json by `npm run openapi`; the Worker serves that file
 * at `GET /v1/openapi.json`.
 *
 * The paths are listed here (the router matches raw segments, see
 * src/routes/api/router.ts); a test checks that every route the router
 * answers is documented and the other way round.
 */
import { toJsonSchemaDefs, type JsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import * as c from "../../src/contract/schemas.ts";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Every named schema, as `components.schemas`. */
const DEFINITIONS = {
  CreateItemBody: c.CreateItemBody,
  UpdateItemBody: c.UpdateItemBody,
  ListNameBody: c.ListNameBody,
  MessageBody: c.MessageBody,
  EmptyBody: c.SyncBody,
  Operation: c.OperationSchema,
  OperationResult: c.OperationResultSchema,
  ListsResponse: c.ListsResponseSchema,
  DeadLetter: c.DeadLetterSchema,
  DeadLettersResponse: c.DeadLettersResponseSchema,
  CountResponse: c.CountResponseSchema,
  Space: c.SpaceSchema,
  SpaceMember: c.SpaceMemberSchema,
  HeldList: c.HeldListSchema,
  Error: c.ErrorSchema,
  FieldIssue: c.FieldIssueSchema,
  WebhookItem: c.WebhookItemSchema,
  DefaultKind: c.DefaultKindSchema,
  ChangeSource: c.ChangeSourceSchema,
  OperationKind: c.OperationKindSchema,
  OperationStatus: c.OperationStatusSchema,
  ...Object.fromEntries(c.WEBHOOK_TYPES.map((t) => [webhookSchemaName(t), c.WebhookEventSchemas[t]])),
} satisfies Record<string, v.GenericSchema>;

/** `alexa.list.items.created` → `AlexaListItemsCreatedWebhook`. */
export function webhookSchemaName(type: string): string {
  return type.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("") + "Webhook";
}

function schemas(): Record<string, JsonSchema> {
  const defs = toJsonSchemaDefs(DEFINITIONS, {
    target: "draft-2020-12",
    // v.check / v.custom (blank values, control characters, the message size) cannot be
    // expressed; the descriptions say them.
    errorMode: "ignore",
    overrideSchema: ({ valibotSchema }) =>
      valibotSchema.type === "custom" ? { type: "object", description: "A JSON object (string keys and string values travel best through Skill Messaging)." } : undefined,
  });
  const text = JSON.stringify(defs).replaceAll('"#/$defs/', '"#/components/schemas/');
  const out = JSON.parse(text) as Record<string, JsonSchema>;
  for (const s of Object.values(out)) delete s.$schema;
  return out;
}

const param = (name: string, description: string, schema: v.GenericSchema, example: string) => ({
  name,
  in: "path",
  required: true,
  description,
  schema: toJsonSchemaDefs({ s: schema }, { target: "draft-2020-12", errorMode: "ignore" }).s,
  example,
});

function errorResponse(description: string, example: { error: string; message: string; fields?: unknown[] }) {
  return { description, content: { "application/json": { schema: ref("Error"), example } } };
}

const ERRORS = {
  BadRequest: errorResponse("Invalid JSON, body, path parameter or Idempotency-Key (`INVALID_JSON`, `VALIDATION_FAILED`, `INVALID_PARAMETER`, `INVALID_IDEMPOTENCY_KEY`, `VALUE_TOO_LONG`).", {
    error: "VALIDATION_FAILED",
    message: "the body is not valid: value: required; valu: unknown field",
    fields: [
      { path: "value", message: "required" },
      { path: "valu", message: "unknown field" },
    ],
  }),
  Unauthorized: errorResponse("No or wrong bearer token (`WWW-Authenticate: Bearer`).", { error: "UNAUTHORIZED", message: "the bearer token is not valid" }),
  NotFound: errorResponse("`USER_NOT_FOUND`, `APP_USER_NOT_LINKED`, `SPACE_NOT_FOUND`, `USER_DISABLED` (writes), `OPERATION_NOT_FOUND`, `LIST_NOT_FOUND`, `ITEM_NOT_FOUND` (skill store: an item operation finds the item only on the list its path names), `NOT_FOUND` (no such route).", {
    error: "USER_NOT_FOUND",
    message: "no request from this Alexa user has been seen",
  }),
  MethodNotAllowed: errorResponse("Wrong method; `Allow` lists the right ones.", { error: "METHOD_NOT_ALLOWED", message: "use POST" }),
  Conflict: errorResponse("The skill store refused the operation: `LIST_FULL`, `TOO_MANY_LISTS`, `LIST_NAME_TAKEN`, `APP_ITEM_ID_TAKEN` (a create whose `appItemId` already names another item: on another list, or with another value), `NOT_SUPPORTED`; `LISTS_HELD_BY_ALEXA` for GET lists on the household store.", {
    error: "LIST_FULL",
    message: 'the list "Shopping" holds 100 items; at most 100 fit',
  }),
  PayloadTooLarge: errorResponse("Body over 16 KiB.", { error: "PAYLOAD_TOO_LARGE", message: "the body must be at most 16384 bytes" }),
  UnsupportedMediaType: errorResponse("A body that is not `application/json`.", { error: "UNSUPPORTED_MEDIA_TYPE", message: "send the body as application/json" }),
  IdempotencyKeyReused: errorResponse("The Idempotency-Key was used for a different request.", {
    error: "IDEMPOTENCY_KEY_REUSED",
    message: "this Idempotency-Key was used for a different request (operation op_5f0c2d1e9a7b4c3d8e6f1a2b3c4d5e6f)",
  }),
  Unavailable: {
    ...errorResponse("The user's storage could not be reached (retry with the same Idempotency-Key), or the Worker is not configured (`NOT_CONFIGURED`).", {
      error: "UNAVAILABLE",
      message: "the user's storage is unavailable; retry (with the same Idempotency-Key)",
    }),
    headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } } },
  },
};

const EXAMPLE_OP = {
  id: "op_5f0c2d1e9a7b4c3d8e6f1a2b3c4d5e6f",
  kind: "create",
  status: "queued",
  createdAt: "2026-11-21T10:00:00.000Z",
  updatedAt: "2026-11-21T10:00:00.000Z",
};

const accepted = {
  description:
    "Stored in the user's Durable Object. Household store: `queued`, applied when Alexa delivers the skill message. Skill store: already `completed`, with `result`.",
  headers: {
    Location: { description: "The operation's URL (`GET` it to follow the operation).", schema: { type: "string" } },
    "Idempotent-Replayed": { description: "`true` when the Idempotency-Key answered an earlier operation.", schema: { type: "string", enum: ["true"] } },
  },
  content: { "application/json": { schema: ref("Operation"), example: EXAMPLE_OP } },
};

const idempotencyKey = { $ref: "#/components/parameters/IdempotencyKey" };
const p = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const r = (name: keyof typeof ERRORS) => ({ $ref: `#/components/responses/${name}` });
const writeErrors = {
  "400": r("BadRequest"),
  "401": r("Unauthorized"),
  "404": r("NotFound"),
  "405": r("MethodNotAllowed"),
  "409": r("Conflict"),
  "413": r("PayloadTooLarge"),
  "415": r("UnsupportedMediaType"),
  "422": r("IdempotencyKeyReused"),
  "503": r("Unavailable"),
};
const readErrors = { "400": r("BadRequest"), "401": r("Unauthorized"), "404": r("NotFound"), "503": r("Unavailable") };

function body(name: string, example: unknown, required = true) {
  return { required, content: { "application/json": { schema: ref(name), example } } };
}

function write(operationId: string, summary: string, description: string, requestBody?: unknown) {
  return {
    operationId,
    summary,
    description,
    tags: ["operations"],
    parameters: [idempotencyKey],
    ...(requestBody ? { requestBody } : {}),
    responses: { "202": { $ref: "#/components/responses/Accepted" }, ...writeErrors },
  };
}

const WEBHOOK_HEADERS = [
  { name: "webhook-id", in: "header", required: true, description: "The same on every try of one event: deduplicate on it.", schema: { type: "string" }, example: "msg_5f0c2d1e9a7b4c3d8e6f1a2b3c4d5e6f" },
  { name: "webhook-timestamp", in: "header", required: true, description: "Seconds since the epoch, per try.", schema: { type: "string" }, example: "1924991999" },
  { name: "webhook-signature", in: "header", required: true, description: "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with APP_WEBHOOK_SECRET (Standard Webhooks).", schema: { type: "string" }, example: "v1,Jc3E8nR0c2lnbmF0dXJlLWV4YW1wbGU=" },
];

function webhooks(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const type of c.WEBHOOK_TYPES) {
    const w = c.WEBHOOKS[type];
    out[type] = {
      post: {
        operationId: `webhook.${type}`,
        summary: w.summary,
        tags: ["webhooks"],
        security: [],
        parameters: WEBHOOK_HEADERS,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: ref(webhookSchemaName(type)),
              example: { type, userId: "amzn1.ask.account.AEXAMPLE", timestamp: "2030-12-31T23:59:58.120Z", data: w.example },
            },
          },
        },
        responses: {
          "2XX": { description: "Received. Anything else (or no answer in 5 s) is retried with backoff for 24 h; `410` dead-letters it at once." },
        },
      },
    };
  }
  return out;
}

/**
 * The whole document.
 * @example writeFileSync("openapi.json", JSON.stringify(buildOpenApi("0.2.0"), null, 2) + "\n");
 */
export function buildOpenApi(version: string): Record<string, unknown> {
  const doc = document(version);
  // Every /v1/users/{userId}/… route also answers as /v1/app-users/{appUserId}/… (account linking).
  const paths = doc.paths as Record<string, { parameters?: unknown[] } & Record<string, unknown>>;
  for (const [path, item] of Object.entries({ ...paths })) {
    if (!path.startsWith("/v1/users/{userId}")) continue;
    const copy: Record<string, unknown> = { ...item, parameters: [p("appUserId"), ...(item.parameters ?? []).slice(1)] };
    for (const [method, op] of Object.entries(item)) {
      if (method === "parameters") continue;
      const o = op as { operationId: string; summary: string; tags: string[] };
      copy[method] = { ...o, operationId: `${o.operationId}ByAppUser`, summary: `${o.summary} (by app user id)`, tags: ["by app user id"] };
    }
    paths[path.replace("/v1/users/{userId}", "/v1/app-users/{appUserId}")] = copy;
  }
  // Every list route also answers as /v1/spaces/{spaceId}/… (skill store; skill messages go to an Alexa user).
  for (const [path, item] of Object.entries({ ...paths })) {
    if (!path.startsWith("/v1/users/{userId}") || path.endsWith("/messages")) continue;
    const copy: Record<string, unknown> = { ...item, parameters: [p("spaceId"), ...(item.parameters ?? []).slice(1)] };
    for (const [method, op] of Object.entries(item)) {
      if (method === "parameters") continue;
      const o = op as { operationId: string; summary: string; tags: string[] };
      copy[method] = { ...o, operationId: `${o.operationId}InSpace`, summary: `${o.summary} (in a list space)`, tags: ["list spaces"] };
    }
    paths[path.replace("/v1/users/{userId}", "/v1/spaces/{spaceId}")] = copy;
  }
  paths["/v1/spaces/{spaceId}"] = {
    parameters: [p("spaceId")],
    get: {
      operationId: "getSpace",
      summary: "A list space and its members",
      description: "`kind` is `linked` (named by a verified token's `APP_OAUTH_SPACE_CLAIM`) or `personal`. 404 `SPACE_NOT_FOUND` for a space never linked or written to, or deleted.",
      tags: ["list spaces"],
      responses: { "200": { description: "The space.", content: { "application/json": { schema: ref("Space") } } }, ...readErrors },
    },
    delete: {
      operationId: "deleteSpace",
      summary: "Erase a list space for good",
      description: "Every list, item, operation and queued webhook of the space is deleted. Within the next 26 h only a new link (newer than the deletion) or a new app write starts the space again, empty.",
      tags: ["list spaces"],
      responses: { "204": { description: "Erased." }, ...readErrors },
    },
  };
  return doc;
}

function document(version: string): Record<string, unknown> & { paths: Record<string, unknown> } {
  return {
    openapi: "3.1.0",
    info: {
      title: "alexa-list-bridge",
      version,
      summary: "The app-facing REST API and webhooks of alexa-list-bridge.",
      description:
        "Your app changes a person's lists through `/v1` (every write answers `202` with an operation) and learns what changed on Alexa from signed webhooks (Standard Webhooks). Generated from the valibot schemas that validate the requests (`npm run openapi`). Reference: docs/rest-api.md, docs/webhooks.md.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [
      { url: "http://127.0.0.1:8787", description: "`npm start` (local)" },
      { url: "https://alexa-list-bridge.{account}.workers.dev", description: "A deployed Worker", variables: { account: { default: "you" } } },
    ],
    security: [{ bearer: [] }],
    tags: [
      { name: "operations", description: "Writes: each is stored, then applied (an operation)." },
      { name: "reads", description: "Operations and lists." },
      { name: "dead letters", description: "Webhooks the app did not take." },
      { name: "meta", description: "This document." },
      { name: "webhooks", description: "What the bridge sends your app." },
      { name: "list spaces", description: "The same list routes, by list space (skill store): the lists a linked account or household shares (docs/account-linking.md)." },
      { name: "by app user id", description: "The same routes, by the app's own user id once the person linked their account (docs/account-linking.md); 404 `APP_USER_NOT_LINKED` otherwise." },
    ],
    paths: {
      "/v1/openapi.json": {
        get: {
          operationId: "getOpenApi",
          summary: "This document",
          tags: ["meta"],
          security: [],
          responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
      "/v1/users/{userId}/lists": {
        parameters: [p("userId")],
        get: {
          operationId: "readLists",
          summary: "The lists with their items (skill store)",
          description: "With `ALEXA_LISTS=household` Alexa holds the lists: `409 LISTS_HELD_BY_ALEXA`; ask for a sync instead.",
          tags: ["reads"],
          responses: {
            "200": { description: "Every list, with its items.", content: { "application/json": { schema: ref("ListsResponse") } } },
            ...readErrors,
            "409": r("Conflict"),
          },
        },
        post: write("createList", "Create a list (skill store)", "Names are unique (case-insensitive), at most 100 characters.", body("ListNameBody", { name: "Hardware store" })),
      },
      "/v1/users/{userId}/lists/{list}": {
        parameters: [p("userId"), p("list")],
        patch: write("renameList", "Rename a list (skill store)", "The shopping and to-do lists keep their names (`409 NOT_SUPPORTED`).", body("ListNameBody", { name: "DIY" })),
        delete: write("deleteList", "Delete a list and its items (skill store)", "The shopping and to-do lists cannot be deleted.", body("EmptyBody", {}, false)),
      },
      "/v1/users/{userId}/lists/{list}/items": {
        parameters: [p("userId"), p("list")],
        post: write("createItem", "Add an item", "Keep your own id in `appItemId`: later operations can refer to the item by it, and webhooks carry it.", body("CreateItemBody", { value: "oat milk", appItemId: "app-item-17" })),
      },
      "/v1/users/{userId}/lists/{list}/items/{itemRef}": {
        parameters: [p("userId"), p("list"), p("itemRef")],
        patch: write("updateItem", "Change an item", "`{\"status\":\"completed\"}` alone is a `complete` operation; anything else an `update`.", body("UpdateItemBody", { value: "oat milk, 2 cartons" })),
        delete: write("deleteItem", "Delete an item", "No body (or `{}`).", body("EmptyBody", {}, false)),
      },
      "/v1/users/{userId}/sync": {
        parameters: [p("userId")],
        post: write("sync", "Ask for a full snapshot", "The lists arrive as `alexa.list.snapshot` webhooks (in parts of at most 512 KiB).", body("EmptyBody", {}, false)),
      },
      "/v1/users/{userId}/messages": {
        parameters: [p("userId")],
        post: write("sendMessage", "Send a raw skill message", "It comes back as `alexa.message.received` when Alexa delivers it. The skill message carrying `data` must stay within 6,000 bytes.", body("MessageBody", { data: { reminder: "bins tonight" }, expiresAfterSeconds: 600 })),
      },
      "/v1/users/{userId}/dead-letters": {
        parameters: [p("userId")],
        get: {
          operationId: "listDeadLetters",
          summary: "Webhooks that could not be delivered",
          description: "Kept after 24 h of failures (or a 410), without their bodies; redrive them to receive them again (docs/limits.md).",
          tags: ["dead letters"],
          responses: { "200": { description: "The dead letters.", content: { "application/json": { schema: ref("DeadLettersResponse") } } }, ...readErrors },
        },
        delete: {
          operationId: "deleteDeadLetters",
          summary: "Forget every dead letter",
          tags: ["dead letters"],
          responses: { "200": { description: "How many were deleted.", content: { "application/json": { schema: ref("CountResponse") } } }, ...readErrors },
        },
      },
      "/v1/users/{userId}/dead-letters/redrive": {
        parameters: [p("userId")],
        post: {
          operationId: "redriveDeadLetters",
          summary: "Send every dead letter again",
          description: "Each goes back to its place in the queue with a fresh 24 h window.",
          tags: ["dead letters"],
          responses: { "202": { description: "How many were put back.", content: { "application/json": { schema: ref("CountResponse") } } }, ...readErrors },
        },
      },
      "/v1/users/{userId}/operations/{opId}": {
        parameters: [p("userId"), p("opId")],
        get: {
          operationId: "getOperation",
          summary: "Follow an operation",
          description: "Finished operations are kept for 7 days.",
          tags: ["reads"],
          responses: {
            "200": {
              description: "The operation.",
              content: {
                "application/json": {
                  schema: ref("Operation"),
                  example: { ...EXAMPLE_OP, status: "completed", result: { alexaItemId: "itm_6275", listId: "YW16bjEuYWNjb3VudC5YWVotU0hPUFBJTkdfSVRFTQ==", version: 1, appItemId: "app-item-17" } },
                },
              },
            },
            ...readErrors,
          },
        },
      },
    },
    webhooks: webhooks(),
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "One of the comma-separated tokens of the `APP_API_TOKEN` secret." },
      },
      parameters: {
        userId: param("userId", "The Alexa user id (`context.System.user.userId`, as in the webhooks).", c.UserIdSchema, "amzn1.ask.account.AEXAMPLE"),
        spaceId: param("spaceId", "A list space: the linked token's `APP_OAUTH_SPACE_CLAIM` claim (default `sub`), or `personal-…` (docs/account-linking.md).", c.SpaceIdSchema, "household-7"),
        list: param("list", "`shopping`, `todo`, or a list id (URL-encoded: household list ids are base64 and may contain `/`).", c.ListSchema, "shopping"),
        appUserId: {
          name: "appUserId",
          in: "path",
          required: true,
          description: "The app's user id (the verified `sub` of the account-linking token), resolved to the current Alexa user id.",
          schema: { type: "string", minLength: 1, maxLength: 255 },
          example: "app-user-7",
        },
        itemRef: param("itemRef", "The app's item id (`appItemId`) or the bridge's/Alexa's item id.", c.ItemRefSchema, "app-item-17"),
        opId: param("opId", "An operation id (`op_…`).", c.OperationIdSchema, "op_5f0c2d1e9a7b4c3d8e6f1a2b3c4d5e6f"),
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description:
            "Per user. The same key and the same request answer the same operation again (`Idempotent-Replayed: true`); the same key with a different request is `422`. Remembered until 7 days after the operation finished.",
          schema: toJsonSchemaDefs({ s: c.IdempotencyKeySchema }, { target: "draft-2020-12", errorMode: "ignore" }).s,
          example: "order-42-line-1",
        },
      },
      responses: { Accepted: accepted, ...ERRORS },
      schemas: schemas(),
    },
  };
}
