/**
 * @module emulator/amazon-api
 * Amazon's HTTP surfaces, played on loopback: the certificate chain under
 * `/echo.api/`, Login with Amazon's token endpoint, the Skill Messaging API
 * and the List Management API. Errors use each service's own shape: LWA
 * `{error, error_description}`, messaging `{message}`, lists `{type, message}`
 * and `{Message}` for 403s (ask-sdk-model's `ForbiddenError`).
 */
import { formatAmazonDate } from "./amazon-date.ts";
import { type Household, type ItemRecord, ListApiError, type ListRecord } from "./household.ts";
import type { ListPermission, Person } from "./people.ts";
import { json, Router } from "./router.ts";
import { bearerToken, type TokenStore } from "./tokens.ts";

export const MESSAGING_SCOPE = "alexa:skill_messaging";
/** Amazon's documented bounds for `expiresAfterSeconds`. */
export const MESSAGE_EXPIRY_RANGE = { min: 60, max: 86_400, default: 3600 } as const;
/** Amazon's documented limit on the serialized `data`. */
export const MESSAGE_DATA_MAX_BYTES = 6 * 1024;

/** What the Amazon routes need from the emulator. */
export interface AmazonBackend {
  clientId: string;
  clientSecret: string;
  chainPem: string;
  lwaTokenTtlMs: number;
  lwaTokens: TokenStore<{ clientId: string; scope: string }>;
  apiTokens: TokenStore<{ userId: string }>;
  /** Amazon's docs say `data` keys and values must be strings; reject otherwise (default: warn only). */
  strictMessageData: boolean;
  /** The person currently enabled under `userId`, or null. */
  personByUserId(userId: string): Person | null;
  /** Queues `Messaging.MessageReceived`. */
  acceptMessage(person: Person, userId: string, data: unknown, expiresAfterSeconds: number): void;
  /** Adds a note to the call being served (shown in the call log). */
  note(req: Request, text: string): void;
}

/** Path of the chain the emulator serves (the `SignatureCertChainUrl` path). */
export const CERT_PATH = "/echo.api/echo-api-cert.pem";

/**
 * The routes, grouped by the API name used for faults and call counts.
 * @example const { lwa, messaging, lists, certs } = amazonRoutes(backend);
 */
export function amazonRoutes(b: AmazonBackend): { certs: Router; lwa: Router; messaging: Router; lists: Router } {
  const certs = new Router().on(
    "GET",
    "/echo.api/*",
    (_req, p) =>
      "/echo.api/" + p["*"] === CERT_PATH
        ? new Response(b.chainPem, { headers: { "content-type": "application/x-pem-file" } })
        : new Response("NoSuchKey", { status: 404 }),
  );
  const lwa = new Router().on("POST", "/auth/o2/token", (req) => token(b, req));
  const messaging = new Router().on("POST", "/v1/skillmessages/users/:userId", (req, p) => message(b, req, p.userId as string));
  const lists = listRoutes(b);
  return { certs, lwa, messaging, lists };
}

// ------------------------------------------------------------------ LWA

async function token(b: AmazonBackend, req: Request): Promise<Response> {
  const lwaError = (status: number, error: string, description: string): Response =>
    json({ error, error_description: description }, status);
  if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return lwaError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
  }
  const form = new URLSearchParams(await req.text());
  let clientId = form.get("client_id");
  let clientSecret = form.get("client_secret");
  const basic = req.headers.get("authorization")?.match(/^Basic\s+(\S+)$/i);
  if (basic) {
    const [id, ...secret] = atob(basic[1] as string).split(":");
    clientId = decodeURIComponent(id ?? "");
    clientSecret = decodeURIComponent(secret.join(":"));
  }
  if (form.get("grant_type") !== "client_credentials") {
    return lwaError(400, "unsupported_grant_type", "Only client_credentials is supported here");
  }
  if (clientId === null || clientSecret === null) {
    return lwaError(400, "invalid_request", "client_id and client_secret are required");
  }
  if (clientId !== b.clientId || clientSecret !== b.clientSecret) {
    return lwaError(401, "invalid_client", "Client authentication failed");
  }
  const scope = form.get("scope");
  if (scope === null || !scope.split(" ").includes(MESSAGING_SCOPE)) {
    return lwaError(400, "invalid_scope", `scope must be ${MESSAGING_SCOPE}`);
  }
  const { token } = b.lwaTokens.issue({ clientId, scope: MESSAGING_SCOPE }, b.lwaTokenTtlMs);
  return json({
    access_token: token,
    scope: MESSAGING_SCOPE,
    token_type: "bearer",
    expires_in: Math.floor(b.lwaTokenTtlMs / 1000),
  });
}

// ------------------------------------------------------------ messaging

