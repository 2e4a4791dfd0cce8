/**
 * @module emulator/cli-parse
 * Turns `npm run alexa -- <command> ...` arguments into one HTTP call to the
 * emulator's control API or the fake app. Pure (no I/O) so it is testable;
 * emulator/cli runs the call and prints the answer.
 */

export interface CliCall {
  /** `local`: read a file of `npm start` (path relative to the working directory), no HTTP. */
  target: "emulator" | "app" | "local";
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** May contain `{userId}`: the person's current user id, looked up first. */
  path: string;
  body?: Record<string, unknown>;
  /** How to print the answer. */
  view: "json" | "lists" | "deliveries" | "calls" | "status" | "webhooks" | "faults" | "ok" | "userid" | "say" | "session-end" | "voice" | "token";
}

export interface CliGlobals {
  emulatorUrl: string;
  appUrl: string;
  person: string;
  json: boolean;
}

export type Parsed = { kind: "help" } | { kind: "call"; call: CliCall; globals: CliGlobals } | { kind: "error"; message: string };

export const USAGE = `Usage: npm run alexa -- <command> [options]

People (as in the Alexa app; --person NAME, default alice):
  status                                  skill, people, faults, API call counts
  people | person add <name>              list people / add one (own household)
  userid                                  the person's current user id (for scripts; exit 1 without one)
  token                                   the local REST API token (APP_API_TOKEN of npm start)
  enable [--grant read,write]             enable the skill (a new user id each time)
  disable                                 disable the skill (SkillDisabled)
  link [token] [--sub ID] [--claim NAME=VALUE]... [--expired|--foreign]
                                          link an account (SkillAccountLinked): a JWT for ID (default
                                          app-user-<person>) from the emulator's OAuth server, or the token given;
                                          --claim adds a claim: people linked with the same household
                                          (npm start: APP_OAUTH_SPACE_CLAIM=household) share one list space,
                                          e.g. link --sub bob --claim household=fam-1 --person bob
  space                                   the person's list space on the bridge: its id, kind, members
  oauth rotate                            new signing key for the emulator's OAuth server (JWKS)
  grant <read,write> | revoke <read,write>   list permissions
  lists                                   show all lists and items
  add <list> <text> [--completed]         add an item (list: shopping, todo, name or id)
  rename <list> <item> <new text>         item: its text or id
  complete <list> <item> | uncomplete <list> <item>
  delete <list> <item>
  move <list> <item> <to-list>
  list create <name> | list rename <list> <name> | list archive <list> | list delete <list>

Voice (the person talking to the skill, through its interaction model):
  say <utterance> [--locale de-DE]        e.g. say "add milk and eggs to my shopping list";
                                          "open <invocation name>" launches; the skill is enabled on first use;
                                          the session stays open until the skill or "stop" ends it
  say --end                               end the open session (SessionEndedRequest)
  voice [--limit N]                       what was said and answered, newest first

What happened:
  deliveries [--limit N] [--type T]       requests sent to the skill, with attempts
  delivery <id>                           one delivery in full
  calls [--api lwa|messaging|lists] [--limit N]   calls the skill made to Amazon

Faults:
  fault <lwa|messaging|lists> <429|500|hang> [--count N] [--for 30s] [--retry-after S] [--hang 15s]
  deliver <drop|duplicate|delay|reorder> [--count N] [--for 30s] [--match TYPE]
          [--delay 5s] [--concurrent] [--batch N]
  faults | faults clear | faults rm <id>
  revoke-tokens                           invalidate every LWA token issued (next messaging call: 401)
  skew <duration>                         shift timestamps in signed requests (e.g. 200s, -5m, 0)

The fake app (acts for --person's current user id):
  app webhooks [--type T] [--limit N] [--person NAME] [--space ID]
                                          webhooks the app received (--person: only that person's,
                                          under every user id they had; --space: a list space's)
  app down [duration] [--refuse] [--count N]  | app up
  app add <list> <text> [--app-id ID]     create an item through the bridge's REST API
  app update <list> <ref> [--value V] [--status active|completed]
  app complete <list> <ref> | app delete <list> <ref>
  app sync | app message '<json>' | app op <operation id>

Options: --url (emulator, env ALEXA_EMULATOR_URL, default http://127.0.0.1:8790)
         --app-url (env ALEXA_APP_URL, default http://127.0.0.1:8791)  --json (raw output)`;

const BOOLEAN_FLAGS = new Set(["expired", "foreign", "completed", "concurrent", "refuse", "json", "help", "end"]);

