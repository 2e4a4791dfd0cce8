import { describe, expect, it } from "vitest";
import { createListApi, ListApiError, MAX_PAGES, type ListApiErrorCode } from "../../src/alexa/list-api.ts";
import { fakeFetch, jsonResponse, type Responder } from "../util/fake-fetch.ts";

const ENDPOINT = "https://api.amazonalexa.com";
const TOKEN = "Atc|token.value";
const SHOPPING = btoa("amzn1.account.AEYUFLJNMJSEJ3JHHGS2A4DIKCAA-SHOPPING_ITEM");
const TODO = btoa("amzn1.account.AEYUFLJNMJSEJ3JHHGS2A4DIKCAA-TASK");
// A list id whose base64 holds "/", "+" and "=": must be percent-encoded in paths.
const TRICKY = btoa("\xfb\xff\xbf\xfe-CUSTOM");
const TRICKY_ENC = encodeURIComponent(TRICKY);

const wireItem = (over: Record<string, unknown> = {}) => ({
  id: "item-1",
  version: 1,
  value: "milk",
  status: "active",
  createdTime: "Sat Jul 22 10:41:04 UTC 2017",
  updatedTime: "Sun Jul 23 08:00:00 UTC 2017",
  href: "/v2/householdlists/x/items/item-1",
  ...over,
});

function api(...script: Responder[]) {
  const ff = fakeFetch(...script);
  const client = createListApi({
    fetch: ff.fetch,
    apiEndpoint: ENDPOINT,
    accessToken: TOKEN,
    timeoutMs: 50,
    now: () => Date.UTC(2024, 0, 1, 12, 0, 0),
  });
  return { client, calls: ff.calls };
}

async function errorOf(p: Promise<unknown>): Promise<ListApiError> {
  const e = await p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ListApiError);
  return e as ListApiError;
}

describe("requests", () => {
  it("GET metadata: trailing slash, bearer token, JSON headers, no body", async () => {
    const { client, calls } = api(jsonResponse({ lists: [] }));
    await client.getListsMetadata();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: "GET",
      url: "https://api.amazonalexa.com/v2/householdlists/",
      body: null,
    });
    expect(calls[0]!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: "application/json",
      "content-type": "application/json",
    });
  });

  it("tolerates a trailing slash on the endpoint and keeps a path prefix", async () => {
    const ff = fakeFetch(jsonResponse({ lists: [] }), jsonResponse({ lists: [] }));
    await createListApi({ fetch: ff.fetch, apiEndpoint: "https://api.eu.amazonalexa.com/", accessToken: "t" }).getListsMetadata();
    await createListApi({ fetch: ff.fetch, apiEndpoint: "http://127.0.0.1:8787/alexa", accessToken: "t" }).getListsMetadata();
    expect(ff.calls.map((c) => c.url)).toEqual([
      "https://api.eu.amazonalexa.com/v2/householdlists/",
      "http://127.0.0.1:8787/alexa/v2/householdlists/",
    ]);
  });

  it("rejects an endpoint that is not an http(s) URL at construction", () => {
    const f = fakeFetch().fetch;
    expect(() => createListApi({ fetch: f, apiEndpoint: "not a url", accessToken: "t" })).toThrow(TypeError);
    expect(() => createListApi({ fetch: f, apiEndpoint: "ftp://api.amazonalexa.com", accessToken: "t" })).toThrow(TypeError);
  });

  it("percent-encodes list and item ids in every path", async () => {
    const list = { listId: TRICKY, name: "n", state: "active", version: 1, items: [] };
    const { client, calls } = api(
      jsonResponse(list),
      jsonResponse({ listId: TRICKY, name: "n", state: "active", version: 2 }),
      new Response(null, { status: 200 }),
      jsonResponse(wireItem(), 201),
      jsonResponse(wireItem()),
      jsonResponse(wireItem({ version: 2 })),
      new Response(null, { status: 200 }),
    );
    await client.getList(TRICKY, "completed");
    await client.updateList(TRICKY, { name: "n", state: "active", version: 1 });
    await client.deleteList(TRICKY);
    await client.createItem(TRICKY, { value: "x" });
    await client.getItem(TRICKY, "a/b+c");
    await client.updateItem(TRICKY, "a/b+c", { value: "x", status: "active", version: 1 });
    await client.deleteItem(TRICKY, "a/b+c");
    const base = "https://api.amazonalexa.com/v2/householdlists";
    expect(TRICKY_ENC).toMatch(/%2F|%2B|%3D/);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      `GET ${base}/${TRICKY_ENC}/completed`,
      `PUT ${base}/${TRICKY_ENC}`,
      `DELETE ${base}/${TRICKY_ENC}`,
      `POST ${base}/${TRICKY_ENC}/items`,
      `GET ${base}/${TRICKY_ENC}/items/a%2Fb%2Bc`,
      `PUT ${base}/${TRICKY_ENC}/items/a%2Fb%2Bc`,
      `DELETE ${base}/${TRICKY_ENC}/items/a%2Fb%2Bc`,
    ]);
  });
});

