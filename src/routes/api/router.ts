/**
 * @module routes/api/router
 * The app-facing REST API under `/v1` (README "REST API"):
 *
 * | method | path | body | operation |
 * | --- | --- | --- | --- |
 * | POST | /v1/users/{userId}/lists/{list}/items | `{value, status?, appItemId?}` | create |
 * | PATCH | /v1/users/{userId}/lists/{list}/items/{itemRef} | `{value?, status?}` | update / complete |
 * | DELETE | /v1/users/{userId}/lists/{list}/items/{itemRef} | none | delete |
 * | POST | /v1/users/{userId}/sync | none or `{}` | sync |
 * | POST | /v1/users/{userId}/messages | `{data, expiresAfterSeconds?}` | message |
 * | GET | /v1/users/{userId}/operations/{id} | | |
 * | GET | /v1/users/{userId}/dead-letters | | (the webhooks that could not be delivered: `{total, deadLetters}`) |
 * | POST | /v1/users/{userId}/dead-letters/redrive | none | (queue them again: 202 `{count}`) |
 * | DELETE | /v1/users/{userId}/dead-letters | none | (drop them: `{count}`) |
 * | GET | /v1/users/{userId}/lists | | (skill store: the lists with their items) |
 * | POST | /v1/users/{userId}/lists | `{name}` | createList (skill store) |
 * | PATCH | /v1/users/{userId}/lists/{list} | `{name}` | renameList (skill store) |
 * | DELETE | /v1/users/{userId}/lists/{list} | none | deleteList (skill store) |
 *
 * Every `/v1/users/{userId}/…` route is also `/v1/app-users/{appUserId}/…`:
 * the app's own user id (a verified account-linking `sub`), resolved to the
 * current Alexa userId once, before the table (docs/account-linking.md);
 * 404 APP_USER_NOT_LINKED when no Alexa user is linked to it. `Location`
 * headers name the resolved `/v1/users/{userId}/…` path (an operation belongs
 * to that Alexa user, even after the app user moves on).
 *
 * Every write answers `202 Accepted` with the OperationView and a `Location`
 * header, only after the operation is stored in the user's Durable Object.
 * With the skill store (`ALEXA_LISTS=skill`) the operation is applied at once
 * and the view is already `completed`; one that cannot apply is refused with a
 * 4xx and nothing is stored: 404 LIST_NOT_FOUND / ITEM_NOT_FOUND (an item
 * operation finds the item on the list its path names only), 409 LIST_FULL /
 * TOO_MANY_LISTS / LIST_NAME_TAKEN / APP_ITEM_ID_TAKEN (a create whose appItemId
 * names another item) / NOT_SUPPORTED (list management on the household
 * store), 400 VALUE_TOO_LONG.
 * `Idempotency-Key` (per user, remembered as long as the operation is kept:
 * 7 days after it finished): the same key and the same request answer the same
 * operation (202 again, `Idempotent-Replayed: true`); the same key with a
 * different request is `422 IDEMPOTENCY_KEY_REUSED`.
 *
 * `GET /v1/openapi.json` (no token) answers the OpenAPI document (openapi.json).
 *
 * Errors are `{"error": CODE, "message": "…"}` (VALIDATION_FAILED adds
 * `fields: [{path, message}]`, one per problem): 400 INVALID_JSON /
 * VALIDATION_FAILED / INVALID_PARAMETER / INVALID_IDEMPOTENCY_KEY,
 * 401 UNAUTHORIZED, 404 NOT_FOUND / USER_NOT_FOUND / USER_DISABLED /
 * OPERATION_NOT_FOUND, 405 METHOD_NOT_ALLOWED, 413 PAYLOAD_TOO_LARGE,
 * 415 UNSUPPORTED_MEDIA_TYPE, 422 IDEMPOTENCY_KEY_REUSED, 503 UNAVAILABLE (the
 * user's object could not be reached; retry with the same Idempotency-Key).
 *
 * Trade-off: routing is a small table over raw path segments instead of
 * itty-router, because list ids are base64 and may carry an encoded `/`
 * (`%2F`), which must be split on before decoding.
 */