/**
 * Parses a duration: `500ms`, `30s`, `5m`, `1h`, or a bare number of seconds.
 * @example parseDuration("-5m"); // -300000
 */
export function parseDuration(text: string): number | null {
  const m = /^(-?\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Math.round(Number(m[1]) * unit);
}

/**
 * @example parseCli(["add", "shopping", "milk"], {}) // { kind: "call", call: { method: "POST", path: "/_control/people/alice/lists/shopping/items", ... } }
 */
export function parseCli(argv: readonly string[], env: Record<string, string | undefined>): Parsed {
  const args: string[] = [];
  const flags = new Map<string, string>();
  /** `--claim` may be given more than once: each value, in order. */
  const claims: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--claim" || a.startsWith("--claim=")) {
      const value = a === "--claim" ? argv[++i] : a.slice("--claim=".length);
      if (value === undefined) return { kind: "error", message: "--claim needs a value" };
      claims.push(value);
    } else if (a.startsWith("--")) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (inline !== undefined) flags.set(name, inline);
      else if (BOOLEAN_FLAGS.has(name)) flags.set(name, "true");
      else if (i + 1 < argv.length) flags.set(name, argv[++i] as string);
      else return { kind: "error", message: `--${name} needs a value` };
    } else if (a === "-p" && i + 1 < argv.length) {
      flags.set("person", argv[++i] as string);
    } else {
      args.push(a);
    }
  }
  if (args.length === 0 || flags.has("help") || args[0] === "help") return { kind: "help" };
  const globals: CliGlobals = {
    emulatorUrl: (flags.get("url") ?? env.ALEXA_EMULATOR_URL ?? "http://127.0.0.1:8790").replace(/\/+$/, ""),
    appUrl: (flags.get("app-url") ?? env.ALEXA_APP_URL ?? "http://127.0.0.1:8791").replace(/\/+$/, ""),
    person: flags.get("person") ?? "alice",
    json: flags.has("json"),
  };
  try {
    return { kind: "call", call: command(args, flags, globals.person, claims), globals };
  } catch (e) {
    return { kind: "error", message: e instanceof Error ? e.message : String(e) };
  }
}

const seg = encodeURIComponent;

