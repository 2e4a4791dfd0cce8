/**
 * @module emulator/control-api
 * The emulator's control API under `/_control/`: what people do in the Alexa
 * app (enable, link, grant, edit lists), what they say to the skill (voice),
 * fault injection, the clock skew, and what happened (deliveries to the
 * skill, voice turns, calls to Amazon). JSON in and out;
 * errors are `{error, message}`. The CLI (emulator/cli) is a thin client.
 * Local only: no authentication, listen on loopback.
 */
import type { AlexaEmulator } from "./emulator.ts";
import { type AmazonApi, AMAZON_APIS, parseDeliveryFault, parseEndpointFault } from "./faults.ts";
import { ListApiError } from "./household.ts";
import { claimsProblem } from "./oauth.ts";
import { itemView, LIST_PERMISSIONS, type ListPermission, listView } from "./people.ts";
import { answer, HttpError, json, jsonError, type Params, readJsonObject, Router } from "./router.ts";

type Emu = AlexaEmulator;

/**
 * @example const control = controlRoutes(emulator); await control.handle(req);
 */
export function controlRoutes(emu: Emu): Router {
  const r = new Router();
  const on = jsonRoutes(r, "/_control");
  const name = (p: Params): string => p.name as string;

  on("GET", "/health", () => ({ ok: true }));
  on("GET", "/state", () => ({
    skill: {
      skillId: emu.skillId,
      clientId: emu.clientId,
      endpoint: emu.skillEndpoint,
      apiEndpoint: emu.origin,
      certUrl: emu.certUrl,
    },
    people: emu.people(),
    retry: emu.retry,
    skewMs: emu.skewMs,
    faults: { endpoint: emu.endpointFaults.list(), delivery: emu.deliveryFaults.list() },
    callCounts: emu.callCounts(),
  }));
  on("GET", "/ca.pem", () => new Response(emu.rootPem, { headers: { "content-type": "application/x-pem-file" } }));
  on("PUT", "/skill", (b) => {
    emu.skillEndpoint = requireUrl(b.endpoint, "endpoint");
    return { endpoint: emu.skillEndpoint };
  });

  on("GET", "/people", () => emu.people());
  on("POST", "/people", (b) => emu.addPerson(requireString(b.name, "name")), 201);
  on("GET", "/people/:name", (_b, p) => emu.person(name(p)));
  on("POST", "/people/:name/enable", (b, p) => emu.enable(name(p), { permissions: permissions(b.permissions, "permissions") }));
  on("POST", "/people/:name/disable", (_b, p) => emu.disable(name(p)));
  // `{sub?, claims?, expired?, foreign?}`: a JWT of the emulator's OAuth server; `{accessToken}`: that token as is.
  on("POST", "/people/:name/link", (b, p) =>
    b.accessToken !== undefined
      ? emu.link(name(p), requireString(b.accessToken, "accessToken"))
      : emu.linkAppUser(name(p), {
          ...(b.sub === undefined ? {} : { sub: requireString(b.sub, "sub") }),
          ...(b.claims === undefined ? {} : { claims: claims(b.claims) }),
          ...(b.expired === true ? { kind: "expired" as const } : b.foreign === true ? { kind: "foreign" as const } : {}),
        }),
  );
  on("POST", "/oauth/rotate", async () => ({ kid: await emu.oauth.rotate() }));
  on("POST", "/people/:name/permissions", (b, p) =>
    emu.setPermissions(name(p), { grant: permissions(b.grant, "grant"), revoke: permissions(b.revoke, "revoke") }),
  );

  on("POST", "/people/:name/say", (b, p) =>
    emu.say(name(p), requireString(b.text, "text"), b.locale === undefined ? {} : { locale: requireString(b.locale, "locale") }),
  );
  on("GET", "/people/:name/session", (_b, p) => ({ session: emu.voiceSession(name(p)) }));
  on("DELETE", "/people/:name/session", async (_b, p) => {
    const turn = await emu.endSession(name(p));
    return { ended: turn !== null, ...(turn ? { turn } : {}) };
  });
  on("GET", "/voice", (_b, _p, url) => {
    const person = url.searchParams.get("person");
    return emu.voiceLog({ ...(person ? { person } : {}), limit: limit(url.searchParams.get("limit")) });
  });

  on("GET", "/people/:name/lists", (_b, p) => emu.lists(name(p)).map(listView));
  on("POST", "/people/:name/lists", (b, p) => listView(emu.createList(name(p), requireString(b.name, "name"))), 201);
  on("GET", "/people/:name/lists/:list", (_b, p) => listView(emu.list(name(p), p.list as string)));
  on("PATCH", "/people/:name/lists/:list", (b, p) =>
    listView(
      emu.updateList(name(p), p.list as string, {
        ...(b.name === undefined ? {} : { name: requireString(b.name, "name") }),
        ...(b.state === undefined ? {} : { state: oneOf(b.state, "state", ["active", "archived"] as const) }),
      }),
    ),
  );
  on("DELETE", "/people/:name/lists/:list", (_b, p) => emu.deleteList(name(p), p.list as string));
  on(
    "POST",
    "/people/:name/lists/:list/items",
    (b, p) =>
      itemView(
        emu.addItem(
          name(p),
          p.list as string,
          requireString(b.value, "value"),
          b.status === undefined ? undefined : oneOf(b.status, "status", ["active", "completed"] as const),
        ),
      ),
    201,
  );
  on("PATCH", "/people/:name/lists/:list/items/:item", (b, p) =>
    itemView(
      emu.updateItem(name(p), p.list as string, p.item as string, {
        ...(b.value === undefined ? {} : { value: requireString(b.value, "value") }),
        ...(b.status === undefined ? {} : { status: oneOf(b.status, "status", ["active", "completed"] as const) }),
      }),
    ),
  );
  on("DELETE", "/people/:name/lists/:list/items/:item", (_b, p) => emu.deleteItem(name(p), p.list as string, p.item as string));
  on("POST", "/people/:name/lists/:list/items/:item/move", (b, p) =>
    itemView(emu.moveItem(name(p), p.list as string, p.item as string, requireString(b.to, "to"))),
  );

  on("GET", "/deliveries", (_b, _p, url) => {
    const q = url.searchParams;
    return emu.deliveries.list({
      ...(q.get("person") ? { person: q.get("person") as string } : {}),
      ...(q.get("userId") ? { userId: q.get("userId") as string } : {}),
      ...(q.get("type") ? { type: q.get("type") as string } : {}),
      limit: limit(q.get("limit")),
    });
  });
  on("GET", "/deliveries/:id", (_b, p) => emu.deliveries.get(p.id as string) ?? jsonError(404, "NOT_FOUND", "No such delivery."));
  on("GET", "/calls", (_b, _p, url) => {
    const api = url.searchParams.get("api");
    if (api !== null && !(AMAZON_APIS as readonly string[]).includes(api)) {
      throw new HttpError(jsonError(400, "BAD_REQUEST", `api must be one of ${AMAZON_APIS.join(", ")}`));
    }
    return {
      counts: emu.callCounts(),
      calls: emu.calls({ ...(api ? { api: api as AmazonApi } : {}), limit: limit(url.searchParams.get("limit")) }),
    };
  });

  on("GET", "/faults", () => ({ endpoint: emu.endpointFaults.list(), delivery: emu.deliveryFaults.list() }));
  on("POST", "/faults", (b) => emu.endpointFaults.add(valid(parseEndpointFault(b))), 201);
  on("POST", "/delivery-faults", (b) => emu.deliveryFaults.add(valid(parseDeliveryFault(b))), 201);
  on("DELETE", "/faults", () => {
    emu.endpointFaults.clear();
    emu.deliveryFaults.clear();
  });
  on("DELETE", "/faults/:id", (_b, p) =>
    emu.endpointFaults.remove(p.id as string) || emu.deliveryFaults.remove(p.id as string)
      ? { ok: true }
      : jsonError(404, "NOT_FOUND", "No such fault."),
  );

  on("POST", "/lwa/revoke", () => emu.revokeLwaTokens());

  on("GET", "/clock", () => ({ skewMs: emu.skewMs }));
  on("PUT", "/clock", (b) => {
    if (typeof b.skewMs !== "number" || !Number.isFinite(b.skewMs)) throw bad('"skewMs" must be a number');
    emu.skewMs = b.skewMs;
    return { skewMs: emu.skewMs };
  });
  return r;
}

