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
 * The one place that knows where a space's lists live is {@link spaceFor}.
 */
import type { Env } from "../env.ts";
import { verifyForAudience } from "../linking/index.ts";
import { failure } from "../mcp/call.ts";
import { mcpSettings, metadataUrl, protectedResourceMetadata, spaceOf, type McpSettings } from "../mcp/config.ts";
import { handleMcpPost, jsonRpcError, mcpPreflight } from "../mcp/server.ts";
import type { AlexaUser } from "../user/alexa-user.ts";
import type { AssistantActor } from "../user/assistant.ts";
import { json, jsonError } from "../http.ts";

/** The sentence for a tool call without a person's space. */
const NO_SPACE = "This connection isn't linked to anyone's lists. Link your account in the app that connected it, then try again.";
/** The sentence when a space has no lists held by this bridge yet. */
const NOT_LINKED = "Your lists aren't connected to Alexa yet. Enable the List Bridge skill in the Alexa app and link your account.";

/**
 * The Durable Object holding a space's lists, or null when there is none yet.
 * Today: the Alexa user the app user (`space` = the verified claim) linked
 * last (APP_USERS), whose object holds the skill store. With list spaces this
 * becomes the space's own object, addressed by `space`.
 * @example const stub = await spaceFor(env, "app-user-1"); if (stub) await stub.callTool(call, actor);
 */
export async function spaceFor(env: Env, space: string): Promise<Pick<DurableObjectStub<AlexaUser>, "callTool"> | null> {
  const userId = await env.APP_USERS.getByName(space).resolve();
  return userId === null ? null : env.ALEXA_USER.getByName(userId);
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
  const actor: AssistantActor = { source: "assistant", clientId: clientOf(claims) };
  return handleMcpPost(request, {
    callTool: async (call) => {
      if (space === null) return failure(NO_SPACE);
      const stub = await spaceFor(env, space);
      return stub ? stub.callTool(call, actor) : failure(NOT_LINKED);
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
