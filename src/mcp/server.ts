/**
 * @module mcp/server
 * The MCP protocol side of `POST /mcp`: Streamable HTTP, stateless (a new
 * server and transport per request, no session id, nothing kept between
 * requests: Alexa+ keeps the conversation, not us), JSON responses (no SSE).
 * Runtime-agnostic: a web `Request` in, a `Response` out; who the caller is
 * and what a tool does are handed in (`callTool`), the Worker glue
 * (src/routes/mcp.ts) does authorization and reaches the Durable Object.
 *
 * Library: the official TypeScript SDK (`@modelcontextprotocol/sdk` 1.32,
 * low-level `Server` + `WebStandardStreamableHTTPServerTransport`) rather
 * than hand-written JSON-RPC: version negotiation, batching rules,
 * notifications (202), malformed bodies (400 with a JSON-RPC error), the
 * `MCP-Protocol-Version` header and `Accept` checks follow the spec as the
 * SDK's own conformance suite tests them. Cloudflare's `agents`
 * `createMcpHandler` wraps this same transport and adds Durable-Object
 * session machinery we do not want (stateless). The low-level `Server`
 * takes our JSON Schemas as they are (the high-level `McpServer` wants zod).
 * It negotiates 2025-11-25, 2025-06-18, 2025-03-26 (and the older 2024-11-05);
 * 1.32 does not know 2026-07-28. Cost, measured with `wrangler deploy
 * --dry-run`: the bundle grows from 134.9 to 276.6 KiB gzip (zod and ajv come
 * with the SDK's server; ajv only serves elicitation, which we never send),
 * well inside the 3 MiB limit. It runs in workerd as is (Workers vitest pool
 * and wrangler's bundle).
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { ToolCall, ToolResult } from "./call.ts";
import { describeTools, isToolName } from "./tools.ts";

/** What the server says about itself in `initialize`. */
export const SERVER_INFO = { name: "alexa-list-bridge", title: "Lists", version: "0.2.0" } as const;

const INSTRUCTIONS =
  "The person's lists (shopping, to-do and their own), shared with Alexa and their list app. " +
  "Use the tools to add, remove, check off and read items; results carry a `message` to say to the person.";

/** How one request is served. */
export interface McpHandlerOptions {
  /** Runs a `tools/call` for this request's caller (already authorized). */
  callTool: (call: ToolCall) => Promise<ToolResult>;
}

/**
 * Serves one `POST /mcp` (methods and origins are checked before, see
 * {@link mcpPreflight}).
 * @example
 * const res = await handleMcpPost(request, { callTool: async (call) => (await spaceFor(env, space).callTool(actor, call, issuedAt)) });
 */
export async function handleMcpPost(request: Request, opts: McpHandlerOptions): Promise<Response> {
  const held = idle.pop() ?? newServer();
  held.callTool = opts.callTool;
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await held.server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    await held.server.close();
    held.callTool = null;
    if (idle.length < MAX_IDLE) idle.push(held);
  }
}

/**
 * Servers not serving a request now. Building one (its handlers, their zod
 * shapes) costs about as much CPU as answering a call, so an isolate keeps a
 * few and connects each to one request's transport at a time: concurrent
 * requests never share one, and nothing of a request outlives its close.
 */
const idle: Held[] = [];
const MAX_IDLE = 8;

interface Held {
  server: Server;
  callTool: McpHandlerOptions["callTool"] | null;
}

function newServer(): Held {
  const held: Held = { server: new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS }), callTool: null };
  held.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: describeTools() }));
  held.server.setRequestHandler(CallToolRequestSchema, async (req) => {
    if (!isToolName(req.params.name)) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${req.params.name}`);
    if (!held.callTool) throw new McpError(ErrorCode.InternalError, "no request is being served");
    return held.callTool({ name: req.params.name, arguments: req.params.arguments });
  });
  return held;
}

/**
 * The answer before any token is looked at: 405 for every method but POST
 * (stateless: no GET stream, no session to DELETE), 403 for a browser
 * `Origin` that is not allowed (DNS rebinding; requests without `Origin`,
 * i.e. not from a browser, pass); null to go on.
 * @example mcpPreflight(new Request("https://b.example/mcp", { method: "GET" }), []) // a 405 Response
 */
export function mcpPreflight(request: Request, allowedOrigins: readonly string[]): Response | null {
  if (request.method !== "POST") {
    return jsonRpcError(405, ErrorCode.ConnectionClosed, "Method not allowed: this endpoint is stateless, use POST", { allow: "POST" });
  }
  const origin = request.headers.get("origin");
  if (origin !== null && !allowedOrigins.includes(origin)) {
    return jsonRpcError(403, ErrorCode.InvalidRequest, "Forbidden: origin not allowed");
  }
  return null;
}

/**
 * A JSON-RPC error response with no id (the request was not read).
 * @example jsonRpcError(401, -32001, "Unauthorized")
 */
export function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
