// The MCP endpoint in the Worker (ALEXA_LISTS=skill): PRM, every way a token
// is refused, the transport's answers (405, 403, 202, JSON-RPC errors), the
// tools' effects on the person's lists with their webhooks (source
// "assistant"), isolation between spaces, each client's own undo, and the
// space's lifecycle (created by a first change, an erased one stays erased).
import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env.ts";
import { handleMcp, handleResourceMetadata } from "../../src/routes/mcp.ts";
import { spaceStub } from "../../src/space/rpc.ts";
import { newUserId } from "../alexa-user/fakes.ts";
import { apiCall, API_TOKEN, enableAndLink, linkingEnv, useLinkingFakes } from "../linking/linking-harness.ts";
import { AUDIENCE, ISSUER } from "../linking/oauth-fixture.ts";

const fx = useLinkingFakes();
const { app } = fx;

const RESOURCE = "https://bridge.test/mcp";
const ACCEPT = "application/json, text/event-stream";

function mcpEnv(extra: Record<string, string> = {}): Env {
  return { ...linkingEnv(), MCP_RESOURCE_URL: RESOURCE, ...extra } as Env;
}

const token = (sub: string | null, opts: Parameters<typeof fx.oauth.token>[0] = {}) => fx.oauth.token({ sub, aud: RESOURCE, ...opts });

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | null;
}

async function post(e: Env, body: unknown, opts: { token?: string | null; headers?: Record<string, string>; method?: string; raw?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: ACCEPT, ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const method = opts.method ?? "POST";
  const res = await handleMcp(
    new Request(RESOURCE, { method, headers, ...(method === "POST" ? { body: opts.raw ?? JSON.stringify(body) } : {}) }),
    e,
  );
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? null : (JSON.parse(text) as Record<string, unknown>) };
}

const initialize = (version = "2025-11-25") => ({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "test", version: "1" } },
});

/** Waits for the space's background webhook sends. */
const settleSpace = (space: string) => spaceStub(env, space).idle();

async function call(e: Env, tok: string, name: string, args: Record<string, unknown> = {}): Promise<{ isError?: boolean; structuredContent?: Record<string, unknown>; content: { text: string }[] }> {
  const r = await post(e, { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: args } }, { token: tok });
  expect(r.status).toBe(200);
  return r.body!.result as never;
}

/** A person in space `sub`: an Alexa user who enabled the skill and linked the app account `sub`. */
async function person(tag: string, sub: string): Promise<string> {
  const userId = newUserId(tag);
  await enableAndLink(linkingEnv(), userId, await fx.oauth.token({ sub }));
  return userId;
}