import * as v from "valibot";
import openapi from "../../../openapi.json";
import type { Env } from "../../env.ts";
import { json, jsonError } from "../../http.ts";
import type { BridgeOperation } from "../../protocol/bridge-message.ts";
import type { OperationView } from "../../shared/ports.ts";
import type { AppUserLink } from "../../linking/app-user-link.ts";
import type { EnqueueReply, GetOperationReply } from "../../alexa-user/outbox/service.ts";
import type { AlexaUser } from "../../alexa-user/alexa-user.ts";
import { listStoreKind, type Refused } from "../../shared/list-store.ts";
import { bearerToken, parseApiTokens, tokenMatches } from "./auth.ts";
import { spaceStub } from "../../space/rpc.ts";
import { readJsonBody } from "./body.ts";
import {
  CreateItemBody,
  IdempotencyKeySchema,
  ItemRefSchema,
  ListNameBody,
  ListSchema,
  MessageBody,
  OperationIdSchema,
  SyncBody,
  UpdateItemBody,
  UserIdSchema,
  SpaceIdSchema,
  createOp,
  describeIssues,
  issueFields,
  updateOp,
} from "./schemas.ts";

type Params = Record<string, string>;
type Handler = (request: Request, env: Env, params: Params) => Promise<Response>;

interface Route {
  /** Path segments after `/v1`; `:name` captures one segment. */
  pattern: string[];
  methods: Partial<Record<string, Handler>>;
}

const PARAM_SCHEMAS: Record<string, v.GenericSchema<string, string>> = {
  userId: UserIdSchema,
  spaceId: SpaceIdSchema,
  list: ListSchema,
  itemRef: ItemRefSchema,
  opId: OperationIdSchema,
};

function unauthorized(message: string): Response {
  const res = jsonError(401, "UNAUTHORIZED", message);
  res.headers.set("www-authenticate", 'Bearer realm="alexa-list-bridge"');
  return res;
}

/** Where an operation lives: `/v1/spaces/{spaceId}/…` for a list space's, else `/v1/users/{userId}/…`. */
function ownerPath(p: Params): string {
  return p.spaceId !== undefined ? `/v1/spaces/${encodeURIComponent(p.spaceId)}` : `/v1/users/${encodeURIComponent(p.userId!)}`;
}

function accepted(p: Params, view: OperationView, replayed: boolean): Response {
  const headers: Record<string, string> = { location: `${ownerPath(p)}/operations/${encodeURIComponent(view.id)}` };
  if (replayed) headers["idempotent-replayed"] = "true";
  return json(view, 202, headers);
}

/**
 * 400 `{"error":"VALIDATION_FAILED","message":"the body is not valid: value: required; valu: unknown field","fields":[{"path":"value","message":"required"},…]}`.
 */
function validationFailed(issues: readonly v.BaseIssue<unknown>[]): Response {
  return json({ error: "VALIDATION_FAILED", message: `the body is not valid: ${describeIssues(issues)}`, fields: issueFields(issues) }, 400);
}

/** Validates a body against a schema; the parsed value or a 400 response. */
function parseBody<S extends v.GenericSchema>(schema: S, value: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; response: Response } {
  // Every body is a JSON object; valibot would read an array's indexes as unknown fields.
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const fields = [{ path: "", message: "must be a JSON object" }];
    return { ok: false, response: json({ error: "VALIDATION_FAILED", message: "the body is not valid: must be a JSON object", fields }, 400) };
  }
  const r = v.safeParse(schema, value);
  if (r.success) return { ok: true, value: r.output };
  return { ok: false, response: validationFailed(r.issues) };
}

/**
 * Calls the user's object; an infrastructure failure (object overloaded,
 * reset, unreachable) is a 503 the app may retry, safely with the same
 * Idempotency-Key, rather than a 500.
 */
async function callUser<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    console.error("api: user object call failed", e);
    const res = jsonError(503, "UNAVAILABLE", "the user's storage is unavailable; retry (with the same Idempotency-Key)");
    res.headers.set("retry-after", "1");
    return { ok: false, response: res };
  }
}