describe("happy paths", () => {
  it("getListsMetadata maps lists, default kinds and the status map (href or url)", async () => {
    const { client } = api(
      jsonResponse({
        lists: [
          {
            listId: SHOPPING,
            name: "Alexa shopping list",
            state: "active",
            version: 1,
            statusMap: [
              { href: "/v2/householdlists/s/active", status: "active" },
              { url: "/v2/householdlists/s/completed", status: "completed" },
              { status: "broken" },
            ],
          },
          { listId: TODO, name: "Alexa to-do list", state: "active", version: 3 },
          { listId: "custom-id", name: "Garden", state: "archived", version: 7 },
        ],
      }),
    );
    const lists = await client.getListsMetadata();
    expect(lists).toEqual([
      {
        listId: SHOPPING,
        name: "Alexa shopping list",
        state: "active",
        version: 1,
        defaultKind: "shopping",
        statusMap: [
          { href: "/v2/householdlists/s/active", status: "active" },
          { href: "/v2/householdlists/s/completed", status: "completed" },
        ],
      },
      { listId: TODO, name: "Alexa to-do list", state: "active", version: 3, defaultKind: "todo" },
      { listId: "custom-id", name: "Garden", state: "archived", version: 7, defaultKind: null },
    ]);
  });

  it("createList POSTs {name, state} and returns the new list", async () => {
    const { client, calls } = api(jsonResponse({ listId: "new", name: "Garden", state: "active", version: 1 }, 201));
    const list = await client.createList("Garden");
    expect(calls[0]).toMatchObject({ method: "POST", url: "https://api.amazonalexa.com/v2/householdlists/" });
    expect(JSON.parse(calls[0]!.body!)).toEqual({ name: "Garden", state: "active" });
    expect(list).toEqual({ listId: "new", name: "Garden", state: "active", version: 1, defaultKind: null });
  });

  it("getList returns items with ISO dates", async () => {
    const { client, calls } = api(
      jsonResponse({ listId: SHOPPING, name: "Shopping", state: "active", version: 4, items: [wireItem()], links: {} }),
    );
    const list = await client.getList(SHOPPING, "active");
    expect(calls[0]!.url).toBe(`https://api.amazonalexa.com/v2/householdlists/${encodeURIComponent(SHOPPING)}/active`);
    expect(list).toEqual({
      listId: SHOPPING,
      name: "Shopping",
      state: "active",
      version: 4,
      defaultKind: "shopping",
      items: [
        {
          id: "item-1",
          value: "milk",
          status: "active",
          version: 1,
          createdTime: "2017-07-22T10:41:04.000Z",
          updatedTime: "2017-07-23T08:00:00.000Z",
          href: "/v2/householdlists/x/items/item-1",
        },
      ],
    });
  });

  it("getList follows links.next pages on the same origin", async () => {
    const page = (items: unknown[], next?: string) =>
      jsonResponse({ listId: TODO, name: "To-do", state: "active", version: 1, items, ...(next ? { links: { next } } : {}) });
    const { client, calls } = api(
      page([wireItem({ id: "a" })], "v2/householdlists/x/active?nextToken=abc"),
      page([wireItem({ id: "b" })], "/v2/householdlists/x/active?nextToken=def"),
      page([wireItem({ id: "c" })]),
    );
    const list = await client.getList(TODO, "active");
    expect(list.items.map((i) => i.id)).toEqual(["a", "b", "c"]);
    expect(calls.map((c) => c.url)).toEqual([
      `https://api.amazonalexa.com/v2/householdlists/${encodeURIComponent(TODO)}/active`,
      "https://api.amazonalexa.com/v2/householdlists/x/active?nextToken=abc",
      "https://api.amazonalexa.com/v2/householdlists/x/active?nextToken=def",
    ]);
    expect(calls[2]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("getList refuses a next link to another origin, a loop, and endless paging", async () => {
    const page = (next: string) => jsonResponse({ listId: TODO, name: "t", state: "active", version: 1, items: [], links: { next } });
    const offsite = api(page("https://evil.example/v2/steal"));
    expect((await errorOf(offsite.client.getList(TODO, "active"))).code).toBe("INVALID_RESPONSE");
    expect(offsite.calls).toHaveLength(1);

    const loop = api(page("v2/householdlists/x/active?nextToken=1"), page("v2/householdlists/x/active?nextToken=1"));
    expect((await errorOf(loop.client.getList(TODO, "active"))).code).toBe("INVALID_RESPONSE");

    const endless = api(...Array.from({ length: MAX_PAGES + 5 }, (_, i) => page(`v2/x?nextToken=${i}`)));
    expect((await errorOf(endless.client.getList(TODO, "active"))).code).toBe("INVALID_RESPONSE");
    expect(endless.calls).toHaveLength(MAX_PAGES);
  });

  it("getList accepts a list without an items array as empty", async () => {
    const { client } = api(jsonResponse({ listId: TODO, name: "t", state: "active", version: 1 }));
    expect((await client.getList(TODO, "completed")).items).toEqual([]);
  });

  it("getList rejects a status other than active/completed without calling Amazon", async () => {
    const { client, calls } = api();
    const e = await errorOf(client.getList(TODO, "archived" as "active"));
    expect(e.code).toBe("BAD_REQUEST");
    expect(calls).toHaveLength(0);
  });

  it("updateList PUTs name, state and version", async () => {
    const { client, calls } = api(jsonResponse({ listId: "l", name: "New", state: "archived", version: 3 }));
    const list = await client.updateList("l", { name: "New", state: "archived", version: 2 });
    expect(calls[0]!.method).toBe("PUT");
    expect(JSON.parse(calls[0]!.body!)).toEqual({ name: "New", state: "archived", version: 2 });
    expect(list.version).toBe(3);
  });

  it("createItem POSTs value and status (active by default)", async () => {
    const { client, calls } = api(jsonResponse(wireItem(), 201), jsonResponse(wireItem({ status: "completed" }), 201));
    expect((await client.createItem("l", { value: "milk" })).id).toBe("item-1");
    await client.createItem("l", { value: "eggs 🥚", status: "completed" });
    expect(JSON.parse(calls[0]!.body!)).toEqual({ value: "milk", status: "active" });
    expect(JSON.parse(calls[1]!.body!)).toEqual({ value: "eggs 🥚", status: "completed" });
  });

  it("getItem returns the item, null dates when Amazon's are missing or unreadable", async () => {
    const { client } = api(jsonResponse(wireItem({ createdTime: undefined, updatedTime: "garbage", href: undefined })));
    expect(await client.getItem("l", "item-1")).toEqual({
      id: "item-1",
      value: "milk",
      status: "active",
      version: 1,
      createdTime: null,
      updatedTime: null,
    });
  });

  it("deletes succeed on 200 and 204", async () => {
    const { client, calls } = api(new Response(null, { status: 200 }), new Response(null, { status: 204 }));
    await expect(client.deleteItem("l", "i")).resolves.toBe(true);
    await expect(client.deleteList("l")).resolves.toBeUndefined();
    expect(calls.map((c) => c.method)).toEqual(["DELETE", "DELETE"]);
  });
});

describe("updateItem", () => {
  it("with value, status and version: one PUT, no read", async () => {
    const { client, calls } = api(jsonResponse(wireItem({ value: "oat milk", version: 2 })));
    const item = await client.updateItem("l", "item-1", { value: "oat milk", status: "active", version: 1 });
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]!.body!)).toEqual({ value: "oat milk", status: "active", version: 1 });
    expect(item.version).toBe(2);
  });

  it("reads missing fields and the version first", async () => {
    const { client, calls } = api(
      jsonResponse(wireItem({ value: "milk", status: "active", version: 5 })),
      jsonResponse(wireItem({ status: "completed", version: 6 })),
    );
    const item = await client.updateItem("l", "item-1", { status: "completed" });
    expect(calls.map((c) => c.method)).toEqual(["GET", "PUT"]);
    expect(JSON.parse(calls[1]!.body!)).toEqual({ value: "milk", status: "completed", version: 5 });
    expect(item.status).toBe("completed");
  });

  it("keeps the caller's version when given, filling only the missing fields", async () => {
    const { client, calls } = api(jsonResponse(wireItem({ value: "milk", version: 9 })), jsonResponse(wireItem({ version: 4 })));
    await client.updateItem("l", "item-1", { status: "completed", version: 3 });
    expect(JSON.parse(calls[1]!.body!)).toEqual({ value: "milk", status: "completed", version: 3 });
  });

  it("409 → re-reads the version → retries once → success, with fresh values for unset fields", async () => {
    const { client, calls } = api(
      jsonResponse(wireItem({ value: "milk", status: "active", version: 7 })),
      jsonResponse({ message: "version conflict" }, 409),
      jsonResponse(wireItem({ value: "milk (2)", status: "active", version: 8 })),
      jsonResponse(wireItem({ value: "milk (2)", status: "completed", version: 9 })),
    );
    const item = await client.updateItem("l", "item-1", { status: "completed" });
    expect(calls.map((c) => c.method)).toEqual(["GET", "PUT", "GET", "PUT"]);
    expect(JSON.parse(calls[1]!.body!)).toEqual({ value: "milk", status: "completed", version: 7 });
    // Someone renamed it meanwhile: the retry keeps their value and applies our status.
    expect(JSON.parse(calls[3]!.body!)).toEqual({ value: "milk (2)", status: "completed", version: 8 });
    expect(item).toMatchObject({ value: "milk (2)", status: "completed", version: 9 });
  });

  it("409 twice → CONFLICT, with exactly one retry", async () => {
    const { client, calls } = api(
      jsonResponse({ message: "conflict" }, 409),
      jsonResponse(wireItem({ version: 8 })),
      jsonResponse({ message: "conflict again" }, 409),
    );
    const e = await errorOf(client.updateItem("l", "item-1", { value: "x", status: "active", version: 7 }));
    expect(e.code).toBe("CONFLICT");
    expect(e.status).toBe(409);
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("conflict again");
    expect(calls.map((c) => c.method)).toEqual(["PUT", "GET", "PUT"]);
  });

  it("an item deleted meanwhile → NOT_FOUND from the read", async () => {
    const { client } = api(jsonResponse({ type: "NOT_FOUND", message: "Object not found" }, 404));
    const e = await errorOf(client.updateItem("l", "gone", { status: "completed" }));
    expect(e.code).toBe("NOT_FOUND");
    expect(e.message).toContain("Object not found");
  });
});