describe("MCP endpoint: metadata and the door", () => {
  it("serves the Protected Resource Metadata at both well-known paths; off (404) without MCP_RESOURCE_URL", async () => {
    const res = handleResourceMetadata(mcpEnv());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: [ISSUER],
      scopes_supported: ["lists"],
      bearer_methods_supported: ["header"],
      resource_name: "Lists",
    });
    // The test Worker has no MCP_RESOURCE_URL: routed, and off.
    for (const path of ["/mcp", "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]) {
      const off = await exports.default.fetch(`http://bridge${path}`, { method: path === "/mcp" ? "POST" : "GET" });
      expect([path, off.status]).toEqual([path, 404]);
    }
  });

  it("401 for a missing, expired, forged, wrong-audience, malformed or REST token; WWW-Authenticate unless MCP_WWW_AUTHENTICATE=false", async () => {
    const e = mcpEnv();
    const cases: [string, string | null][] = [
      ["missing", null],
      ["expired", await token("app-user-m1", { nowMs: Date.now() - 7200_000 })],
      ["forged", await token("app-user-m1", { key: await fx.oauth.foreignKey() })],
      ["wrong audience (the skill's linking audience)", await fx.oauth.token({ sub: "app-user-m1", aud: AUDIENCE })],
      ["wrong issuer", await token("app-user-m1", { iss: "https://evil.test/" })],
      ["not a token", "not-a-jwt"],
      ["the REST API token", API_TOKEN],
    ];
    for (const [what, tok] of cases) {
      const r = await post(e, initialize(), { token: tok });
      expect([what, r.status]).toEqual([what, 401]);
      expect([what, r.headers.get("www-authenticate")]).toEqual([
        what,
        `Bearer resource_metadata="https://bridge.test/.well-known/oauth-protected-resource/mcp"${tok === null ? "" : `, error="invalid_token"`}`,
      ]);
      expect(r.body).toMatchObject({ jsonrpc: "2.0", error: { code: -32001 } });
    }
    const alexa = await post(mcpEnv({ MCP_WWW_AUTHENTICATE: "false" }), initialize(), { token: null });
    expect(alexa.status).toBe(401);
    expect(alexa.headers.get("www-authenticate")).toBeNull();
  });

  it("405 for GET and DELETE, 403 for a foreign Origin, and the resource's own Origin passes", async () => {
    const tok = await token("app-user-m2");
    for (const method of ["GET", "DELETE"]) {
      const r = await post(mcpEnv(), null, { token: tok, method });
      expect([method, r.status, r.headers.get("allow")]).toEqual([method, 405, "POST"]);
    }
    const evil = await post(mcpEnv(), initialize(), { token: tok, headers: { origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    const own = await post(mcpEnv(), initialize(), { token: tok, headers: { origin: "https://bridge.test" } });
    expect(own.status).toBe(200);
    const listed = await post(mcpEnv({ MCP_ALLOWED_ORIGINS: "https://inspector.example" }), initialize(), { token: tok, headers: { origin: "https://inspector.example" } });
    expect(listed.status).toBe(200);
  });

  it("negotiates 2025-03-26, 2025-06-18 and 2025-11-25; notifications get 202; malformed JSON-RPC gets a JSON-RPC error, not a 5xx", async () => {
    const tok = await token("app-user-m3");
    for (const version of ["2025-03-26", "2025-06-18", "2025-11-25"]) {
      const r = await post(mcpEnv(), initialize(version), { token: tok });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ result: { protocolVersion: version, capabilities: { tools: {} }, serverInfo: { name: "alexa-list-bridge" } } });
      expect(r.headers.get("mcp-session-id")).toBeNull();
    }
    const note = await post(mcpEnv(), { jsonrpc: "2.0", method: "notifications/initialized" }, { token: tok });
    expect(note.status).toBe(202);
    const notJson = await post(mcpEnv(), null, { token: tok, raw: "{nope" });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ jsonrpc: "2.0", error: { code: -32700 } });
    const notRpc = await post(mcpEnv(), { hello: "world" }, { token: tok });
    expect(notRpc.status).toBe(400);
    expect(notRpc.body).toMatchObject({ jsonrpc: "2.0", error: { code: expect.any(Number) } });
    const unknownTool = await post(mcpEnv(), { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "launch_rocket", arguments: {} } }, { token: tok });
    expect(unknownTool.body).toMatchObject({ id: 3, error: { code: -32602 } });
  });

  it("tools/list: the eleven tools with JSON Schema 2020-12 input and output schemas and their hints", async () => {
    const r = await post(mcpEnv(), { jsonrpc: "2.0", id: 2, method: "tools/list" }, { token: await token("app-user-m4") });
    const tools = (r.body!.result as { tools: { name: string; inputSchema: Record<string, unknown>; outputSchema: Record<string, unknown>; annotations: Record<string, boolean>; description: string }[] }).tools;
    expect(tools.map((t) => t.name)).toEqual([
      "add_items", "remove_items", "check_off_items", "uncheck_items", "read_list", "list_lists",
      "create_list", "rename_list", "delete_list", "clear_completed", "undo_last_change",
    ]);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe("object");
      expect(t.outputSchema.type).toBe("object");
      expect(t.description.length).toBeGreaterThan(60);
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.add_items!.inputSchema).toMatchObject({ required: ["items"], properties: { items: { type: "array", minItems: 1, maxItems: 100, items: { type: "string", maxLength: 256 } } } });
    expect(byName.read_list!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.delete_list!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false });
    expect(byName.add_items!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true });
  });

  it("a service token (no sub, or sub = client_id) may initialize and list tools; a tool call is refused in words", async () => {
    for (const tok of [await token(null, { claims: { client_id: "alexa-plus" } }), await token("alexa-plus", { claims: { client_id: "alexa-plus" } })]) {
      expect((await post(mcpEnv(), initialize(), { token: tok })).status).toBe(200);
      const list = await post(mcpEnv(), { jsonrpc: "2.0", id: 2, method: "tools/list" }, { token: tok });
      expect((list.body!.result as { tools: unknown[] }).tools).toHaveLength(11);
      const r = await call(mcpEnv(), tok, "read_list");
      expect(r.isError).toBe(true);
      expect(r.content[0]!.text).toMatch(/isn't linked to anyone's lists/);
    }
  });
});

