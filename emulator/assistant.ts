/**
 * @module emulator/assistant
 * Alexa+ (or any MCP client) calling the bridge's MCP tools for a linked
 * person: one JSON-RPC `tools/call` POSTed to the bridge's `/mcp` with an
 * access token from the emulator's OAuth server (audience: that URL). The
 * endpoint is stateless, so no `initialize` is needed first; a real client
 * sends one, which changes nothing. Runtime-agnostic (takes `fetch`).
 */

/** One call as the console's timeline shows it (event `assistant`). */
export interface AssistantCallView {
  id: number;
  at: string;
  person: string;
  /** The app user (space) the token named. */
  sub: string;
  tool: string;
  arguments: Record<string, unknown>;
  /** The HTTP status of `/mcp`. */
  status: number;
  /** The tool's result (`structuredContent`, `isError`, `content`), or the JSON-RPC error. */
  result?: { isError?: boolean; structuredContent?: Record<string, unknown>; content?: { type: string; text?: string }[] };
  error?: { code: number; message: string };
  /** What an assistant would say: the result's `message`, or its text. */
  said: string;
}

/**
 * Calls `tool` with `args` at `mcpUrl` with `token`.
 * @example const view = await callTool({ fetch, mcpUrl: "http://127.0.0.1:8787/mcp", token, tool: "read_list", args: {} });
 */
export async function callTool(opts: {
  fetch: typeof fetch;
  mcpUrl: string;
  token: string;
  tool: string;
  args: Record<string, unknown>;
}): Promise<Pick<AssistantCallView, "status" | "result" | "error" | "said">> {
  const res = await opts.fetch(opts.mcpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${opts.token}`, "mcp-protocol-version": "2025-11-25" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: opts.tool, arguments: opts.args } }),
  });
  const text = await res.text();
  let body: { result?: AssistantCallView["result"]; error?: AssistantCallView["error"] } = {};
  try {
    body = text === "" ? {} : (JSON.parse(text) as typeof body);
  } catch {
    return { status: res.status, said: `(not JSON: ${text.slice(0, 200)})` };
  }
  const message = body.result?.structuredContent?.message;
  const said =
    typeof message === "string"
      ? message
      : (body.result?.content?.map((c) => c.text ?? "").join(" ") ?? body.error?.message ?? `HTTP ${res.status}`);
  return { status: res.status, ...(body.result ? { result: body.result } : {}), ...(body.error ? { error: body.error } : {}), said };
}