async function enqueue(
  request: Request,
  env: Env,
  p: Params,
  op: BridgeOperation,
  expiresAfterSeconds?: number,
): Promise<Response> {
  const rawKey = request.headers.get("idempotency-key");
  let idempotencyKey: string | undefined;
  if (rawKey !== null) {
    const k = v.safeParse(IdempotencyKeySchema, rawKey);
    if (!k.success) return jsonError(400, "INVALID_IDEMPOTENCY_KEY", `Idempotency-Key ${describeIssues(k.issues)}`);
    idempotencyKey = k.output;
  }
  const opts = { ...(idempotencyKey !== undefined ? { idempotencyKey } : {}), ...(expiresAfterSeconds !== undefined ? { expiresAfterSeconds } : {}) };
  const called = await callUser(async () => {
    // Workers' RPC typing turns members typed `unknown` (OperationView.result)
    // into `never`; the object returns exactly EnqueueReply.
    if (p.spaceId !== undefined) return (await spaceStub(env, p.spaceId).enqueueOperation(op, opts)) as EnqueueReply;
    const r = await env.ALEXA_USER.getByName(p.userId!).enqueueOperation(op, opts);
    return r as unknown as EnqueueReply;
  });
  if (!called.ok) return called.response;
  const reply = called.value;
  switch (reply.outcome) {
    case "created":
      return accepted(p, reply.view, false);
    case "replayed":
      return accepted(p, reply.view, true);
    case "conflict":
      return jsonError(
        422,
        "IDEMPOTENCY_KEY_REUSED",
        `this Idempotency-Key was used for a different request (operation ${reply.existingId})`,
      );
    case "unknown_user":
      return jsonError(404, "USER_NOT_FOUND", "no request from this Alexa user has been seen");
    case "disabled_user":
      return jsonError(404, "USER_DISABLED", "this Alexa user has disabled the skill");
    case "too_many_pending": {
      const res = jsonError(429, "TOO_MANY_PENDING_OPERATIONS", `this user already has ${reply.limit} operations pending; retry later`);
      res.headers.set("retry-after", String(reply.retryAfterS));
      return res;
    }
    case "refused":
      return jsonError(REFUSAL_STATUS[reply.code], reply.code, reply.message);
  }
}

/** HTTP status of each refusal of the list store. */
const REFUSAL_STATUS: Record<Refused["code"], number> = {
  LIST_NOT_FOUND: 404,
  ITEM_NOT_FOUND: 404,
  LIST_FULL: 409,
  TOO_MANY_LISTS: 409,
  LIST_NAME_TAKEN: 409,
  NOTHING_TO_UNDO: 409,
  APP_ITEM_ID_TAKEN: 409,
  NOT_SUPPORTED: 409,
  VALUE_TOO_LONG: 400,
};

const createItem: Handler = async (request, env, p) => {
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const b = parseBody(CreateItemBody, body.value);
  if (!b.ok) return b.response;
  return enqueue(request, env, p, createOp(p.list!, b.value));
};

const updateItem: Handler = async (request, env, p) => {
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const b = parseBody(UpdateItemBody, body.value);
  if (!b.ok) return b.response;
  return enqueue(request, env, p, updateOp(p.list!, p.itemRef!, b.value));
};

const deleteItem: Handler = async (request, env, p) => {
  const body = await readJsonBody(request, { optional: true });
  if (!body.ok) return body.response;
  const b = parseBody(SyncBody, body.value);
  if (!b.ok) return b.response;
  return enqueue(request, env, p, { kind: "delete", list: p.list!, itemRef: p.itemRef! });
};

const requestSync: Handler = async (request, env, p) => {
  const body = await readJsonBody(request, { optional: true });
  if (!body.ok) return body.response;
  const b = parseBody(SyncBody, body.value);
  if (!b.ok) return b.response;
  return enqueue(request, env, p, { kind: "sync" });
};

const sendMessage: Handler = async (request, env, p) => {
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const b = parseBody(MessageBody, body.value);
  if (!b.ok) return b.response;
  return enqueue(request, env, p, { kind: "message", data: b.value.data }, b.value.expiresAfterSeconds);
};

const createList: Handler = async (request, env, p) => {
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const b = parseBody(ListNameBody, body.value);
  if (!b.ok) return b.response;
  return enqueue(request, env, p, { kind: "createList", name: b.value.name });
};