describe("error mapping", () => {
  const cases: [number, ListApiErrorCode, boolean][] = [
    [400, "BAD_REQUEST", false],
    [401, "UNAUTHORIZED", false],
    [403, "FORBIDDEN", false],
    [404, "NOT_FOUND", false],
    [409, "CONFLICT", false],
    [413, "BAD_REQUEST", false],
    [429, "RATE_LIMITED", true],
    [500, "SERVER_ERROR", true],
    [503, "SERVER_ERROR", true],
  ];
  for (const [status, code, retryable] of cases) {
    it(`${status} → ${code} (retryable: ${retryable})`, async () => {
      const { client } = api(jsonResponse({ type: "X", message: `amazon says ${status}` }, status));
      const e = await errorOf(client.getListsMetadata());
      expect({ code: e.code, status: e.status, retryable: e.retryable }).toEqual({ code, status, retryable });
      expect(e.message).toContain(`amazon says ${status}`);
    });
  }

  it("reads the 403 body's capitalised Message", async () => {
    const { client } = api(jsonResponse({ Message: "User is not authorized to access this resource" }, 403));
    expect((await errorOf(client.getListsMetadata())).message).toContain("not authorized");
  });

  it("429 with Retry-After seconds", async () => {
    const { client } = api(jsonResponse({}, 429, { "retry-after": "30" }));
    const e = await errorOf(client.createItem("l", { value: "x" }));
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.retryAfterMs).toBe(30_000);
  });

  it("429 with a Retry-After HTTP-date (relative to the injected clock)", async () => {
    const { client } = api(jsonResponse({}, 429, { "retry-after": "Mon, 01 Jan 2024 12:02:00 GMT" }));
    expect((await errorOf(client.getListsMetadata())).retryAfterMs).toBe(120_000);
  });

  it("503 with Retry-After; 429 without it has no retryAfterMs", async () => {
    const a = api(new Response("Service Unavailable", { status: 503, headers: { "retry-after": "5" } }));
    const e = await errorOf(a.client.getListsMetadata());
    expect(e).toMatchObject({ code: "SERVER_ERROR", retryAfterMs: 5000 });
    expect(e.message).toContain("Service Unavailable");
    const b = api(jsonResponse({}, 429));
    expect((await errorOf(b.client.getListsMetadata())).retryAfterMs).toBeUndefined();
  });

  it("a timeout → TIMEOUT, retryable", async () => {
    const { client } = api("hang");
    const e = await errorOf(client.getItem("l", "i"));
    expect(e).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(e.status).toBeUndefined();
  });

  it("a network throw → NETWORK, retryable", async () => {
    const { client } = api(new TypeError("Network connection lost."));
    const e = await errorOf(client.deleteItem("l", "i"));
    expect(e).toMatchObject({ code: "NETWORK", retryable: true });
    expect(e.message).toContain("Network connection lost.");
  });

  it("invalid JSON on a 2xx → INVALID_RESPONSE, not retryable", async () => {
    const { client } = api(new Response("<html>oops</html>", { status: 200 }));
    const e = await errorOf(client.getListsMetadata());
    expect(e).toMatchObject({ code: "INVALID_RESPONSE", retryable: false });
  });

  it("invalid JSON on an error status still maps by status", async () => {
    const { client } = api(new Response("<html>502 Bad Gateway</html>", { status: 502 }));
    const e = await errorOf(client.getListsMetadata());
    expect(e.code).toBe("SERVER_ERROR");
    expect(e.message).toContain("HTTP 502");
  });

  it("error messages carry the path but not the access token", async () => {
    const { client } = api(jsonResponse({ message: "nope" }, 400));
    const e = await errorOf(client.createItem("l", { value: "x" }));
    expect(e.message).toContain("POST /v2/householdlists/l/items");
    expect(e.message).not.toContain(TOKEN);
  });

  it("404 on delete counts as done (deleteItem says it found nothing there); other delete errors do not", async () => {
    const { client } = api(
      jsonResponse({ type: "NOT_FOUND", message: "Object not found" }, 404),
      jsonResponse({ message: "Object not found" }, 404),
      jsonResponse({}, 500),
    );
    await expect(client.deleteItem("l", "i")).resolves.toBe(false);
    await expect(client.deleteList("l")).resolves.toBeUndefined();
    expect((await errorOf(client.deleteItem("l", "i"))).code).toBe("SERVER_ERROR");
  });

  it("404 on a read is NOT_FOUND", async () => {
    const { client } = api(jsonResponse({ message: "Object not found" }, 404));
    expect((await errorOf(client.getList("l", "active"))).code).toBe("NOT_FOUND");
  });
});

