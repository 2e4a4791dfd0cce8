// The MCP endpoint end to end: a real `wrangler dev` (skill store), the
// official MCP SDK's client with tokens from the emulator's OAuth server
// (the app's authorization server), the fake app's webhooks, a person's
// voice through the emulator, and the official conformance suite's server
// scenarios against the dev server.
import { spawn } from "node:child_process";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { TEST_MS } from "../../scripts/lib/budgets.ts";
import { type E2E, enabledPerson, eventually, useE2E, webhooks } from "./harness.ts";

let e!: E2E;
useE2E({ alexaLists: "skill" }, (started) => (e = started));

const mcpUrl = (): string => `${e.stack.workerUrl}/mcp`;

/** A person who enabled the skill and linked the app account `sub` (their list space). */
async function linkedPerson(name: string, sub: string): Promise<string> {
  const p = await enabledPerson(e, name);
  await e.stack.emulator.emulator.linkAppUser(name, { sub });
  await eventually(`${name}'s account link`, () => webhooks(e, p.userId, "alexa.user.account_linked").length > 0);
  return p.userId;
}

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: "e2e", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl()), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return client;
}

/** An app token for `sub`'s space (the stack's space claim, e.g. household, names it as the link did). */
const tokenFor = (sub: string, kind?: "expired" | "foreign"): Promise<string> => {
  const claim = e.stack.emulator.emulator.oauthSpaceClaim;
  return e.stack.emulator.emulator.oauth.issue({ sub, aud: mcpUrl(), ...(claim === "sub" ? {} : { claims: { [claim]: sub } }), ...(kind ? { kind } : {}) });
};

describe("MCP endpoint (wrangler dev, official SDK client)", () => {
  it("space S adds milk, eggs and bread and reads them back; the app gets three items from 'assistant'; the person hears them; undo; space T sees none of it", async () => {
    await linkedPerson("mcp-alice", "space-s");
    await linkedPerson("mcp-bob", "space-t");
    const client = await connect(await tokenFor("space-s"));
    expect(client.getServerVersion()?.name).toBe("alexa-list-bridge");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("add_items");
    expect(tools).toHaveLength(11);

    // The SDK client checks structuredContent against each tool's outputSchema.
    const added = await client.callTool({ name: "add_items", arguments: { items: ["milk, eggs and bread"] } });
    expect(added.isError).toBeFalsy();
    expect(added.structuredContent).toMatchObject({ added: ["milk", "eggs", "bread"] });
    const read = await client.callTool({ name: "read_list", arguments: {} });
    expect(read.structuredContent).toMatchObject({ active: ["milk", "eggs", "bread"], completed: [] });

    // A linked space's webhooks for an assistant's change name the space (and the app user), not an Alexa user.
    const fromAssistant = () =>
      e.stack.app.app.log
        .query({ type: "alexa.list.items.created" })
        .filter((w) => (w as { spaceId?: string }).spaceId === "space-s" && (w.data as { source: string }).source === "assistant");
    await eventually("three created items at the app", () => fromAssistant().length > 0);
    const created = fromAssistant();
    expect(created.flatMap((w) => (w.data as { items: { value: string }[] }).items.map((i) => i.value))).toEqual(["milk", "eggs", "bread"]);
    expect(created[0]).toMatchObject({ appUserId: "space-s" });

    const heard = await e.stack.emulator.emulator.say("mcp-alice", "what's on my shopping list");
    expect(heard.speech).toMatch(/milk.*eggs.*bread/);

    const t = await connect(await tokenFor("space-t"));
    expect((await t.callTool({ name: "read_list", arguments: {} })).structuredContent).toMatchObject({ active: [] });

    const undone = await client.callTool({ name: "undo_last_change", arguments: {} });
    expect((undone.structuredContent as { message: string }).message).toBe("Undone: I took milk, eggs and bread off your shopping list again.");
    expect((await client.callTool({ name: "read_list", arguments: {} })).structuredContent).toMatchObject({ active: [] });

    // The emulator's Alexa+ (npm run alexa -- assistant …) calls as the linked person.
    const view = await e.stack.emulator.emulator.assistant("mcp-alice", "add_items", { items: ["coffee"] });
    expect(view).toMatchObject({ status: 200, sub: "space-s", said: "I added coffee to your shopping list." });
    // …and the console's timeline gets it as an Alexa+ row (event "assistant").
    const shown = e.stack.emulator.emulator.events.since().filter((ev) => ev.type === "assistant");
    expect(shown.at(-1)?.data).toMatchObject({ person: "mcp-alice", tool: "add_items", said: "I added coffee to your shopping list." });
    await Promise.all([client.close(), t.close()]);
  }, TEST_MS);

  it("401 without a token, with an expired, forged or wrong-audience token, and with the REST API token", async () => {
    const cases: [string, string | null][] = [
      ["missing", null],
      ["expired", await tokenFor("space-s", "expired")],
      ["forged", await tokenFor("space-s", "foreign")],
      ["wrong audience", await e.stack.emulator.emulator.oauth.issue({ sub: "space-s" })],
      ["REST token", e.stack.vars.APP_API_TOKEN!],
    ];
    for (const [what, token] of cases) {
      const res = await fetch(mcpUrl(), {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect([what, res.status]).toEqual([what, 401]);
      expect(res.headers.get("www-authenticate")).toContain(`resource_metadata="${e.stack.workerUrl}/.well-known/oauth-protected-resource/mcp"`);
    }
    const prm = await (await fetch(`${e.stack.workerUrl}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(prm).toMatchObject({ resource: mcpUrl(), authorization_servers: [e.stack.emulator.emulator.oauth.issuer] });
  }, TEST_MS);

  it("passes the official conformance suite's server scenarios (through a front that adds the token)", async () => {
    await linkedPerson("mcp-carol", "space-c");
    const front = await authFront(new URL(mcpUrl()), await tokenFor("space-c"));
    try {
      const bin = createRequire(import.meta.url).resolve("@modelcontextprotocol/conformance/dist/index.js");
      for (const scenario of ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"]) {
        const run = await node([bin, "server", "--url", `${front.url}/mcp`, "--scenario", scenario]);
        expect([scenario, run.code, run.out.slice(-1500)]).toEqual([scenario, 0, expect.any(String)]);
      }
    } finally {
      await new Promise<void>((r) => front.server.close(() => r()));
    }
  }, TEST_MS);
});

/**
 * A reverse proxy on loopback that adds `Authorization` (the conformance CLI
 * cannot send a token) and stands for the public origin: a request whose
 * Origin is the proxy's own is forwarded with the Worker's origin; any other
 * Origin (the DNS-rebinding attacker's) goes through unchanged.
 */
async function authFront(target: URL, token: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const own = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const headers = { ...req.headers, host: target.host, authorization: `Bearer ${token}` };
    if (req.headers.origin === own) headers.origin = target.origin;
    const up = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function node(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => resolve({ code, out }));
  });
}
