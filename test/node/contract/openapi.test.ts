/**
 * openapi.json: valid OpenAPI 3.1 (checked by an independent validator,
 * @seriousme/openapi-schema-validator), current (what `npm run openapi`
 * writes), complete (every webhook type the Worker sends), and its examples
 * conform to its own schemas. The TS types of the payloads are checked against
 * the contract's valibot schemas (compile time: npm run typecheck).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { buildOpenApi } from "../../../scripts/openapi/document.ts";
import * as c from "../../../src/contract/schemas.ts";
import { WebhookType, type ItemMovedData, type ItemsChangedData, type ItemsDeletedData, type ListChangedData, type WebhookItem } from "../../../src/sync/payloads.ts";
import type { SnapshotPart } from "../../../src/sync/snapshot.ts";
import type { OperationView } from "../../../src/shared/ports.ts";
import { contractChecker } from "../../e2e/contract.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const committed = JSON.parse(readFileSync(resolve(ROOT, "openapi.json"), "utf8")) as {
  webhooks: Record<string, { post: { requestBody: { content: { "application/json": { example: unknown } } } } }>;
};

describe("openapi.json", () => {
  it("is valid OpenAPI 3.1 to an independent validator", async () => {
    const validator = new Validator();
    const result = await validator.validate(resolve(ROOT, "openapi.json"));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("is what npm run openapi writes (run it after changing a schema)", () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { version: string };
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApi(pkg.version))));
  });

  it("describes every webhook type the Worker sends, and its examples conform", () => {
    const types = [...Object.values(WebhookType), "outbox.completed", "outbox.failed"].sort();
    expect(Object.keys(committed.webhooks).sort()).toEqual(types);
    const check = contractChecker();
    for (const [type, w] of Object.entries(committed.webhooks)) {
      const example = w.post.requestBody.content["application/json"].example;
      expect(check.webhook(example), type).toEqual([]);
      expect(v.safeParse(c.WebhookEventSchema, example).success, type).toBe(true);
    }
  });

  it("the checker the end-to-end tests use catches an undocumented field and a missing one", () => {
    const check = contractChecker();
    const ok = { type: "alexa.list.deleted", userId: "u", timestamp: "2031-01-01T00:00:00.000Z", data: { listId: "L", source: "voice" } };
    expect(check.webhook(ok)).toEqual([]);
    expect(check.webhook({ ...ok, appUserId: "app-7" })).toEqual([]);
    expect(check.webhook({ ...ok, data: { listId: "L", source: "voice", extra: 1 } }).join()).toMatch(/extra/);
    expect(check.webhook({ ...ok, data: { listId: "L" } }).join()).toMatch(/source/);
    // account_linked: the verified app user (verification configured) or the raw token (not), nothing else.
    const linked = { type: "alexa.user.account_linked", userId: "u", timestamp: "2031-01-01T00:00:00.000Z" };
    expect(check.webhook({ ...linked, data: { appUserId: "app-7" } })).toEqual([]);
    expect(check.webhook({ ...linked, data: { accessToken: "tok" } })).toEqual([]);
    expect(check.webhook({ ...linked, data: {} })).not.toEqual([]);
    const op = { id: "op_1", kind: "create", status: "failed", createdAt: "2031-01-01T00:00:00.000Z", updatedAt: "2031-01-01T00:00:00.000Z", reason: "X", error: "X" };
    expect(check.response("GET", "http://w/v1/users/u/operations/op_1", 200, op)).toEqual([]);
    expect(check.response("POST", "http://w/v1/users/u/lists/shopping/items", 400, { error: "VALIDATION_FAILED", message: "m", fields: [{ path: "value", message: "required" }] })).toEqual([]);
    expect(check.response("GET", "http://w/v1/users/u/operations/op_1", 200, { ...op, status: "done" }).join()).toMatch(/status/);
  });
});

describe("the TS types match the contract", () => {
  it("payloads, snapshot parts and operation views", () => {
    // Each way assignable (valibot's inferred object types are not "identical" to interfaces for expect-type).
    type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
    const same = <A, B>(ok: Same<A, B>) => expect(ok).toBe(true);
    same<WebhookItem, c.WebhookItem>(true);
    same<ItemsChangedData, c.WebhookData["alexa.list.items.created"]>(true);
    same<ItemsDeletedData, c.WebhookData["alexa.list.items.deleted"]>(true);
    same<ItemMovedData, c.WebhookData["alexa.list.item.moved"]>(true);
    same<ListChangedData, c.WebhookData["alexa.list.created"]>(true);
    same<SnapshotPart, c.WebhookData["alexa.list.snapshot"]>(true);
    // OperationView.result is `unknown` inside the Worker; the contract narrows it.
    same<Omit<OperationView, "result">, Omit<c.Operation, "result">>(true);
    expectTypeOf<(typeof WebhookType)[keyof typeof WebhookType]>().toExtend<c.WebhookEventType>();
  });
});

describe("openapi.json and the router agree", () => {
  it("documents exactly the routes and methods src/routes/api/router.ts answers", () => {
    const source = readFileSync(resolve(ROOT, "src/routes/api/router.ts"), "utf8");
    const table = [...source.matchAll(/\{ pattern: \[([^\]]*)\], methods: \{([^}]*)\} \}/g)].flatMap(([, pattern, methods]) => {
      const path = `/v1/${pattern!.split(",").map((s) => s.trim().replace(/^"|"$/g, "").replace(/^:(.+)$/, "{$1}")).join("/")}`;
      return [...methods!.matchAll(/([A-Z]+):/g)].map(([, m]) => `${m!.toLowerCase()} ${path.replace("{opId}", "{opId}")}`);
    });
    expect(table.length).toBeGreaterThan(5);
    const doc = committed as unknown as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith("/v1/users/"))
      .flatMap(([path, item]) => Object.keys(item).filter((k) => k !== "parameters").map((m) => `${m} ${path}`));
    expect(documented.sort()).toEqual(table.filter((r) => r.includes(" /v1/users/")).sort());
    for (const path of Object.keys(doc.paths).filter((x) => x.startsWith("/v1/users/"))) {
      expect(Object.keys(doc.paths), path).toContain(path.replace("/v1/users/{userId}", "/v1/app-users/{appUserId}"));
    }
  });

  it("documents /v1/spaces/{spaceId}: the space itself and every list route of /v1/users/{userId} but messages", () => {
    const doc = committed as unknown as { paths: Record<string, Record<string, unknown>> };
    const methods = (prefix: string) =>
      Object.entries(doc.paths)
        .filter(([path]) => path.startsWith(prefix) && !path.endsWith("/messages"))
        .flatMap(([path, item]) => Object.keys(item).filter((k) => k !== "parameters").map((m) => `${m} ${path.slice(prefix.length)}`))
        .sort();
    expect(methods("/v1/spaces/{spaceId}/")).toEqual(methods("/v1/users/{userId}/"));
    expect(Object.keys(doc.paths["/v1/spaces/{spaceId}"]!).filter((k) => k !== "parameters").sort()).toEqual(["delete", "get"]);
    const source = readFileSync(resolve(ROOT, "src/routes/api/router.ts"), "utf8");
    expect(source).toContain('{ pattern: ["spaces", ":spaceId"], methods: { GET: describeSpace, DELETE: deleteSpace } }');
  });
});
