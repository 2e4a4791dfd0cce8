/**
 * @module routes/api/schemas
 * valibot schemas of the REST API's path parameters and bodies, and their
 * mapping to outbox operations (`BridgeOperation`). Bodies are strict objects:
 * an unknown field is a 400, so a typo (`"stauts"`) cannot silently do
 * nothing.
 *
 * Limits: item values and ids at most 256 characters (Alexa's list item
 * limit); a raw message's `data` such that the skill message carrying it
 * (bridge envelope included, `bridgeMessageBytes`) stays within
 * `MAX_SKILL_MESSAGE_DATA_BYTES` (Skill Messaging caps the payload).
 */
import * as v from "valibot";
import {
  bridgeMessageBytes,
  MAX_SKILL_MESSAGE_DATA_BYTES,
  type BridgeOperation,
  type ItemStatus,
} from "../../protocol/bridge-message.ts";
import { MAX_EXPIRES_AFTER_S, MIN_EXPIRES_AFTER_S } from "../../shared/outbox/policy.ts";
import { LIMITS } from "../../voice/types.ts";

/** An operation id as long as the outbox makes them (`op_` + 32 hex), for sizing. */
const SIZING_OP_ID = `op_${"0".repeat(32)}`;
/** Alexa's longest item value. */
export const MAX_VALUE_LENGTH = 256;

/** No C0 control characters or DEL (they break logs and Alexa's display). */
function noControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}

/** `amzn1.ask.account.…` in practice; any short id of URL-safe characters is accepted. */
export const UserIdSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9._-]{1,512}$/, "must be an Alexa user id (letters, digits, '.', '_', '-')"),
);
/** A list space id: a linked space's claim value (e.g. the app's user or household id) or `personal-…` (src/space/space-id.ts). */
export const SpaceIdSchema = v.pipe(
  v.string(),
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  v.regex(/^[^\u0000-\u001f\u007f]{1,255}$/, "must be 1-255 characters without control characters"),
);
/** `shopping`, `todo`, or an Alexa list id (base64). */
export const ListSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9+/=._-]{1,512}$/, "must be 'shopping', 'todo' or an Alexa list id"),
);
/** The app's item id or an Alexa item id. */
export const ItemRefSchema = v.pipe(
  v.string(),
  v.minLength(1, "must not be empty"),
  v.maxLength(MAX_VALUE_LENGTH, `must be at most ${MAX_VALUE_LENGTH} characters`),
  v.check(noControl, "must not contain control characters"),
);
export const OperationIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,100}$/, "is not an operation id"));
/** `Idempotency-Key`: printable ASCII, at most 255 characters. */
export const IdempotencyKeySchema = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e][\x20-\x7e]{0,254}$/, "must be 1-255 printable ASCII characters"),
);

const Value = v.pipe(
  v.string("must be a string"),
  v.check((s) => s.trim() !== "", "must not be blank"),
  v.maxLength(MAX_VALUE_LENGTH, `must be at most ${MAX_VALUE_LENGTH} characters`),
  v.check(noControl, "must not contain control characters"),
);
const Status = v.picklist(["active", "completed"], "must be 'active' or 'completed'");

export const CreateItemBody = v.strictObject({
  value: Value,
  status: v.optional(Status),
  appItemId: v.optional(ItemRefSchema),
});

export const UpdateItemBody = v.pipe(
  v.strictObject({ value: v.optional(Value), status: v.optional(Status) }),
  v.check((b) => b.value !== undefined || b.status !== undefined, "give at least one of value, status"),
);

export const SyncBody = v.strictObject({});

/** A list's name (skill store): at most 100 characters, as the store allows. */
export const ListNameBody = v.strictObject({
  name: v.pipe(
    v.string("must be a string"),
    v.check((s) => s.trim() !== "", "must not be blank"),
    v.maxLength(LIMITS.maxListNameLength, `must be at most ${LIMITS.maxListNameLength} characters`),
    v.check(noControl, "must not contain control characters"),
  ),
});

/** The keys of the bridge's message envelope (src/protocol/bridge-message.ts): a raw message's `data` may not use them. */
export const RESERVED_MESSAGE_KEYS = ["alb", "opId", "op"] as const;

