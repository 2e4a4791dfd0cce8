/**
 * @module http
 * JSON responses. Every error the Worker returns has the shape
 * `{"error": "<CODE>", "message"?: "…"}` so clients can switch on `error`.
 */

/** A JSON response. @example json({ ok: true }, 202) */
export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers: h });
}

/** A JSON error response. @example jsonError(404, "NOT_FOUND") */
export function jsonError(status: number, error: string, message?: string): Response {
  return json(message === undefined ? { error } : { error, message }, status);
}