const renameList: Handler = async (request, env, p) => {
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const b = parseBody(ListNameBody, body.value);
  if (!b.ok) return b.response;
  return enqueue(request, env, p, { kind: "renameList", list: p.list!, name: b.value.name });
};

const deleteList: Handler = async (request, env, p) => {
  const body = await readJsonBody(request, { optional: true });
  if (!body.ok) return body.response;
  const b = parseBody(SyncBody, body.value);
  if (!b.ok) return b.response;
  return enqueue(request, env, p, { kind: "deleteList", list: p.list! });
};

const readLists: Handler = async (_request, env, p) => {
  const called = await callUser(async () => {
    if (p.spaceId !== undefined) return await spaceStub(env, p.spaceId).readLists();
    const r = await env.ALEXA_USER.getByName(p.userId!).readLists();
    return r as unknown as Awaited<ReturnType<AlexaUser["readLists"]>>;
  });
  if (!called.ok) return called.response;
  const reply = called.value;
  switch (reply.outcome) {
    case "found":
      return json({ lists: reply.lists }, 200);
    case "not_found":
      return spaceNotFound();
    case "unknown_user":
      return jsonError(404, "USER_NOT_FOUND", "no request from this Alexa user has been seen");
    case "held_by_alexa":
      return jsonError(409, "LISTS_HELD_BY_ALEXA", "with ALEXA_LISTS=household Alexa holds the lists: POST /v1/users/{userId}/sync for a snapshot");
  }
};

const getOperation: Handler = async (_request, env, p) => {
  const called = await callUser(async (): Promise<GetOperationReply> => {
    if (p.spaceId !== undefined) {
      const r = (await spaceStub(env, p.spaceId).getOperation(p.opId!)) as GetOperationReply;
      // A user's skill messages are the Alexa user's operations, not the space's.
      if (r.outcome === "found" || p.userId === undefined) return r;
    }
    return (await env.ALEXA_USER.getByName(p.userId!).getOperation(p.opId!)) as unknown as GetOperationReply;
  });
  if (!called.ok) return called.response;
  const reply = called.value;
  switch (reply.outcome) {
    case "found":
      return json(reply.view, 200);
    case "unknown_user":
      return jsonError(404, "USER_NOT_FOUND", "no request from this Alexa user has been seen");
    case "not_found":
      return jsonError(404, "OPERATION_NOT_FOUND", "no such operation (finished operations are kept for 7 days)");
  }
};

type DeadLetterReply = { outcome: "unknown_user" | "not_found" } | { outcome: "found" | "done"; [k: string]: unknown };
type DeadLetterCall = "deadLetters" | "redriveDeadLetters" | "deleteDeadLetters";

/** The dead-letter routes: one RPC on the space's (or the user's) object each; 404 for an unknown space or user. */
function deadLetterRoute(call: DeadLetterCall, status: number): Handler {
  return async (_request, env, p) => {
    const called = await callUser(async () =>
      p.spaceId !== undefined ? ((await spaceStub(env, p.spaceId)[call]()) as DeadLetterReply) : ((await env.ALEXA_USER.getByName(p.userId!)[call]()) as DeadLetterReply),
    );
    if (!called.ok) return called.response;
    const { outcome, ...body } = called.value;
    if (outcome === "unknown_user") return jsonError(404, "USER_NOT_FOUND", "no request from this Alexa user has been seen");
    if (outcome === "not_found") return spaceNotFound();
    return json(body, status);
  };
}

const listDeadLetters = deadLetterRoute("deadLetters", 200);
const redriveDeadLetters = deadLetterRoute("redriveDeadLetters", 202);
const deleteDeadLetters = deadLetterRoute("deleteDeadLetters", 200);

function spaceNotFound(): Response {
  return jsonError(404, "SPACE_NOT_FOUND", "no such list space (never written to or linked, or deleted)");
}