function command(args: string[], flags: Map<string, string>, person: string, claims: string[]): CliCall {
  const [cmd, ...rest] = args as [string, ...string[]];
  const need = (n: number, usage: string): string[] => {
    if (rest.length < n) throw new Error(`usage: ${usage}`);
    return rest;
  };
  const emu = (method: CliCall["method"], path: string, view: CliCall["view"] = "json", body?: Record<string, unknown>): CliCall => ({
    target: "emulator",
    method,
    path: `/_control${path}`,
    view,
    ...(body ? { body } : {}),
  });
  const me = `/people/${seg(person)}`;
  const item = (list: string, ref: string): string => `${me}/lists/${seg(list)}/items/${seg(ref)}`;

  switch (cmd) {
    case "status":
      return emu("GET", "/state", "status");
    case "people":
      return emu("GET", "/people");
    case "userid":
      return emu("GET", me, "userid");
    case "space":
      return emu("GET", `/console${me}/space`);
    case "token":
      return { target: "local", method: "GET", path: SECRETS_FILE, view: "token" };
    case "person": {
      const [sub, name] = need(2, "person add <name>");
      if (sub !== "add") throw new Error("usage: person add <name>");
      return emu("POST", "/people", "json", { name });
    }
    case "enable":
      return emu("POST", `${me}/enable`, "json", { permissions: permissionList(flags.get("grant") ?? "") });
    case "disable":
      return emu("POST", `${me}/disable`);
    case "link":
      if (rest[0] && claims.length) throw new Error("--claim makes a token of the emulator's OAuth server; a token given is sent as is");
      return emu("POST", `${me}/link`, "json", rest[0] ? { accessToken: rest[0] } : {
        ...(flags.has("sub") ? { sub: flags.get("sub") } : {}),
        ...(claims.length ? { claims: claimPairs(claims) } : {}),
        ...(flags.has("expired") ? { expired: true } : {}),
        ...(flags.has("foreign") ? { foreign: true } : {}),
      });
    case "oauth":
      if (rest[0] !== "rotate") throw new Error("usage: oauth rotate");
      return emu("POST", "/oauth/rotate");
    case "grant":
    case "revoke": {
      const [perms] = need(1, `${cmd} read,write`);
      return emu("POST", `${me}/permissions`, "json", { [cmd]: permissionList(perms as string) });
    }
    case "lists":
      return emu("GET", `${me}/lists`, "lists");
    case "add": {
      const [list, ...text] = need(2, "add <list> <text>");
      return emu("POST", `${me}/lists/${seg(list as string)}/items`, "json", {
        value: text.join(" "),
        ...(flags.has("completed") ? { status: "completed" } : {}),
      });
    }
    case "rename": {
      const [list, ref, ...text] = need(3, "rename <list> <item> <new text>");
      return emu("PATCH", item(list as string, ref as string), "json", { value: text.join(" ") });
    }
    case "complete":
    case "uncomplete": {
      const [list, ref] = need(2, `${cmd} <list> <item>`);
      return emu("PATCH", item(list as string, ref as string), "json", { status: cmd === "complete" ? "completed" : "active" });
    }
    case "delete": {
      const [list, ref] = need(2, "delete <list> <item>");
      return emu("DELETE", item(list as string, ref as string), "ok");
    }
    case "move": {
      const [list, ref, to] = need(3, "move <list> <item> <to-list>");
      return emu("POST", `${item(list as string, ref as string)}/move`, "json", { to });
    }
    case "list":
      return listCommand(rest, me, emu);
    case "say": {
      if (flags.has("end")) {
        if (rest.length) throw new Error("usage: say --end (no utterance)");
        return emu("DELETE", `${me}/session`, "session-end");
      }
      const text = rest.join(" ").trim();
      if (text === "") throw new Error('usage: say "<utterance>" [--locale de-DE] | say --end');
      return emu("POST", `${me}/say`, "say", { text, ...(flags.has("locale") ? { locale: flags.get("locale") } : {}) });
    }
    case "voice": {
      const q = new URLSearchParams({ person, limit: flags.get("limit") ?? "20" });
      return emu("GET", `/voice?${q}`, "voice");
    }
    case "deliveries": {
      const q = new URLSearchParams({ person, limit: flags.get("limit") ?? "20" });
      if (flags.has("type")) q.set("type", flags.get("type") as string);
      return emu("GET", `/deliveries?${q}`, "deliveries");
    }
    case "delivery":
      return emu("GET", `/deliveries/${seg(need(1, "delivery <id>")[0] as string)}`);
    case "calls": {
      const q = new URLSearchParams({ limit: flags.get("limit") ?? "20" });
      if (flags.has("api")) q.set("api", flags.get("api") as string);
      return emu("GET", `/calls?${q}`, "calls");
    }
    case "fault": {
      const [api, mode] = need(2, "fault <lwa|messaging|lists> <429|500|hang>");
      return emu("POST", "/faults", "json", {
        api,
        mode,
        ...budget(flags),
        ...num(flags, "retry-after", "retryAfterSeconds"),
        ...dur(flags, "hang", "hangMs"),
      });
    }
    case "deliver": {
      const [mode] = need(1, "deliver <drop|duplicate|delay|reorder>");
      return emu("POST", "/delivery-faults", "json", {
        mode,
        ...budget(flags),
        ...(flags.has("match") ? { match: flags.get("match") } : {}),
        ...(flags.has("concurrent") ? { concurrent: true } : {}),
        ...dur(flags, "delay", "delayMs"),
        ...num(flags, "batch", "batch"),
      });
    }
    case "faults":
      if (rest[0] === "clear") return emu("DELETE", "/faults", "ok");
      if (rest[0] === "rm") return emu("DELETE", `/faults/${seg(need(2, "faults rm <id>")[1] as string)}`, "ok");
      return emu("GET", "/faults", "faults");
    case "revoke-tokens":
      return emu("POST", "/lwa/revoke", "ok");
    case "skew": {
      const [d] = need(1, "skew <duration>");
      const ms = parseDuration(d as string);
      if (ms === null) throw new Error(`not a duration: ${d}`);
      return emu("PUT", "/clock", "json", { skewMs: ms });
    }
    case "app":
      return appCommand(rest, flags);
    default:
      throw new Error(`unknown command "${cmd}" (npm run alexa -- help)`);
  }
}

function listCommand(
  rest: string[],
  me: string,
  emu: (method: CliCall["method"], path: string, view?: CliCall["view"], body?: Record<string, unknown>) => CliCall,
): CliCall {
  const [sub, list, ...text] = rest;
  if (sub === "create" && list) return emu("POST", `${me}/lists`, "json", { name: [list, ...text].join(" ") });
  if (sub === "rename" && list && text.length) return emu("PATCH", `${me}/lists/${seg(list)}`, "json", { name: text.join(" ") });
  if (sub === "archive" && list) return emu("PATCH", `${me}/lists/${seg(list)}`, "json", { state: "archived" });
  if (sub === "delete" && list) return emu("DELETE", `${me}/lists/${seg(list)}`, "ok");
  throw new Error("usage: list create <name> | list rename <list> <name> | list archive <list> | list delete <list>");
}

