/**
 * @module alexa/list-api
 * Client for the Alexa List Management API (`/v2/householdlists`). Pure: it is
 * given `fetch`, the user's `apiEndpoint` and the request's `apiAccessToken`.
 *
 * - Every response is validated; a body missing a required field is an
 *   `INVALID_RESPONSE` error rather than a half-filled object.
 * - Dates come back as ISO 8601 (the API's `"Sat Jul 22 10:41:04 UTC 2017"` is
 *   converted; an unreadable date becomes `null`, not an error).
 * - Ids are percent-encoded in paths: list ids are base64 and may hold `/ + =`.
 * - Deletes are idempotent here (404 = already gone), though Amazon's are not.
 * - `updateItem` hides the API's full-replacement PUT: missing fields and the
 *   version are read first, and a version conflict (409) is retried once with a
 *   fresh read. It never retries anything else: 429/5xx/timeouts come back as
 *   `retryable` errors and the caller (outbox, sync) decides when to retry.
 * - `getList` follows `links.next` pages, only on the same origin (the bearer
 *   token must not leak to another host), and at most {@link MAX_PAGES} pages.
 */
import type { services } from "ask-sdk-model";
import { parseRetryAfter } from "../util/backoff.ts";
import { AmazonApiError, type TransientAmazonErrorCode } from "./amazon-error.ts";
import { amazonErrorMessage, apiCall, joinEndpoint, type ApiOutcome } from "./api-call.ts";
import { alexaDateToIso } from "./dates.ts";
import { defaultListKind } from "./list-ids.ts";

export interface ListItem {
  id: string;
  value: string;
  status: "active" | "completed";
  version: number;
  /** ISO 8601, or null when Amazon sent none or an unreadable one. */
  createdTime: string | null;
  updatedTime: string | null;
  href?: string;
}

export interface ListMetadata {
  listId: string;
  name: string;
  state: "active" | "archived";
  version: number;
  /** Alexa's default lists, recognised from the id. */
  defaultKind: "todo" | "shopping" | null;
  statusMap?: { href: string; status: string }[];
}

export interface ListWithItems extends ListMetadata {
  items: ListItem[];
}

export interface ListApiOptions {
  fetch: typeof fetch;
  /** e.g. `https://api.amazonalexa.com`, from the request's `context.System.apiEndpoint`. */
  apiEndpoint: string;
  /** The request's `context.System.apiAccessToken`. */
  accessToken: string;
  /** Per HTTP exchange, headers and body. Default 8000. */
  timeoutMs?: number;
  /** Clock for `Retry-After` dates. Default `Date.now`. */
  now?: () => number;
}

export interface ListApi {
  /** `GET /v2/householdlists/`. */
  getListsMetadata(): Promise<ListMetadata[]>;
  /** `POST /v2/householdlists/` (201). */
  createList(name: string, state?: "active"): Promise<ListMetadata>;
  /** `GET /v2/householdlists/{listId}/{status}`, all pages. */
  getList(listId: string, status: "active" | "completed"): Promise<ListWithItems>;
  /** `PUT /v2/householdlists/{listId}` (409 on a stale version → CONFLICT). */
  updateList(listId: string, update: { name: string; state: "active" | "archived"; version: number }): Promise<ListMetadata>;
  /** `DELETE /v2/householdlists/{listId}`; 404 counts as done. */
  deleteList(listId: string): Promise<void>;
  /** `POST /v2/householdlists/{listId}/items` (201). Not idempotent: identical calls create identical items. */
  createItem(listId: string, item: { value: string; status?: "active" | "completed" }): Promise<ListItem>;
  /** `GET /v2/householdlists/{listId}/items/{itemId}`. */
  getItem(listId: string, itemId: string): Promise<ListItem>;
  /**
   * `PUT /v2/householdlists/{listId}/items/{itemId}` with the full item: missing
   * fields and version are read first; on 409 the version is re-read and the PUT
   * retried once, then CONFLICT.
   */
  updateItem(
    listId: string,
    itemId: string,
    update: { value?: string; status?: "active" | "completed"; version?: number },
  ): Promise<ListItem>;
  /**
   * `DELETE /v2/householdlists/{listId}/items/{itemId}`; 404 counts as done.
   * Resolves `true` when the item was deleted, `false` when it was not on that
   * list (404: deleted already, or moved to another list, which keeps its id).
   */
  deleteItem(listId: string, itemId: string): Promise<boolean>;
}

export type ListApiErrorCode =
  | TransientAmazonErrorCode
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "BAD_REQUEST"
  | "INVALID_RESPONSE";

/**
 * A failed List API call. `retryable` is true for 429, 5xx, timeouts and
 * network failures; `retryAfterMs` carries Amazon's `Retry-After` when sent.
 * @example
 * try { await api.createItem(listId, { value: "milk" }); }
 * catch (e) { if (e instanceof ListApiError && e.retryable) scheduleRetry(e.retryAfterMs); else throw e; }
 */