/** `GET /v1/spaces/{spaceId}`: `{spaceId, kind, members: [{userId, appUserId, linkedAt}]}`. */
const describeSpace: Handler = async (_request, env, p) => {
  const called = await callUser(() => spaceStub(env, p.spaceId!).describe());
  if (!called.ok) return called.response;
  if (called.value.outcome === "not_found") return spaceNotFound();
  const { spaceId, kind, members } = called.value.view;
  return json({ spaceId, kind, members: members.map((m) => ({ userId: m.userId, appUserId: m.appUserId, linkedAt: new Date(m.linkedAt).toISOString() })) }, 200);
};

/** `DELETE /v1/spaces/{spaceId}`: erases the space for good (204; 404 when there was nothing). */
const deleteSpace: Handler = async (_request, env, p) => {
  const called = await callUser(() => spaceStub(env, p.spaceId!).eraseSpace());
  if (!called.ok) return called.response;
  return called.value.outcome === "erased" ? new Response(null, { status: 204 }) : spaceNotFound();
};

const USER_ROUTES: Route[] = [
  { pattern: ["users", ":userId", "lists"], methods: { GET: readLists, POST: createList } },
  { pattern: ["users", ":userId", "lists", ":list"], methods: { PATCH: renameList, DELETE: deleteList } },
  { pattern: ["users", ":userId", "lists", ":list", "items"], methods: { POST: createItem } },
  { pattern: ["users", ":userId", "lists", ":list", "items", ":itemRef"], methods: { PATCH: updateItem, DELETE: deleteItem } },
  { pattern: ["users", ":userId", "sync"], methods: { POST: requestSync } },
  { pattern: ["users", ":userId", "messages"], methods: { POST: sendMessage } },
  { pattern: ["users", ":userId", "operations", ":opId"], methods: { GET: getOperation } },
  { pattern: ["users", ":userId", "dead-letters"], methods: { GET: listDeadLetters, DELETE: deleteDeadLetters } },
  { pattern: ["users", ":userId", "dead-letters", "redrive"], methods: { POST: redriveDeadLetters } },
];

/**
 * `/v1/spaces/{spaceId}/…`: every list route of `/v1/users/{userId}/…` (skill
 * messages go to an Alexa user, not a space), plus the space itself.
 */
const SPACE_ROUTES: Route[] = [
  { pattern: ["spaces", ":spaceId"], methods: { GET: describeSpace, DELETE: deleteSpace } },
  ...USER_ROUTES.filter((r) => r.pattern[2] !== "messages").map((r) => ({ pattern: ["spaces", ":spaceId", ...r.pattern.slice(2)], methods: r.methods })),
];

const ROUTES: Route[] = [...USER_ROUTES, ...SPACE_ROUTES];

type Match = { route: Route; params: Params } | { error: Response } | null;

function match(segments: string[]): Match {
  outer: for (const route of ROUTES) {
    if (route.pattern.length !== segments.length) continue;
    const params: Params = {};
    for (let i = 0; i < segments.length; i++) {
      const want = route.pattern[i]!;
      const got = segments[i]!;
      if (!want.startsWith(":")) {
        if (want !== got) continue outer;
        continue;
      }
      let decoded: string;
      try {
        decoded = decodeURIComponent(got);
      } catch {
        return { error: jsonError(400, "INVALID_PARAMETER", `${want.slice(1)} is not valid percent-encoding`) };
      }
      params[want.slice(1)] = decoded;
    }
    for (const [name, value] of Object.entries(params)) {
      const r = v.safeParse(PARAM_SCHEMAS[name]!, value);
      if (!r.success) return { error: jsonError(400, "INVALID_PARAMETER", `${name} ${describeIssues(r.issues)}`) };
    }
    return { route, params };
  }
  return null;
}

/** An app user id as a path segment: a verified OAuth `sub` (RFC 7519: a string; 255 characters here, no control characters). */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const APP_USER_ID = /^[^\u0000-\u001f\u007f]{1,255}$/;

/**
 * `/v1/app-users/{appUserId}/…` as `/v1/users/{userId}/…`, through the
 * mapping that account linking keeps (src/linking); the same route table then
 * answers. 404 APP_USER_NOT_LINKED for an app user never linked (or whose
 * token was refused, or whose Alexa user was erased).
 */
