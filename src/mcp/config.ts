/**
 * @module mcp/config
 * Reads the MCP endpoint's settings from the Worker's vars. Pure. The
 * endpoint is off (404) until `MCP_RESOURCE_URL` is set; then it needs the
 * app's OAuth issuer (`APP_OAUTH_ISSUER`, the PRM's authorization server)
 * and a way to verify tokens (src/linking/config.ts), or it answers 503.
 */
import { usableSpaceClaim } from "../space/space-id.ts";

/** The endpoint's settings. @example const s: McpSettings = { resourceUrl: "https://bridge.example/mcp", … }; */
export interface McpSettings {
  /** The public URL of `/mcp`: the PRM `resource` and the audience tokens must carry. */
  resourceUrl: string;
  /** The app's OAuth issuer (PRM `authorization_servers`). */
  issuer: string;
  /** Send `WWW-Authenticate` with a 401 (the MCP spec's form), or not (Alexa+). */
  wwwAuthenticate: boolean;
  /** Browser origins allowed (the resource's own first). */
  allowedOrigins: string[];
  /** The token claim that names the list space. */
  spaceClaim: string;
  /** PRM `scopes_supported`. */
  scopes: string[];
}

/** The vars {@link mcpSettings} reads. */
export type McpVars = Partial<
  Record<"ENVIRONMENT" | "MCP_RESOURCE_URL" | "MCP_WWW_AUTHENTICATE" | "MCP_ALLOWED_ORIGINS" | "MCP_SCOPES" | "APP_OAUTH_ISSUER" | "APP_OAUTH_SPACE_CLAIM", string>
>;

const LOCAL_ENVIRONMENTS: ReadonlySet<string> = new Set(["development", "test"]);

/**
 * The endpoint's settings; `null` when it is off; `{ error }` when the vars are unusable.
 * @example
 * mcpSettings({ MCP_RESOURCE_URL: "https://bridge.example/mcp", APP_OAUTH_ISSUER: "https://id.example" })
 * // { resourceUrl: "https://bridge.example/mcp", issuer: "https://id.example", wwwAuthenticate: true,
 * //   allowedOrigins: ["https://bridge.example"], spaceClaim: "sub", scopes: ["lists"] }
 */
export function mcpSettings(env: McpVars): McpSettings | null | { error: string } {
  const v = (name: keyof McpVars): string => env[name]?.trim() ?? "";
  const resourceUrl = v("MCP_RESOURCE_URL");
  if (resourceUrl === "") return null;
  const url = URL.parse(resourceUrl);
  const local = LOCAL_ENVIRONMENTS.has(v("ENVIRONMENT"));
  if (!url || !(url.protocol === "https:" || (local && url.protocol === "http:")) || url.hash !== "") {
    return { error: "MCP_RESOURCE_URL must be the https URL of /mcp (http only with ENVIRONMENT=development or test)" };
  }
  const issuer = v("APP_OAUTH_ISSUER");
  if (issuer === "") return { error: "MCP_RESOURCE_URL needs APP_OAUTH_ISSUER (the app's authorization server) and a token verifier" };
  const www = (v("MCP_WWW_AUTHENTICATE") || "true").toLowerCase();
  if (www !== "true" && www !== "false") return { error: "MCP_WWW_AUTHENTICATE must be true or false" };
  const listed = v("MCP_ALLOWED_ORIGINS").split(",").map((o) => o.trim().replace(/\/+$/, "")).filter((o) => o !== "");
  const scopes = (v("MCP_SCOPES") || "lists").split(/\s+/).filter((s) => s !== "");
  return {
    resourceUrl,
    issuer,
    wwwAuthenticate: www === "true",
    allowedOrigins: [...new Set([url.origin, ...listed])],
    spaceClaim: v("APP_OAUTH_SPACE_CLAIM") || "sub",
    scopes,
  };
}

/**
 * Where the PRM of `resourceUrl` is served (RFC 9728 §3.1: the well-known
 * prefix inserted before the path).
 * @example metadataUrl("https://bridge.example/mcp") // "https://bridge.example/.well-known/oauth-protected-resource/mcp"
 */
export function metadataUrl(resourceUrl: string): string {
  const u = new URL(resourceUrl);
  const path = u.pathname === "/" ? "" : u.pathname;
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}

/**
 * The Protected Resource Metadata document (RFC 9728).
 * @example protectedResourceMetadata(settings).authorization_servers // ["https://id.example"]
 */
export function protectedResourceMetadata(s: McpSettings): Record<string, unknown> {
  return {
    resource: s.resourceUrl,
    authorization_servers: [s.issuer],
    scopes_supported: s.scopes,
    bearer_methods_supported: ["header"],
    resource_name: "Lists",
  };
}

/**
 * The list space a verified token addresses, or null for a service token:
 * the space claim is missing or unusable (src/space/space-id.ts: never a
 * personal space), or (with the default `sub`) the token is
 * RFC 9068's client-credentials form, whose `sub` is its own `client_id`.
 * @example spaceOf({ sub: "app-user-1", client_id: "alexa" }, "sub") // "app-user-1"
 * @example spaceOf({ sub: "alexa", client_id: "alexa" }, "sub") // null
 */
export function spaceOf(claims: Readonly<Record<string, unknown>>, claim: string): string | null {
  const space = claims[claim];
  if (!usableSpaceClaim(space)) return null;
  if (claim === "sub" && typeof claims.client_id === "string" && claims.client_id === space) return null;
  return space;
}