export const MessageBody = v.strictObject({
  data: v.pipe(
    // Not v.record: it accepts arrays, and Skill Messaging wants an object.
    v.custom<Record<string, unknown>>(
      (d) => typeof d === "object" && d !== null && !Array.isArray(d),
      "must be a JSON object",
    ),
    // The bridge's own marker keys: a message carrying them could pass for a bridge operation.
    v.check(
      (d) => !RESERVED_MESSAGE_KEYS.some((k) => Object.hasOwn(d, k)),
      `must not use the bridge's reserved keys (${RESERVED_MESSAGE_KEYS.join(", ")})`,
    ),
    v.check(
      (d) => bridgeMessageBytes({ opId: SIZING_OP_ID, op: { kind: "message", data: d } }) <= MAX_SKILL_MESSAGE_DATA_BYTES,
      `is too large: the skill message carrying it must stay within ${MAX_SKILL_MESSAGE_DATA_BYTES} bytes`,
    ),
  ),
  expiresAfterSeconds: v.optional(
    v.pipe(
      v.number("must be a number"),
      v.integer("must be an integer"),
      v.minValue(MIN_EXPIRES_AFTER_S, `must be at least ${MIN_EXPIRES_AFTER_S}`),
      v.maxValue(MAX_EXPIRES_AFTER_S, `must be at most ${MAX_EXPIRES_AFTER_S}`),
    ),
  ),
});

/** One problem with a request body: where (a dot path; `""` is the body itself) and what, in plain words. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Each problem valibot found, in plain words: a missing field is `required`, a
 * field the body may not have is `unknown field`, a body that is not a JSON
 * object says so; the rest carry the schema's own message (`must not be
 * blank`, `must be at most 256 characters`…). At most 20 (the rest are left out).
 * @example issueFields(v.safeParse(CreateItemBody, { valu: "x" }).issues!) // [{path:"value",message:"required"},{path:"valu",message:"unknown field"}]
 */
export function issueFields(issues: readonly v.BaseIssue<unknown>[]): FieldIssue[] {
  return issues.slice(0, 20).map((i) => ({ path: v.getDotPath(i) ?? "", message: plainMessage(i) }));
}

function plainMessage(i: v.BaseIssue<unknown>): string {
  const objectKind = i.type === "strict_object" || i.type === "object" || i.type === "loose_object";
  if (objectKind && i.path?.length) {
    if (i.expected === "never") return "unknown field";
    if (i.received === "undefined") return "required";
  }
  if (objectKind && !i.path?.length) return "must be a JSON object";
  return i.message;
}

/**
 * One readable sentence for the first problems valibot found.
 * @example describeIssues(result.issues) // "value: must not be blank"
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issueFields(issues)
    .slice(0, 5)
    .map((f) => (f.path ? `${f.path}: ${f.message}` : f.message))
    .join("; ");
}

/**
 * The create operation for a validated body.
 * @example createOp("shopping", { value: "milk" }) // { kind: "create", list: "shopping", value: "milk" }
 */
export function createOp(list: string, b: v.InferOutput<typeof CreateItemBody>): BridgeOperation {
  return {
    kind: "create",
    list,
    value: b.value,
    ...(b.status ? { status: b.status } : {}),
    ...(b.appItemId ? { appItemId: b.appItemId } : {}),
  };
}

/**
 * The operation for a PATCH: `{status: "completed"}` alone is a `complete`,
 * anything else an `update`.
 * @example updateOp("todo", "a1", { status: "completed" }) // { kind: "complete", list: "todo", itemRef: "a1" }
 */
export function updateOp(list: string, itemRef: string, b: v.InferOutput<typeof UpdateItemBody>): BridgeOperation {
  if (b.value === undefined && b.status === "completed") return { kind: "complete", list, itemRef };
  const status: ItemStatus | undefined = b.status;
  return {
    kind: "update",
    list,
    itemRef,
    ...(b.value !== undefined ? { value: b.value } : {}),
    ...(status ? { status } : {}),
  };
}