describe("MCP endpoint: the tools on a person's lists", () => {
  it("adds 'milk, eggs and bread' as three items with source 'assistant', reads them back, and the REST API sees the same", async () => {
    await person("mcp-add", "app-user-a1");
    app.reset();
    const tok = await token("app-user-a1", { claims: { client_id: "alexa-plus" } });
    const added = await call(mcpEnv(), tok, "add_items", { items: ["milk, eggs and bread"] });
    expect(added.isError).toBeUndefined();
    expect(added.structuredContent).toMatchObject({ list: "Shopping list", added: ["milk", "eggs", "bread"], putBack: [], alreadyThere: [] });
    expect(added.structuredContent!.message).toBe("I added milk, eggs and bread to your shopping list.");
    expect(JSON.parse(added.content[0]!.text)).toEqual(added.structuredContent);
    await settleSpace("app-user-a1");
    const created = app.accepted().filter((b) => b.type === "alexa.list.items.created");
    expect(created).toHaveLength(1);
    // A linked space's webhook names the space and the app user the assistant acts for; no Alexa user spoke.
    expect(created[0]).toMatchObject({ spaceId: "app-user-a1", appUserId: "app-user-a1", data: { source: "assistant", defaultKind: "shopping" } });
    expect(created[0]!.userId).toBeUndefined();
    expect((created[0]!.data.items as { value: string }[]).map((i) => i.value)).toEqual(["milk", "eggs", "bread"]);

    const read = await call(mcpEnv(), tok, "read_list", { list: "groceries" });
    expect(read.structuredContent).toMatchObject({ list: "Shopping list", active: ["milk", "eggs", "bread"], completed: [] });
    const rest = await apiCall(linkingEnv(), "GET", "/v1/app-users/app-user-a1/lists");
    expect(JSON.stringify(rest.body)).toContain('"value":"eggs"');

    // Voice's rule: what is there is not added twice.
    const again = await call(mcpEnv(), tok, "add_items", { items: ["Milk", "butter"] });
    expect(again.structuredContent).toMatchObject({ added: ["butter"], alreadyThere: ["milk"] });
  });

  it("check off, uncheck, remove, clear, undo: one change each, voice's matching, sentences without ids", async () => {
    await person("mcp-ops", "app-user-a2");
    const tok = await token("app-user-a2");
    const e = mcpEnv();
    await call(e, tok, "add_items", { items: ["oat milk", "eggs", "bread"] });
    expect((await call(e, tok, "check_off_items", { items: ["the eggs", "bread"] })).structuredContent).toMatchObject({ checkedOff: ["eggs", "bread"], notFound: [] });
    const unsure = await call(e, tok, "remove_items", { items: ["milk"] });
    expect(unsure).toMatchObject({ isError: true, content: [{ text: "I couldn't find milk on any of your lists. Did you mean oat milk?" }] });
    expect((await call(e, tok, "uncheck_items", { items: ["bread"] })).structuredContent).toMatchObject({ unchecked: ["bread"] });
    expect((await call(e, tok, "check_off_items", { items: ["eggs"] })).structuredContent).toMatchObject({ checkedOff: [], alreadyCheckedOff: ["eggs"] });
    expect((await call(e, tok, "clear_completed")).structuredContent).toMatchObject({ cleared: ["eggs"] });
    expect((await call(e, tok, "read_list")).structuredContent).toMatchObject({ active: ["oat milk", "bread"], completed: [] });
    const undone = await call(e, tok, "undo_last_change");
    expect(undone.structuredContent!.message).toBe("Undone: the checked-off items are back on your shopping list.");
    expect((await call(e, tok, "read_list")).structuredContent).toMatchObject({ active: ["oat milk", "bread"], completed: ["eggs"] });
    expect((await call(e, tok, "remove_items", { items: ["oat milk"], list: "shopping" })).structuredContent).toMatchObject({ removed: ["oat milk"] });
    const bad = await call(e, tok, "add_items", { items: [] });
    expect(bad).toMatchObject({ isError: true, content: [{ text: "Name between 1 and 100 items, each at most 256 characters." }] });
  });

  it("creates, renames and deletes a list, and undo brings a deleted list back with its items", async () => {
    await person("mcp-lists", "app-user-a3");
    const tok = await token("app-user-a3");
    const e = mcpEnv();
    expect((await call(e, tok, "create_list", { name: "Hardware store" })).structuredContent).toMatchObject({ list: "Hardware store" });
    expect(await call(e, tok, "create_list", { name: "hardware store" })).toMatchObject({ isError: true });
    await call(e, tok, "add_items", { items: ["nails", "glue"], list: "hardware store" });
    expect((await call(e, tok, "rename_list", { list: "Hardware store", name: "DIY" })).structuredContent).toMatchObject({ list: "DIY", previousName: "Hardware store" });
    expect(await call(e, tok, "rename_list", { list: "shopping", name: "Food" })).toMatchObject({ isError: true, content: [{ text: "Your shopping list keeps its name." }] });
    app.reset();
    expect((await call(e, tok, "delete_list", { list: "DIY" })).structuredContent).toMatchObject({ list: "DIY", itemsDeleted: 2 });
    expect((await call(e, tok, "list_lists")).structuredContent!.lists).toHaveLength(2);
    expect((await call(e, tok, "undo_last_change")).structuredContent!.message).toBe("Undone: your DIY list is back.");
    expect((await call(e, tok, "read_list", { list: "DIY" })).structuredContent).toMatchObject({ active: ["nails", "glue"] });
    await settleSpace("app-user-a3");
    expect(app.accepted().map((b) => [b.type, b.data.source])).toEqual([
      ["alexa.list.deleted", "assistant"],
      ["alexa.list.created", "assistant"],
      ["alexa.list.items.created", "assistant"],
    ]);
  });

  it("isolation: a token for space T sees nothing of space S, also under concurrent calls in one isolate", async () => {
    await person("mcp-s", "app-user-s");
    await person("mcp-t", "app-user-t");
    await call(mcpEnv(), await token("app-user-s"), "add_items", { items: ["secret cake"] });
    const t = await call(mcpEnv(), await token("app-user-t"), "read_list");
    expect(t.structuredContent).toMatchObject({ active: [], completed: [] });
    // Concurrent requests of both spaces in one isolate never answer for each other (the isolate reuses idle servers).
    const [ts, tt] = [await token("app-user-s"), await token("app-user-t")];
    const mixed = await Promise.all(Array.from({ length: 12 }, (_, i) => call(mcpEnv(), i % 2 === 0 ? ts : tt, "read_list")));
    expect(mixed.map((r) => (r.structuredContent!.active as string[]).join())).toEqual(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? "secret cake" : "")));
  });

  it("two clients in one space: undo_last_change reverts only the caller's own last change", async () => {
    await person("mcp-two", "fam-mcp-1");
    const e = mcpEnv();
    const alexa = await token("fam-mcp-1", { claims: { client_id: "alexa-plus" } });
    const other = await token("fam-mcp-1", { claims: { client_id: "inspector" } });
    await call(e, alexa, "add_items", { items: ["apples"] });
    await call(e, other, "add_items", { items: ["pears"] });
    const undone = await call(e, alexa, "undo_last_change");
    expect(undone.isError).toBeUndefined();
    expect((await call(e, other, "read_list")).structuredContent).toMatchObject({ active: ["pears"] });
    // The Alexa+ client has nothing left to undo; the other client's own change is still its to undo.
    expect(await call(e, alexa, "undo_last_change")).toMatchObject({ isError: true });
    expect((await call(e, other, "undo_last_change")).isError).toBeUndefined();
    expect((await call(e, other, "read_list")).structuredContent).toMatchObject({ active: [] });
  });

  it("a space nobody linked yet: a read creates nothing, the first change creates it; an erased space stays erased for older tokens", async () => {
    const e = mcpEnv();
    const tok = await token("app-user-new1");
    expect((await call(e, tok, "read_list")).structuredContent).toMatchObject({ list: "Shopping list", active: [], completed: [] });
    expect(await spaceStub(env, "app-user-new1").describe()).toEqual({ outcome: "not_found" });
    expect((await call(e, tok, "add_items", { items: ["tea"] })).structuredContent).toMatchObject({ added: ["tea"] });
    const rest = await apiCall(linkingEnv(), "GET", "/v1/spaces/app-user-new1/lists");
    expect(JSON.stringify(rest.body)).toContain('"value":"tea"');

    const older = await token("app-user-new1", { nowMs: Date.now() - 60_000 });
    expect(await spaceStub(env, "app-user-new1").eraseSpace()).toEqual({ outcome: "erased" });
    const refused = await call(e, older, "add_items", { items: ["coffee"] });
    expect(refused).toMatchObject({ isError: true });
    expect(refused.content[0]!.text).toMatch(/deleted in the app/);
    expect(await spaceStub(env, "app-user-new1").describe()).toEqual({ outcome: "not_found" });
    // A token issued after the erasure (a new connection) starts a new, empty space, as the app's own write would.
    const newer = await token("app-user-new1", { nowMs: Date.now() + 2_000 });
    expect((await call(e, newer, "add_items", { items: ["coffee"] })).structuredContent).toMatchObject({ added: ["coffee"] });
    expect((await call(e, newer, "read_list")).structuredContent).toMatchObject({ active: ["coffee"] });
  });
});