describe("response validation", () => {
  const bad: [string, unknown][] = [
    ["metadata without lists", {}],
    ["lists not an array", { lists: "x" }],
    ["list without listId", { lists: [{ name: "n", state: "active", version: 1 }] }],
    ["list with empty listId", { lists: [{ listId: "", name: "n", state: "active", version: 1 }] }],
    ["list without name", { lists: [{ listId: "l", state: "active", version: 1 }] }],
    ["list with unknown state", { lists: [{ listId: "l", name: "n", state: "deleted", version: 1 }] }],
    ["list without version", { lists: [{ listId: "l", name: "n", state: "active" }] }],
    ["list entry null", { lists: [null] }],
  ];
  for (const [what, body] of bad) {
    it(`${what} → INVALID_RESPONSE`, async () => {
      const { client } = api(jsonResponse(body));
      expect((await errorOf(client.getListsMetadata())).code).toBe("INVALID_RESPONSE");
    });
  }

  const badItems: [string, Record<string, unknown>][] = [
    ["without id", { id: undefined }],
    ["without value", { value: undefined }],
    ["with a numeric value", { value: 5 }],
    ["with an unknown status", { status: "deleted" }],
    ["without version", { version: undefined }],
    ["with a fractional version", { version: 1.5 }],
    ["with a negative version", { version: -1 }],
  ];
  for (const [what, over] of badItems) {
    it(`item ${what} → INVALID_RESPONSE`, async () => {
      const { client } = api(jsonResponse(wireItem(over), 201));
      expect((await errorOf(client.createItem("l", { value: "x" }))).code).toBe("INVALID_RESPONSE");
    });
  }

  it("an item array entry that is invalid fails the whole getList", async () => {
    const { client } = api(jsonResponse({ listId: "l", name: "n", state: "active", version: 1, items: [wireItem(), { id: "x" }] }));
    expect((await errorOf(client.getList("l", "active"))).code).toBe("INVALID_RESPONSE");
  });

  it("items that are not an array → INVALID_RESPONSE", async () => {
    const { client } = api(jsonResponse({ listId: "l", name: "n", state: "active", version: 1, items: {} }));
    expect((await errorOf(client.getList("l", "active"))).code).toBe("INVALID_RESPONSE");
  });

  it("a numeric-string version is accepted", async () => {
    const { client } = api(jsonResponse(wireItem({ version: "12" })));
    expect((await client.getItem("l", "i")).version).toBe(12);
  });

  it("an empty 2xx body where an object is expected → INVALID_RESPONSE", async () => {
    const { client } = api(new Response(null, { status: 201 }));
    expect((await errorOf(client.createList("x"))).code).toBe("INVALID_RESPONSE");
  });
});