/** Where `npm start` keeps its local secrets (scripts/start.ts). */
export const SECRETS_FILE = ".wrangler/emulator/secrets.json";

function appCommand(rest: string[], flags: Map<string, string>): CliCall {
  const [sub, ...args] = rest;
  const app = (method: CliCall["method"], path: string, view: CliCall["view"] = "json", body?: Record<string, unknown>): CliCall => ({
    target: "app",
    method,
    path,
    view,
    ...(body ? { body } : {}),
  });
  const bridge = (method: CliCall["method"], path: string, body?: Record<string, unknown>): CliCall =>
    app(method, `/_app/bridge/v1/users/{userId}${path}`, "json", body);
  const itemPath = (): string => {
    const [list, ref] = args;
    if (!list || !ref) throw new Error(`usage: app ${sub} <list> <ref>`);
    return `/lists/${seg(list)}/items/${seg(ref)}`;
  };
  switch (sub) {
    case "webhooks": {
      const q = new URLSearchParams({ limit: flags.get("limit") ?? "20" });
      if (flags.has("type")) q.set("type", flags.get("type") as string);
      if (flags.has("space")) q.set("spaceId", flags.get("space") as string);
      // {personUserIds}: the person's user ids (current and past), filled in by the CLI.
      return app("GET", `/_app/webhooks?${q}${flags.has("person") ? "&{personUserIds}" : ""}`, "webhooks");
    }
    case "down": {
      const duration = args[0] ? parseDuration(args[0]) : null;
      if (args[0] && duration === null) throw new Error(`not a duration: ${args[0]}`);
      return app("POST", "/_app/outage", "json", {
        mode: flags.has("refuse") ? "refuse" : "503",
        ...(duration !== null ? { durationMs: duration } : {}),
        ...num(flags, "count", "count"),
      });
    }
    case "up":
      return app("DELETE", "/_app/outage", "ok");
    case "add": {
      const [list, ...text] = args;
      if (!list || text.length === 0) throw new Error("usage: app add <list> <text>");
      return bridge("POST", `/lists/${seg(list)}/items`, {
        value: text.join(" "),
        ...(flags.has("app-id") ? { appItemId: flags.get("app-id") } : {}),
      });
    }
    case "update": {
      const body: Record<string, unknown> = {};
      if (flags.has("value")) body.value = flags.get("value");
      if (flags.has("status")) body.status = flags.get("status");
      return bridge("PATCH", itemPath(), body);
    }
    case "complete":
      return bridge("PATCH", itemPath(), { status: "completed" });
    case "delete":
      return bridge("DELETE", itemPath());
    case "sync":
      return bridge("POST", "/sync", {});
    case "message": {
      let data: unknown;
      try {
        data = JSON.parse(args.join(" "));
      } catch {
        throw new Error(`usage: app message '{"key":"value"}'`);
      }
      if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("the message must be a JSON object");
      return bridge("POST", "/messages", { data });
    }
    case "op": {
      if (!args[0]) throw new Error("usage: app op <operation id>");
      return bridge("GET", `/operations/${seg(args[0])}`);
    }
    default:
      throw new Error("usage: app webhooks | down | up | add | update | complete | delete | sync | message | op");
  }
}

/** `["household=fam-1"]` → `{ household: "fam-1" }`; a claim named twice is an error. */
function claimPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (eq < 1 || name === "" || value === "") throw new Error(`--claim wants NAME=VALUE, e.g. --claim household=fam-1 (got "${pair}")`);
    if (name in out) throw new Error(`--claim ${name} given twice`);
    out[name] = value;
  }
  return out;
}

function permissionList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function budget(flags: Map<string, string>): Record<string, number> {
  return { ...num(flags, "count", "count"), ...dur(flags, "for", "durationMs") };
}

function num(flags: Map<string, string>, flag: string, key: string): Record<string, number> {
  if (!flags.has(flag)) return {};
  const n = Number(flags.get(flag));
  if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number`);
  return { [key]: n };
}

function dur(flags: Map<string, string>, flag: string, key: string): Record<string, number> {
  if (!flags.has(flag)) return {};
  const ms = parseDuration(flags.get(flag) as string);
  if (ms === null) throw new Error(`--${flag} must be a duration like 500ms, 30s, 5m`);
  return { [key]: ms };
}
