/**
 * @module mcp/schemas
 * The MCP tools' arguments and results as valibot schemas: one source for the
 * `inputSchema` / `outputSchema` that `tools/list` publishes (JSON Schema
 * 2020-12, converted by @valibot/to-json-schema exactly as the OpenAPI
 * contract is, scripts/openapi/document.ts) and for checking a call's
 * arguments before anything is read. The limits are the skill store's
 * (src/voice/types.ts `LIMITS`), so a call the schema accepts is one the
 * store can take, apart from the list's own room.
 */
import { toJsonSchema, type JsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { LIMITS } from "../voice/types.ts";

/** Items one call may name (a list holds at most LIMITS.maxItemsPerList). */
export const MAX_ITEMS_PER_CALL = 100;

const listRef = (what: string) => v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxListNameLength * 2), v.description(what));
const optionalListRef = (what: string) => v.optional(listRef(what));
const listName = (what: string) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(LIMITS.maxListNameLength), v.description(what));
const items = (what: string) =>
  v.pipe(
    v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(LIMITS.maxValueLength))),
    v.minLength(1),
    v.maxLength(MAX_ITEMS_PER_CALL),
    v.description(what),
  );

const LIST_WORDS = "`shopping`, `to-do`, or a list's name as the person said it";

export const ItemsArgs = v.object({
  items: items("The items, one per entry, as the person said them (\"milk\", \"oat milk\"). An entry like \"milk, eggs and bread\" is split the way Alexa splits what it hears."),
  list: optionalListRef(`Which list: ${LIST_WORDS}. Leave it out for the shopping list (add) or for every list (remove, check off, uncheck).`),
});
export const ListArgs = v.object({ list: optionalListRef(`Which list: ${LIST_WORDS}. Leave it out for the shopping list.`) });
export const RequiredListArgs = v.object({ list: listRef(`Which list: its name as the person said it.`) });
export const NoArgs = v.object({});
export const CreateListArgs = v.object({ name: listName("The new list's name, e.g. \"Hardware store\".") });
export const RenameListArgs = v.object({ list: listRef("The list to rename: its name as the person said it."), name: listName("Its new name.") });

const names = (what: string) => v.pipe(v.array(v.string()), v.description(what));
const message = v.pipe(v.string(), v.description("What happened, as one or two sentences a person can hear."));
const listLabel = v.pipe(v.string(), v.description("The list's name."));

export const AddResult = v.object({
  list: listLabel,
  added: names("Items now on the list that were not there."),
  putBack: names("Items that were there checked off and are active again."),
  alreadyThere: names("Items that were already on the list, left as they were."),
  message,
});
export const RemoveResult = v.object({ list: listLabel, removed: names("Items taken off the list."), notFound: names("Named items the list does not hold."), message });
export const CheckOffResult = v.object({
  list: listLabel,
  checkedOff: names("Items now checked off."),
  alreadyCheckedOff: names("Items that were checked off before."),
  notFound: names("Named items the list does not hold."),
  message,
});
export const UncheckResult = v.object({
  list: listLabel,
  unchecked: names("Items active again."),
  notCheckedOff: names("Items that were not checked off."),
  notFound: names("Named items the list does not hold."),
  message,
});
export const ReadResult = v.object({
  list: listLabel,
  active: names("Items still to do or buy, oldest first."),
  completed: names("Items checked off, oldest first."),
  message,
});
export const ListsResult = v.object({
  lists: v.array(
    v.object({
      name: v.string(),
      kind: v.pipe(v.picklist(["shopping", "todo", "custom"]), v.description("`shopping` and `todo` are the two lists everyone has; they cannot be renamed or deleted.")),
      active: v.pipe(v.number(), v.integer()),
      completed: v.pipe(v.number(), v.integer()),
    }),
  ),
  message,
});
export const ListResult = v.object({ list: listLabel, message });
export const RenameResult = v.object({ list: listLabel, previousName: v.string(), message });
export const DeleteResult = v.object({ list: listLabel, itemsDeleted: v.pipe(v.number(), v.integer()), message });
export const ClearResult = v.object({ list: listLabel, cleared: names("The checked-off items removed."), message });
export const UndoResult = v.object({ message });

/** A valibot object schema of this module. */
export type ObjectSchema = v.ObjectSchema<v.ObjectEntries, undefined>;

const converted = new WeakMap<object, JsonSchema>();

/**
 * A schema as JSON Schema 2020-12, converted once per isolate. `$schema` is
 * dropped (MCP's default dialect is 2020-12) and `type: object` is kept, as
 * MCP requires for both input and output schemas.
 * @example jsonSchemaOf(ItemsArgs).properties.items.type // "array"
 */
export function jsonSchemaOf(schema: ObjectSchema): { type: "object"; [key: string]: unknown } {
  let json = converted.get(schema);
  if (!json) {
    json = toJsonSchema(schema, { target: "draft-2020-12", errorMode: "ignore" });
    converted.set(schema, json);
  }
  const { $schema: _dialect, ...rest } = json as Record<string, unknown>;
  return { ...rest, type: "object" };
}