function bad(message: string): HttpError {
  return new HttpError(jsonError(400, "BAD_REQUEST", message));
}

function valid<T>(spec: T | string): T {
  if (typeof spec === "string") throw bad(spec);
  return spec;
}

function requireString(v: unknown, field: string): string {
  if (typeof v !== "string" || v.trim() === "") throw bad(`"${field}" must be a non-empty string`);
  return v;
}

function requireUrl(v: unknown, field: string): string {
  const s = requireString(v, field);
  try {
    return new URL(s).toString();
  } catch {
    throw bad(`"${field}" must be a URL`);
  }
}

function oneOf<const T extends readonly string[]>(v: unknown, field: string, allowed: T): T[number] {
  if (typeof v === "string" && allowed.includes(v)) return v;
  throw bad(`"${field}" must be one of ${allowed.join(", ")}`);
}

function claims(v: unknown): Record<string, string> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad('"claims" must be an object of strings, e.g. {"household": "fam-1"}');
  const problem = claimsProblem(v as Record<string, unknown>);
  if (problem) throw bad(`"claims": ${problem}`);
  return v as Record<string, string>;
}

function permissions(v: unknown, field: string): ListPermission[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => (LIST_PERMISSIONS as readonly unknown[]).includes(x))) {
    throw bad(`"${field}" must be an array of ${LIST_PERMISSIONS.join(", ")}`);
  }
  return v as ListPermission[];
}

function limit(v: string | null): number {
  const n = v === null ? 50 : Number(v);
  if (!Number.isInteger(n) || n < 1) throw bad("limit must be a positive integer");
  return n;
}

/** The work of a JSON route: its JSON object body (`{}` for GET and DELETE), the path's params, the URL. */
export type JsonRoute = (body: Record<string, unknown>, params: Params, url: URL) => unknown;

/**
 * A way to add JSON routes to `r` under `prefix`: what `run` returns is
 * answered as JSON with `status` (a Response as it is, nothing as
 * `{ok: true}`); a thrown {@link HttpError} is its response, the emulator's
 * {@link ListApiError} its status and type. Shared by the control API and the
 * console's.
 * @example
 * const on = jsonRoutes(r, "/_control");
 * on("POST", "/people", (b) => emu.addPerson(requireString(b.name, "name")), 201);
 */
export function jsonRoutes(r: Router, prefix = ""): (method: string, pattern: string, run: JsonRoute, status?: number) => void {
  return (method, pattern, run, status = 200) => {
    r.on(method, prefix + pattern, (req, p, url) =>
      answer(async () => {
        const body = method === "GET" || method === "DELETE" ? {} : await readJsonObject(req);
        try {
          const result = await run(body, p, url);
          return result instanceof Response ? result : json(result ?? { ok: true }, status);
        } catch (e) {
          if (e instanceof ListApiError) return jsonError(e.status, e.type, e.message);
          throw e;
        }
      }),
    );
  };
}