export class ListApiError extends AmazonApiError<ListApiErrorCode> {
  override readonly name = "ListApiError";
}

/** Upper bound on `links.next` pages followed by `getList`. */
export const MAX_PAGES = 50;

const BASE = "/v2/householdlists";

/**
 * Creates a client bound to one user's endpoint and access token. Throws a
 * TypeError when `apiEndpoint` is not an http(s) URL.
 * @example
 * const api = createListApi({ fetch, apiEndpoint: system.apiEndpoint, accessToken: system.apiAccessToken });
 * const lists = await api.getListsMetadata();
 * const shopping = lists.find((l) => l.defaultKind === "shopping");
 * if (shopping) await api.createItem(shopping.listId, { value: "milk" });
 */
export function createListApi(opts: ListApiOptions): ListApi {
  const root = joinEndpoint(opts.apiEndpoint, "");
  const origin = new URL(root).origin;
  const timeoutMs = opts.timeoutMs ?? 8000;
  const now = opts.now ?? Date.now;
  const enc = encodeURIComponent;

  const call = async (method: string, url: string, body?: unknown): Promise<ApiOutcome & { kind: "response" }> => {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${opts.accessToken}`,
      Accept: "application/json",
      "Content-Type": "application/json",
    };
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const out = await apiCall(opts.fetch, url, init, timeoutMs);
    if (out.kind === "timeout") throw new ListApiError("TIMEOUT", `${method} ${describe(url)}: timed out after ${out.timeoutMs} ms`);
    if (out.kind === "network") throw new ListApiError("NETWORK", `${method} ${describe(url)}: ${out.message}`);
    return out;
  };

  /** Calls and returns the JSON of a 2xx answer; any other status becomes a ListApiError. */
  const callOk = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const url = root + path;
    const res = await call(method, url, body);
    if (res.status >= 200 && res.status < 300) return res.json;
    throw errorFor(method, url, res, now());
  };

  /** DELETE where "already gone" is success; `false` when it was gone (404). */
  const deleteIdempotent = async (path: string): Promise<boolean> => {
    const url = root + path;
    const res = await call("DELETE", url);
    if (res.status >= 200 && res.status < 300) return true;
    if (res.status === 404) return false;
    throw errorFor("DELETE", url, res, now());
  };

  const getItem = async (listId: string, itemId: string): Promise<ListItem> =>
    toItem(await callOk("GET", `${BASE}/${enc(listId)}/items/${enc(itemId)}`));

  return {
    async getListsMetadata() {
      const body = await callOk("GET", `${BASE}/`);
      const lists = (body as services.listManagement.AlexaListsMetadata | undefined)?.lists;
      if (!Array.isArray(lists)) throw invalid("lists metadata without a `lists` array");
      return lists.map(toMetadata);
    },

    async createList(name, state = "active") {
      const req: services.listManagement.CreateListRequest = { name, state };
      return toMetadata(await callOk("POST", `${BASE}/`, req));
    },

    async getList(listId, status) {
      if (status !== "active" && status !== "completed") {
        throw new ListApiError("BAD_REQUEST", `list status must be "active" or "completed", got ${String(status)}`);
      }
      const first = await callOk("GET", `${BASE}/${enc(listId)}/${status}`);
      const list = toListWithItems(first);
      const seen = new Set<string>();
      let next = nextLink(first);
      for (let page = 1; next !== null; page++) {
        if (page >= MAX_PAGES) throw invalid(`list ${listId} has more than ${MAX_PAGES} pages`);
        const url = new URL(next, `${root}/`);
        if (url.origin !== origin) throw invalid(`next link points to another origin: ${url.origin}`);
        if (seen.has(url.href)) throw invalid("next links loop");
        seen.add(url.href);
        const res = await call("GET", url.href);
        if (res.status < 200 || res.status >= 300) throw errorFor("GET", url.href, res, now());
        list.items.push(...itemsOf(res.json));
        next = nextLink(res.json);
      }
      return list;
    },

    async updateList(listId, update) {
      const req: services.listManagement.UpdateListRequest = {
        name: update.name,
        state: update.state,
        version: update.version,
      };
      return toMetadata(await callOk("PUT", `${BASE}/${enc(listId)}`, req));
    },

    deleteList: async (listId) => void (await deleteIdempotent(`${BASE}/${enc(listId)}`)),

    async createItem(listId, item) {
      const req: services.listManagement.CreateListItemRequest = { value: item.value, status: item.status ?? "active" };
      return toItem(await callOk("POST", `${BASE}/${enc(listId)}/items`, req));
    },

    getItem,

    async updateItem(listId, itemId, update) {
      const path = `${BASE}/${enc(listId)}/items/${enc(itemId)}`;
      const put = (current: ListItem | null, version: number): ReturnType<typeof call> => {
        const req: services.listManagement.UpdateListItemRequest = {
          value: update.value ?? current?.value,
          status: update.status ?? current?.status,
          version,
        };
        return call("PUT", root + path, req);
      };

      const complete = update.value !== undefined && update.status !== undefined && update.version !== undefined;
      let current = complete ? null : await getItem(listId, itemId);
      let res = await put(current, update.version ?? current!.version);
      if (res.status === 409) {
        // Someone changed the item since our version: fields the caller did not
        // set take the fresh values, so we only overwrite what we meant to.
        current = await getItem(listId, itemId);
        res = await put(current, current.version);
      }
      if (res.status >= 200 && res.status < 300) return toItem(res.json);
      throw errorFor("PUT", root + path, res, now());
    },

    deleteItem: (listId, itemId) => deleteIdempotent(`${BASE}/${enc(listId)}/items/${enc(itemId)}`),
  };
}

function errorFor(method: string, url: string, res: ApiOutcome & { kind: "response" }, nowMs: number): ListApiError {
  const status = res.status;
  const where = `${method} ${describe(url)}`;
  const message = `${where}: ${status} ${amazonErrorMessage(res.json, res.text, status)}`;
  const code: ListApiErrorCode =
    status === 400
      ? "BAD_REQUEST"
      : status === 401
        ? "UNAUTHORIZED"
        : status === 403
          ? "FORBIDDEN"
          : status === 404
            ? "NOT_FOUND"
            : status === 409
              ? "CONFLICT"
              : status === 429
                ? "RATE_LIMITED"
                : status >= 500
                  ? "SERVER_ERROR"
                  : status >= 400
                    ? "BAD_REQUEST"
                    : "INVALID_RESPONSE"; // 1xx/3xx: nothing we asked for
  const retryAfterMs = code === "RATE_LIMITED" || code === "SERVER_ERROR"
    ? parseRetryAfter(res.headers.get("retry-after"), nowMs)
    : null;
  return new ListApiError(code, message, retryAfterMs === null ? { status } : { status, retryAfterMs });
}

/** The path only: query strings (next tokens) stay out of error messages. */
function describe(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function invalid(what: string): ListApiError {
  return new ListApiError("INVALID_RESPONSE", `invalid List API response: ${what}`);
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalid(`${what} is not an object`);
  return v as Record<string, unknown>;
}

function str(o: Record<string, unknown>, key: string, what: string, nonEmpty = false): string {
  const v = o[key];
  if (typeof v !== "string" || (nonEmpty && v === "")) throw invalid(`${what} without a valid \`${key}\``);
  return v;
}

