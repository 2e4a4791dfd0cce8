/**
 * @module routes/mcp
 * Runtime glue of the MCP endpoint (docs/alexa-plus.md): `/mcp` and its
 * Protected Resource Metadata. The bridge is an OAuth resource server for
 * the app's authorization server: a request is checked (method, origin),
 * its bearer token verified by the account-linking verifier (src/linking)
 * with MCP_RESOURCE_URL as the audience, and the token's space claim picks
 * the lists; the protocol and the tools are src/mcp (pure).
 *
 * A token without a space (a service token, e.g. Alexa's `client_credentials`
 * discovery) may initialize and list tools; a tool call gets a sentence
 * saying the account is not linked. The REST API's token is never accepted.
 *
 * The one place that knows where a space's lists live is {@link spaceFor}:
 * the list space's object, which runs the whole tool call (one request).
 * The actor is `{ kind: "assistant", clientId: client_id / azp or "mcp", sub }`,
 * so each client's undo is its own.
 */
import type { Env } from "../env.ts";
import { verifyForAudience } from "../linking/index.ts";
import { failure } from "../mcp/call.ts";
import { mcpSettings, metadataUrl, protectedResourceMetadata, spaceOf, type McpSettings } from "../mcp/config.ts";
import { handleMcpPost, jsonRpcError, mcpPreflight } from "../mcp/server.ts";
import type { AssistantActor } from "../space/actor.ts";
import { spaceStub, type SpaceRpc } from "../space/rpc.ts";
import { json, jsonError } from "../http.ts";

/** The sentence for a tool call without a person's space. */
const NO_SPACE = "This connection isn't linked to anyone's lists. Link your account in the app that connected it, then try again.";
/** The sentence when the token's space was erased in the app after the token was issued. */
const ERASED = "These lists were deleted in the app. Sign in to the app again and reconnect, then try again.";

/**
 * The list space a token names: the space's own Durable Object
 * (src/space/list-space.ts), addressed by the token's space claim, no
 * lookup in between. A space that does not exist yet is created by the tool
 * call's first change (as a new link or the app's first write creates it);
 * one erased after the token was issued stays erased (src/space: `callTool`).
 * @example await spaceFor(env, "fam-1").callTool(actor, call, issuedAt);
 */
export function spaceFor(env: Pick<Env, "LIST_SPACES">, space: string): Pick<SpaceRpc, "callTool"> {
  return spaceStub(env, space);
}

/**
 * `GET /.well-known/oauth-protected-resource[/mcp]`: RFC 9728 metadata; 404 while the endpoint is off.
 * @example router.get("/.well-known/oauth-protected-resource", (req, env) => handleResourceMetadata(env));
 */
export function handleResourceMetadata(env: Env): Response {
  const settings = mcpSettings(env);
  if (settings === null) return jsonError(404, "NOT_FOUND");
  if ("error" in settings) return jsonError(503, "NOT_CONFIGURED", settings.error);
  return json(protectedResourceMetadata(settings), 200, { "cache-control": "public, max-age=3600", "access-control-allow-origin": "*" });
}

/**
 * `/mcp`, any method.
 * @example router.all("/mcp", (req, env) => handleMcp(req, env));
 */
export async function handleMcp(request: Request, env: Env): Promise<Response> {
  const settings = mcpSettings(env);
  if (settings === null) return jsonError(404, "NOT_FOUND");
  if ("error" in settings) {
    console.error(`mcp: ${settings.error}`);
    return jsonRpcError(503, -32000, "The MCP endpoint is not configured");
  }
  const early = mcpPreflight(request, settings.allowedOrigins);
  if (early) return early;

  const token = bearerToken(request);
  if (token === null || restTokens(env).includes(token)) return unauthorized(settings, token !== null);
  const verdict = await verifyForAudience(env, settings.resourceUrl, token);
  if (!verdict.ok) {
    if (verdict.reason === "refused") return unauthorized(settings, true);
    if (verdict.reason === "not_configured") console.error("mcp: MCP_RESOURCE_URL is set but no token verifier is (APP_OAUTH_JWKS_URL or APP_OAUTH_INTROSPECTION_URL)");
    return jsonRpcError(503, -32000, "Cannot check the token now; try again shortly", { "retry-after": "5" });
  }
  const claims = verdict.token.claims;
  const space = spaceOf(claims, settings.spaceClaim);
  const actor: AssistantActor = { kind: "assistant", clientId: clientOf(claims) ?? "mcp", sub: verdict.token.sub || null };
  const issuedAt = typeof claims.iat === "number" ? claims.iat * 1000 : null;
  return handleMcpPost(request, {
    callTool: async (call) => {
      if (space === null) return failure(NO_SPACE);
      const reply = await spaceFor(env, space).callTool(actor, call, issuedAt);
      return reply.outcome === "answered" ? reply.result : failure(ERASED);
    },
  });
}

/** 401, with the MCP spec's `WWW-Authenticate` unless MCP_WWW_AUTHENTICATE=false (Alexa+ wants none). */
function unauthorized(settings: McpSettings, hadToken: boolean): Response {
  const headers: Record<string, string> = {};
  if (settings.wwwAuthenticate) {
    const error = hadToken ? `, error="invalid_token"` : "";
    headers["www-authenticate"] = `Bearer resource_metadata="${metadataUrl(settings.resourceUrl)}"${error}`;
  }
  return jsonRpcError(401, -32001, hadToken ? "Unauthorized: the access token is not valid for this resource" : "Unauthorized: an access token is required", headers);
}

function bearerToken(request: Request): string | null {
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  return m?.[1] ?? null;
}

function restTokens(env: Env): string[] {
  return (env.APP_API_TOKEN ?? "").split(",").map((t) => t.trim()).filter((t) => t !== "");
}

function clientOf(claims: Readonly<Record<string, unknown>>): string | null {
  const id = claims.client_id ?? claims.azp;
  return typeof id === "string" && id !== "" ? id : null;
}
