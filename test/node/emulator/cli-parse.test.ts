import { describe, expect, it } from "vitest";
import { type CliCall, parseCli, parseDuration } from "../../../emulator/cli-parse.ts";

function callOf(argv: string[], env: Record<string, string> = {}): CliCall {
  const p = parseCli(argv, env);
  if (p.kind !== "call") throw new Error(`expected a call, got ${JSON.stringify(p)}`);
  return p.call;
}

describe("CLI parsing", () => {
  it("maps a person's actions onto the control API", () => {
    expect(callOf(["enable", "--grant", "read,write"])).toMatchObject({
      method: "POST",
      path: "/_control/people/alice/enable",
      body: { permissions: ["read", "write"] },
    });
    expect(callOf(["add", "shopping", "oat", "milk", "-p", "bob"])).toMatchObject({
      method: "POST",
      path: "/_control/people/bob/lists/shopping/items",
      body: { value: "oat milk" },
    });
    expect(callOf(["rename", "Alexa shopping list", "oat milk", "whole", "milk"])).toMatchObject({
      method: "PATCH",
      path: "/_control/people/alice/lists/Alexa%20shopping%20list/items/oat%20milk",
      body: { value: "whole milk" },
    });
    expect(callOf(["complete", "shopping", "milk"]).body).toEqual({ status: "completed" });
    expect(callOf(["move", "shopping", "milk", "todo"])).toMatchObject({ path: "/_control/people/alice/lists/shopping/items/milk/move", body: { to: "todo" } });
    expect(callOf(["revoke", "write"]).body).toEqual({ revoke: ["write"] });
    expect(callOf(["list", "archive", "Hardware"])).toMatchObject({ method: "PATCH", body: { state: "archived" } });
  });

  it("maps faults, with durations", () => {
    expect(callOf(["fault", "lists", "429", "--count", "3", "--retry-after", "2"]).body).toEqual({
      api: "lists",
      mode: "429",
      count: 3,
      retryAfterSeconds: 2,
    });
    expect(callOf(["fault", "messaging", "hang", "--for", "1m", "--hang", "12s"]).body).toEqual({
      api: "messaging",
      mode: "hang",
      durationMs: 60_000,
      hangMs: 12_000,
    });
    expect(callOf(["deliver", "duplicate", "--concurrent", "--match", "Messaging"]).body).toEqual({
      mode: "duplicate",
      concurrent: true,
      match: "Messaging",
    });
    expect(callOf(["skew", "-5m"]).body).toEqual({ skewMs: -300_000 });
  });

  it("acts as the app for the person's current user id", () => {
    expect(callOf(["app", "add", "shopping", "eggs", "--app-id", "a-1"])).toEqual({
      target: "app",
      method: "POST",
      path: "/_app/bridge/v1/users/{userId}/lists/shopping/items",
      view: "json",
      body: { value: "eggs", appItemId: "a-1" },
    });
    expect(callOf(["app", "down", "30s", "--refuse"]).body).toEqual({ mode: "refuse", durationMs: 30_000 });
    expect(callOf(["app", "message", '{"hello":"world"}']).body).toEqual({ data: { hello: "world" } });
  });

  it("says things as the person, with a locale, and ends the session", () => {
    expect(callOf(["say", "add milk and eggs to my shopping list"])).toEqual({
      target: "emulator",
      method: "POST",
      path: "/_control/people/alice/say",
      view: "say",
      body: { text: "add milk and eggs to my shopping list" },
    });
    // Unquoted words are one utterance; --locale and -p may come anywhere.
    expect(callOf(["say", "füge", "Milch", "hinzu", "--locale", "de-DE", "-p", "bob"])).toMatchObject({
      path: "/_control/people/bob/say",
      body: { text: "füge Milch hinzu", locale: "de-DE" },
    });
    expect(callOf(["say", "--end"])).toEqual({ target: "emulator", method: "DELETE", path: "/_control/people/alice/session", view: "session-end" });
    expect(callOf(["voice", "--limit", "3", "-p", "bob"])).toMatchObject({ method: "GET", path: "/_control/voice?person=bob&limit=3", view: "voice" });
    expect(parseCli(["say"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/^usage: say/) });
    expect(parseCli(["say", "   "], {})).toMatchObject({ kind: "error" });
    expect(parseCli(["say", "--end", "hello"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/--end/) });
    expect(parseCli(["say", "hi", "--locale"], {})).toMatchObject({ kind: "error", message: "--locale needs a value" });
  });

  it("calls an MCP tool as Alexa+ for the person (assistant <tool> '<json>')", () => {
    expect(callOf(["assistant", "add_items", '{"items":["milk, eggs and bread"]}', "--person", "bob"])).toEqual({
      target: "emulator",
      method: "POST",
      path: "/_control/people/bob/assistant",
      view: "assistant",
      body: { tool: "add_items", arguments: { items: ["milk, eggs and bread"] } },
    });
    expect(callOf(["assistant", "read_list", "--sub", "space-x"])).toMatchObject({ body: { tool: "read_list", arguments: {}, sub: "space-x" } });
    expect(parseCli(["assistant"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/^usage: assistant/) });
    expect(parseCli(["assistant", "add_items", "{nope"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/not JSON/) });
    expect(parseCli(["assistant", "add_items", "[1]"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/JSON object/) });
  });

  it("reads URLs from flags or the environment", () => {
    const p = parseCli(["status", "--url", "http://127.0.0.1:9000/"], { ALEXA_APP_URL: "http://127.0.0.1:9001" });
    expect(p).toMatchObject({ kind: "call", globals: { emulatorUrl: "http://127.0.0.1:9000", appUrl: "http://127.0.0.1:9001", person: "alice" } });
  });

  it("explains bad usage instead of guessing", () => {
    expect(parseCli([], {})).toEqual({ kind: "help" });
    expect(parseCli(["frobnicate"], {})).toMatchObject({ kind: "error", message: expect.stringMatching(/unknown command/) });
    expect(parseCli(["add", "shopping"], {})).toMatchObject({ kind: "error", message: "usage: add <list> <text>" });
    expect(parseCli(["skew", "soon"], {})).toMatchObject({ kind: "error" });
    expect(parseCli(["app", "message", "not json"], {})).toMatchObject({ kind: "error" });
    expect(parseCli(["deliveries", "--limit"], {})).toMatchObject({ kind: "error", message: "--limit needs a value" });
  });

  it("token reads the local secrets; app webhooks --person filters by the person's user ids", () => {
    expect(parseCli(["token"], {})).toMatchObject({ kind: "call", call: { target: "local", path: ".wrangler/emulator/secrets.json", view: "token" } });
    const filtered = parseCli(["app", "webhooks", "--person", "bob", "--type", "alexa.list."], {});
    expect(filtered).toMatchObject({ kind: "call", globals: { person: "bob" }, call: { target: "app", view: "webhooks" } });
    expect(filtered.kind === "call" && filtered.call.path).toBe("/_app/webhooks?limit=20&type=alexa.list.&{personUserIds}");
    const all = parseCli(["app", "webhooks"], {});
    expect(all.kind === "call" && all.call.path).toBe("/_app/webhooks?limit=20");
  });

  it("parses durations", () => {
    expect(["500ms", "30s", "2", "1.5m", "1h", "-10s", "x"].map(parseDuration)).toEqual([500, 30_000, 2000, 90_000, 3_600_000, -10_000, null]);
  });
});