/** Versions are numbers; a numeric string is tolerated (it is unambiguous). */
function version(o: Record<string, unknown>, what: string): number {
  const v = o.version;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) throw invalid(`${what} without a valid \`version\``);
  return n;
}

function oneOf<T extends string>(o: Record<string, unknown>, key: string, allowed: readonly T[], what: string): T {
  const v = o[key];
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw invalid(`${what} has ${key} ${JSON.stringify(v)}`);
  }
  return v as T;
}

function toItem(v: unknown): ListItem {
  const o = record(v, "item");
  const item: ListItem = {
    id: str(o, "id", "item", true),
    value: str(o, "value", "item"),
    status: oneOf(o, "status", ["active", "completed"] as const, "item"),
    version: version(o, "item"),
    createdTime: alexaDateToIso(o.createdTime),
    updatedTime: alexaDateToIso(o.updatedTime),
  };
  if (typeof o.href === "string") item.href = o.href;
  return item;
}

function toMetadata(v: unknown): ListMetadata {
  const o = record(v, "list");
  const listId = str(o, "listId", "list", true);
  const meta: ListMetadata = {
    listId,
    name: str(o, "name", "list"),
    state: oneOf(o, "state", ["active", "archived"] as const, "list"),
    version: version(o, "list"),
    defaultKind: defaultListKind(listId),
  };
  if (Array.isArray(o.statusMap)) {
    // Amazon's docs say `href`, the SDK model says `url`: accept either, and
    // drop entries that carry neither (the map is informational).
    meta.statusMap = (o.statusMap as unknown[]).flatMap((e) => {
      if (typeof e !== "object" || e === null) return [];
      const s = e as Record<string, unknown>;
      const href = typeof s.href === "string" ? s.href : typeof s.url === "string" ? s.url : null;
      return href !== null && typeof s.status === "string" ? [{ href, status: s.status }] : [];
    });
  }
  return meta;
}

function itemsOf(v: unknown): ListItem[] {
  const items = record(v, "list").items;
  // A page without items (an empty list) may omit the array.
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw invalid("list `items` is not an array");
  return items.map(toItem);
}

function toListWithItems(v: unknown): ListWithItems {
  return { ...toMetadata(v), items: itemsOf(v) };
}

function nextLink(v: unknown): string | null {
  const links = (v as services.listManagement.AlexaList | undefined)?.links;
  const next = typeof links === "object" && links !== null ? links.next : undefined;
  return typeof next === "string" && next.trim() !== "" ? next.trim() : null;
}
