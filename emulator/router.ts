/**
 * @module emulator/router
 * A tiny method + path router over web `Request`/`Response`, and the JSON
 * helpers the emulator's HTTP surfaces share (Amazon's APIs, the control API,
 * the fake app).
 *
 * Trade-off: written here rather than reusing itty-router because Amazon ids
 * travel in paths (base64 list ids, item values typed by a person), so every
 * segment must be percent-decoded on its own, after splitting on `/`.
 */
import { json, jsonError } from "../src/http.ts";

/** Path parameters by name, percent-decoded. */
export type Params = Record<string, string>;

export type Handler = (req: Request, params: Params, url: URL) => Response | Promise<Response>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/**
 * Routes requests by method and `/a/:b/c` patterns; `*` as the last segment
 * matches the rest of the path (as `params["*"]`).
 * @example
 * const r = new Router().on("GET", "/v2/householdlists/:listId/:status", (req, p) => json(p));
 * const res = await r.handle(request); // null when no route matched
 */
export class Router {
  readonly #routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    this.#routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  /** The matching route's response; `null` when nothing matched the path. */
  async handle(req: Request): Promise<Response | null> {
    const url = new URL(req.url);
    const raw = split(url.pathname);
    let decoded: string[];
    try {
      decoded = raw.map((s) => decodeURIComponent(s));
    } catch {
      return jsonError(400, "BAD_PATH", "The path is not valid percent-encoding.");
    }
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = match(route.segments, decoded);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      return route.handler(req, params, url);
    }
    return pathMatched ? jsonError(405, "METHOD_NOT_ALLOWED") : null;
  }
}

function split(path: string): string[] {
  // "/v2/householdlists/" and "/v2/householdlists" are the same resource.
  return path.split("/").filter((s, i, all) => s !== "" || (i > 0 && i < all.length - 1));
}

function match(pattern: string[], path: string[]): Params | null {
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    if (p === "*" && i === pattern.length - 1) {
      params["*"] = path.slice(i).join("/");
      return params;
    }
    const s = path[i];
    if (s === undefined) return null;
    if (p.startsWith(":")) params[p.slice(1)] = s;
    else if (p !== s) return null;
  }
  return path.length === pattern.length ? params : null;
}

/** JSON responses, shared with the Worker: errors are `{error, message?}`. */
export { json, jsonError };

/** Thrown by handlers to answer with a specific response. */
export class HttpError extends Error {
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`);
  }
}

/**
 * Reads a JSON object body, or throws {@link HttpError} 400.
 * @example const body = await readJsonObject(req);
 */
export async function readJsonObject(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text();
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(jsonError(400, "BAD_JSON", "The body is not valid JSON."));
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(jsonError(400, "BAD_JSON", "The body must be a JSON object."));
  }
  return parsed as Record<string, unknown>;
}

/**
 * Runs a handler, turning a thrown {@link HttpError} into its response.
 * @example return await answer(() => handle(req));
 */
export async function answer(work: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof HttpError) return e.response;
    throw e;
  }
}

/** Resolves after `ms` (or at once when `ms <= 0`). @example await sleep(100); */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