async function resolveAppUser(env: Env, segments: string[]): Promise<{ ok: true; segments: string[]; spaceId: string | null } | { ok: false; response: Response }> {
  let appUserId: string;
  try {
    appUserId = decodeURIComponent(segments[1] ?? "");
  } catch {
    return { ok: false, response: jsonError(400, "INVALID_PARAMETER", "appUserId is not valid percent-encoding") };
  }
  if (!APP_USER_ID.test(appUserId)) {
    return { ok: false, response: jsonError(400, "INVALID_PARAMETER", "appUserId must be 1-255 characters without control characters") };
  }
  const called = await callUser(() => (env.APP_USERS.getByName(appUserId) as unknown as Pick<AppUserLink, "whereIs">).whereIs());
  if (!called.ok) return called;
  if (called.value === null) {
    return { ok: false, response: jsonError(404, "APP_USER_NOT_LINKED", "no Alexa user has linked this app user (with a verified token)") };
  }
  return { ok: true, segments: ["users", encodeURIComponent(called.value.userId), ...segments.slice(2)], spaceId: called.value.spaceId };
}

/**
 * With the skill store, `/v1/users/{userId}/…` list routes are served by the
 * user's current list space: the Alexa user's object names it (and, on a 0.2
 * user's first request, moves its lists there).
 */
async function resolveUserSpace(env: Env, userId: string): Promise<{ ok: true; spaceId: string } | { ok: false; response: Response }> {
  const called = await callUser(async () => (await env.ALEXA_USER.getByName(userId).currentSpace()) as { outcome: "found"; spaceId: string } | { outcome: "unknown_user" });
  if (!called.ok) return called;
  if (called.value.outcome === "unknown_user") return { ok: false, response: jsonError(404, "USER_NOT_FOUND", "no request from this Alexa user has been seen") };
  return { ok: true, spaceId: called.value.spaceId };
}

/**
 * Handles a request whose path starts with `/v1/`.
 * @example router.all("/v1/*", (req, env) => handleApi(req, env));
 */
export async function handleApi(request: Request, env: Env): Promise<Response> {
  // The contract (openapi.json, `npm run openapi`), public like any API reference.
  if (new URL(request.url).pathname === "/v1/openapi.json" && (request.method === "GET" || request.method === "HEAD")) {
    return json(openapi, 200, { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" });
  }
  if (listStoreKind(env) === null) {
    console.error(`api: not serving: ALEXA_LISTS must be skill or household (got ${JSON.stringify(env.ALEXA_LISTS)})`);
    return jsonError(503, "NOT_CONFIGURED", "ALEXA_LISTS must be skill or household");
  }
  const tokens = parseApiTokens(env.APP_API_TOKEN);
  const presented = bearerToken(request.headers.get("authorization"));
  if (presented === null) return unauthorized("send Authorization: Bearer <token>");
  if (!(await tokenMatches(presented, tokens))) return unauthorized("the bearer token is not valid");

  const path = new URL(request.url).pathname;
  let segments = path.split("/").slice(2); // "", "v1", ...
  if (segments.at(-1) === "") segments.pop(); // tolerate one trailing slash
  let linkedSpace: string | null = null;
  if (segments[0] === "app-users") {
    const resolved = await resolveAppUser(env, segments);
    if (!resolved.ok) return resolved.response;
    segments = resolved.segments;
    linkedSpace = resolved.spaceId;
  }
  const m = match(segments);
  if (m === null) return jsonError(404, "NOT_FOUND", `no route for ${path}`);
  if ("error" in m) return m.error;
  const handler = m.route.methods[request.method.toUpperCase()];
  if (!handler) {
    const res = jsonError(405, "METHOD_NOT_ALLOWED", `use ${Object.keys(m.route.methods).join(" or ")}`);
    res.headers.set("allow", Object.keys(m.route.methods).join(", "));
    return res;
  }
  if (m.params.userId !== undefined && segments[2] !== "messages" && listStoreKind(env) === "skill") {
    if (linkedSpace !== null) {
      m.params.spaceId = linkedSpace;
    } else {
      const space = await resolveUserSpace(env, m.params.userId);
      if (!space.ok) return space.response;
      m.params.spaceId = space.spaceId;
    }
  }
  return handler(request, env, m.params);
}