async function message(b: AmazonBackend, req: Request, userId: string): Promise<Response> {
  const fail = (status: number, text: string): Response => json({ message: text }, status);
  const claims = b.lwaTokens.resolve(bearerToken(req.headers.get("authorization")));
  if (!claims) return fail(401, "The authentication token is invalid or expired.");
  let body: unknown;
  try {
    body = JSON.parse(await req.text());
  } catch {
    return fail(400, "The body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return fail(400, "The body must be a JSON object.");
  const { data, expiresAfterSeconds = MESSAGE_EXPIRY_RANGE.default } = body as Record<string, unknown>;
  if (typeof data !== "object" || data === null || Array.isArray(data)) return fail(400, '"data" must be a JSON object.');
  if (
    typeof expiresAfterSeconds !== "number" ||
    !Number.isInteger(expiresAfterSeconds) ||
    expiresAfterSeconds < MESSAGE_EXPIRY_RANGE.min ||
    expiresAfterSeconds > MESSAGE_EXPIRY_RANGE.max
  ) {
    return fail(400, `"expiresAfterSeconds" must be an integer from ${MESSAGE_EXPIRY_RANGE.min} to ${MESSAGE_EXPIRY_RANGE.max}.`);
  }
  if (new TextEncoder().encode(JSON.stringify(data)).length > MESSAGE_DATA_MAX_BYTES) {
    return fail(400, `"data" must not exceed ${MESSAGE_DATA_MAX_BYTES} bytes.`);
  }
  if (Object.values(data).some((v) => typeof v !== "string")) {
    const text = 'Amazon documents "data" as string keys and string values; this message has other values.';
    if (b.strictMessageData) return fail(400, text);
    b.note(req, `warning: ${text}`);
  }
  const person = b.personByUserId(userId);
  if (!person) return fail(404, "No enabled user with this id.");
  b.acceptMessage(person, userId, data, expiresAfterSeconds);
  return new Response(null, { status: 202 });
}

// ---------------------------------------------------------------- lists

/** Ids are path-safe by construction (emulator/ids), so hrefs carry them raw, as Amazon does. */
const PREFIX = "/v2/householdlists";

function listRoutes(b: AmazonBackend): Router {
  const r = new Router();
  const on = (
    method: string,
    pattern: string,
    permission: ListPermission,
    run: (h: Household, p: Record<string, string>, body: Record<string, unknown>) => Response,
  ): void => {
    r.on(method, PREFIX + pattern, async (req, p) => {
      const forbidden = (text: string): Response => json({ Message: text }, 403);
      const claims = b.apiTokens.resolve(bearerToken(req.headers.get("authorization")));
      const person = claims ? b.personByUserId(claims.userId) : null;
      if (!person?.enablement) return forbidden("Request is not authorized.");
      if (!person.enablement.permissions.has(permission)) {
        return forbidden(`The user has not granted list ${permission} permission.`);
      }
      let body: Record<string, unknown> = {};
      if (method === "POST" || method === "PUT") {
        try {
          const parsed: unknown = JSON.parse(await req.text());
          if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
          body = parsed as Record<string, unknown>;
        } catch {
          return json({ type: "INVALID_REQUEST", message: "The body must be a JSON object." }, 400);
        }
      }
      try {
        return run(person.household, p, body);
      } catch (e) {
        if (e instanceof ListApiError) return json({ type: e.type, message: e.message }, e.status);
        throw e;
      }
    });
  };

  on("GET", "/", "read", (h) => json({ lists: h.lists().map(listMetadata) }));
  on("POST", "/", "write", (h, _p, body) => json(listMetadata(h.createList(body)), 201));
  on("GET", "/:listId/:status", "read", (h, p) => {
    const status = p.status;
    if (status !== "active" && status !== "completed") {
      return json({ type: "INVALID_REQUEST", message: 'status must be "active" or "completed".' }, 400);
    }
    const list = h.list(p.listId as string);
    const items = [...list.items.values()].filter((i) => i.status === status).map((i) => itemJson(list.listId, i));
    return json({ listId: list.listId, name: list.name, state: list.state, version: list.version, items, links: {} });
  });
  on("PUT", "/:listId", "write", (h, p, body) => json(listMetadata(h.updateList(p.listId as string, body, true))));
  on("DELETE", "/:listId", "write", (h, p) => {
    h.deleteList(p.listId as string);
    return new Response(null, { status: 200 });
  });
  on("POST", "/:listId/items", "write", (h, p, body) =>
    json(itemJson(p.listId as string, h.createItem(p.listId as string, body)), 201),
  );
  on("GET", "/:listId/items/:itemId", "read", (h, p) =>
    json(itemJson(p.listId as string, h.item(p.listId as string, p.itemId as string))),
  );
  on("PUT", "/:listId/items/:itemId", "write", (h, p, body) =>
    json(itemJson(p.listId as string, h.updateItem(p.listId as string, p.itemId as string, body, true))),
  );
  on("DELETE", "/:listId/items/:itemId", "write", (h, p) => {
    h.deleteItem(p.listId as string, p.itemId as string);
    return new Response(null, { status: 200 });
  });
  return r;
}

function listMetadata(l: ListRecord): Record<string, unknown> {
  const statusMap = (["active", "completed"] as const).map((status) => {
    const href = `${PREFIX}/${l.listId}/${status}`;
    // Amazon's reference shows `href`; ask-sdk-model's `Status` type names it `url`: both are given.
    return { href, url: href, status };
  });
  return { listId: l.listId, name: l.name, state: l.state, version: l.version, statusMap };
}

function itemJson(listId: string, i: ItemRecord): Record<string, unknown> {
  return {
    id: i.id,
    version: i.version,
    value: i.value,
    status: i.status,
    createdTime: formatAmazonDate(i.createdAt),
    updatedTime: formatAmazonDate(i.updatedAt),
    href: `${PREFIX}/${listId}/items/${i.id}`,
  };
}
