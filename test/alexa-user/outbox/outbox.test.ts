import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sendSkillMessage } from "../../../src/alexa/skill-messaging.ts";
import { LwaTokenSource, lwaTokenSourceFor } from "../../../src/lwa-token-cache.ts";
import { Outbox, type Recipient } from "../../../src/shared/outbox/outbox.ts";
import {
  DEFAULT_EXPIRES_AFTER_S,
  DELIVERY_GRACE_MS,
  MAX_ATTEMPTS,
  MAX_SENDS,
  RETENTION_MS,
  SEND_BATCH,
} from "../../../src/shared/outbox/policy.ts";
import type { TokenSource } from "../../../src/shared/outbox/deliver.ts";
import { TOKEN_URL, fakeAmazon, recordingWebhooks, type FakeAmazon } from "./fakes.ts";

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const EU = "https://api.eu.amazonalexa.com";
let counter = 0;

interface Rig {
  outbox: Outbox;
  amazon: FakeAmazon;
  hooks: ReturnType<typeof recordingWebhooks>["queued"];
  wakes: number[];
  clock: { t: number };
  tokens: TokenSource;
  recipient: { value: Recipient | null };
  userId: string;
}

function makeRig(sql: SqlStorage, opts: { amazon?: FakeAmazon; tokens?: TokenSource; userId: string }): Rig {
  const amazon = opts.amazon ?? fakeAmazon();
  const clock = { t: T0 };
  const n = ++counter;
  const tokens =
    opts.tokens ??
    new LwaTokenSource({
      kv: env.TOKEN_CACHE,
      fetch: amazon.fetch,
      tokenUrl: TOKEN_URL,
      clientId: `outbox-test-client-${n}`,
      clientSecret: "secret",
      kvKey: `outbox-test-token-${n}`,
      now: () => clock.t,
    });
  const { port, queued } = recordingWebhooks();
  const wakes: number[] = [];
  const recipient: { value: Recipient | null } = { value: { userId: opts.userId, apiEndpoint: EU, enabled: true } };
  const outbox = new Outbox({
    sql,
    webhooks: port,
    transport: { send: sendSkillMessage, fetch: amazon.fetch, tokens },
    recipient: () => recipient.value,
    wake: (at) => wakes.push(at),
    now: () => clock.t,
    random: () => 0.5,
  });
  return { outbox, amazon, hooks: queued, wakes, clock, tokens, recipient, userId: opts.userId };
}

/** Runs `fn` inside a fresh user object, with an outbox built on its SQLite. */
async function withOutbox<R>(fn: (rig: Rig, sql: SqlStorage) => Promise<R>, opts: { amazon?: FakeAmazon; tokens?: TokenSource } = {}): Promise<R> {
  const userId = `amzn1.ask.account.OUTBOX${++counter}`;
  const stub = env.ALEXA_USER.getByName(userId);
  return runInDurableObject(stub, (_instance, state) => fn(makeRig(state.storage.sql, { ...opts, userId }), state.storage.sql));
}

describe("outbox: sending", () => {
  it("sends queued operations at once, in order, as bridge messages to the user's region", async () => {
    await withOutbox(async ({ outbox, amazon, wakes, clock, userId }) => {
      const a = outbox.enqueue({ kind: "create", list: "shopping", value: "milk" });
      const b = outbox.enqueue({ kind: "delete", list: "todo", itemRef: "item-9" });
      const c = outbox.enqueue({ kind: "message", data: { hello: "world" } }, { expiresAfterSeconds: 120 });
      expect(a.outcome).toBe("created");
      // Every enqueue asks the alarm for an immediate run.
      expect(wakes).toEqual([T0, T0, T0]);
      if (a.outcome !== "created" || b.outcome !== "created" || c.outcome !== "created") throw new Error("unreachable");
      expect(a.view).toMatchObject({ kind: "create", status: "queued" });

      const next = await outbox.runDue(clock.t);

      expect(amazon.sent.map((m) => m.data.opId)).toEqual([a.view.id, b.view.id, c.view.id]);
      expect(amazon.sent[0]!.url).toBe(`${EU}/v1/skillmessages/users/${encodeURIComponent(userId)}`);
      expect(amazon.sent[0]!.data).toEqual({ alb: "1", opId: a.view.id, op: JSON.stringify({ kind: "create", list: "shopping", value: "milk" }) });
      expect(amazon.sent.map((m) => m.expiresAfterSeconds)).toEqual([DEFAULT_EXPIRES_AFTER_S, DEFAULT_EXPIRES_AFTER_S, 120]);
      expect(outbox.get(a.view.id)?.status).toBe("sent");
      // Next wake-up: the earliest delivery deadline (the 120 s message).
      expect(next).toBe(T0 + 120_000 + DELIVERY_GRACE_MS);
    });
  });

  it("takes one LWA token for many sends, also when two outboxes send concurrently", async () => {
    const amazon = fakeAmazon();
    amazon.tokenDelayMs = 20; // both outboxes ask while the first token request is in flight
    const n = ++counter;
    const tokens = new LwaTokenSource({
      kv: env.TOKEN_CACHE,
      fetch: amazon.fetch,
      tokenUrl: TOKEN_URL,
      clientId: `outbox-shared-client-${n}`,
      clientSecret: "secret",
      kvKey: `outbox-shared-token-${n}`,
    });
    const runOne = () =>
      withOutbox(
        async ({ outbox }) => {
          // One batch each (SEND_BATCH per alarm run keeps an invocation within 50 subrequests).
          for (let i = 0; i < SEND_BATCH; i++) outbox.enqueue({ kind: "create", list: "todo", value: `task ${i}` });
          await outbox.runDue(T0);
        },
        { amazon, tokens },
      );
    await Promise.all([runOne(), runOne()]);
    expect(amazon.sent).toHaveLength(2 * SEND_BATCH);
    expect(amazon.tokenRequests).toBe(1);
    expect(new Set(amazon.sent.map((m) => m.token))).toEqual(new Set(["tok-1"]));
  });

  it("on a 401 drops the token, fetches a fresh one and retries once", async () => {
    await withOutbox(async ({ outbox, amazon, clock }) => {
      amazon.reply = (msg) => (msg.token === "tok-1" ? { status: 401, body: { message: "token expired" } } : { status: 202 });
      const r = outbox.enqueue({ kind: "sync" });
      await outbox.runDue(clock.t);
      expect(amazon.tokenRequests).toBe(2);
      expect(amazon.attempts.map((m) => m.token)).toEqual(["tok-1", "tok-2"]);
      expect(r.outcome === "created" && outbox.get(r.view.id)?.status).toBe("sent");
      // The fresh token is then reused.
      outbox.enqueue({ kind: "sync" });
      await outbox.runDue(clock.t);
      expect(amazon.tokenRequests).toBe(2);
      expect(amazon.sent.map((m) => m.token)).toEqual(["tok-2", "tok-2"]);
    });
  });

  it("a second 401 in a row does not loop: the operation waits for a retry", async () => {
    await withOutbox(async ({ outbox, amazon, clock }) => {
      amazon.reply = () => ({ status: 401 });
      const r = outbox.enqueue({ kind: "sync" });
      const next = await outbox.runDue(clock.t);
      expect(amazon.attempts).toHaveLength(2);
      expect(r.outcome === "created" && outbox.get(r.view.id)?.status).toBe("queued");
      expect(next).toBeGreaterThan(clock.t);
    });
  });
});

describe("outbox: retries", () => {
  it("429 with Retry-After: the next try is no earlier than Retry-After, and the queue holds behind it", async () => {
    await withOutbox(async ({ outbox, amazon, clock }) => {
      amazon.reply = (_m, attempt) => (attempt === 1 ? { status: 429, headers: { "retry-after": "120" } } : { status: 202 });
      const a = outbox.enqueue({ kind: "create", list: "shopping", value: "eggs" });
      const b = outbox.enqueue({ kind: "create", list: "shopping", value: "ham" });
      if (a.outcome !== "created" || b.outcome !== "created") throw new Error("unreachable");

      const next = await outbox.runDue(clock.t);
      expect(next).not.toBeNull();
      expect(next!).toBeGreaterThanOrEqual(T0 + 120_000);
      expect(amazon.attempts).toHaveLength(1); // b was not tried into the rate limit
      expect(outbox.get(a.view.id)?.status).toBe("queued");
      expect(outbox.nextDueAt()).toBe(next);

      // An alarm that fires early (e.g. woken by other work) still respects the hold.
      clock.t = T0 + 119_000;
      await outbox.runDue(clock.t);
      expect(amazon.attempts).toHaveLength(1);

      clock.t = next!;
      await outbox.runDue(clock.t);
      expect(amazon.sent.map((m) => m.data.opId)).toEqual([a.view.id, b.view.id]);
    });
  });

  it("5xx is retried with backoff, then fails for good with an outbox.failed webhook", async () => {
    await withOutbox(async ({ outbox, amazon, clock, hooks }) => {
      amazon.reply = () => ({ status: 503, body: { message: "try later" } });
      const r = outbox.enqueue({ kind: "complete", list: "todo", itemRef: "x1" });
      if (r.outcome !== "created") throw new Error("unreachable");
      let previous = clock.t;
      for (let i = 1; i < MAX_ATTEMPTS; i++) {
        const next = await outbox.runDue(clock.t);
        expect(outbox.get(r.view.id)?.status).toBe("queued");
        expect(next!).toBeGreaterThan(previous);
        previous = next!;
        clock.t = next!;
      }
      await outbox.runDue(clock.t);
      expect(amazon.attempts).toHaveLength(MAX_ATTEMPTS);
      const view = outbox.get(r.view.id)!;
      expect(view.status).toBe("failed");
      expect(view.reason).toMatch(/gave up after 10 attempts: SERVER_ERROR/);
      expect(view.error).toBe(view.reason); // the deprecated alias
      expect(hooks).toEqual([
        { type: "outbox.failed", data: { source: "app", opId: r.view.id, kind: "complete", status: "failed", reason: view.reason } },
      ]);
    });
  });

  it.each([
    [400, "BAD_REQUEST"],
    [403, "FORBIDDEN"],
    [404, "NOT_FOUND"],
  ])("%i fails the operation with the reason and moves on to the next", async (status, code) => {
    await withOutbox(async ({ outbox, amazon, clock, hooks }) => {
      amazon.reply = (_m, attempt) => (attempt === 1 ? { status, body: { message: "Amazon says no" } } : { status: 202 });
      const a = outbox.enqueue({ kind: "sync" });
      const b = outbox.enqueue({ kind: "sync" });
      if (a.outcome !== "created" || b.outcome !== "created") throw new Error("unreachable");
      await outbox.runDue(clock.t);
      expect(outbox.get(a.view.id)).toMatchObject({ status: "failed", error: `${code}: Amazon says no` });
      expect(outbox.get(b.view.id)?.status).toBe("sent");
      expect(hooks).toEqual([
        { type: "outbox.failed", data: { source: "app", opId: a.view.id, kind: "sync", status: "failed", reason: `${code}: Amazon says no` } },
      ]);
    });
  });
});

describe("outbox: LWA configuration errors fail at once", () => {
  afterEach(() => vi.restoreAllMocks());

  it("missing LWA credentials: every due operation fails with the reason, nothing is sent, one log line", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    // What the object's transport does: build the token source from the environment at first use.
    const unconfigured = { TOKEN_CACHE: env.TOKEN_CACHE, LWA_CLIENT_ID: "amzn1.application-oa2-client.x", LWA_CLIENT_SECRET: " " };
    const tokens: TokenSource = {
      getToken: () => lwaTokenSourceFor(unconfigured).getToken(),
      invalidate: (t) => lwaTokenSourceFor(unconfigured).invalidate(t),
    };
    await withOutbox(
      async ({ outbox, amazon, clock, hooks }) => {
        const a = outbox.enqueue({ kind: "sync" });
        const b = outbox.enqueue({ kind: "create", list: "todo", value: "x" });
        if (a.outcome !== "created" || b.outcome !== "created") throw new Error("unreachable");
        expect(await outbox.runDue(clock.t)).toBeNull();

        const reason = outbox.get(a.view.id)!.reason!;
        expect(reason).toMatch(/^LWA_NOT_CONFIGURED: LWA_CLIENT_SECRET not set/);
        expect(outbox.get(a.view.id)?.status).toBe("failed");
        expect(outbox.get(b.view.id)).toMatchObject({ status: "failed", error: reason });
        expect(hooks).toEqual([
          { type: "outbox.failed", data: { source: "app", opId: a.view.id, kind: "sync", status: "failed", reason } },
          { type: "outbox.failed", data: { source: "app", opId: b.view.id, kind: "create", status: "failed", reason } },
        ]);
        expect(amazon.tokenRequests).toBe(0);
        expect(amazon.attempts).toHaveLength(0);

        // A later operation fails the same way; the object does not log again.
        const c = outbox.enqueue({ kind: "sync" });
        await outbox.runDue(clock.t);
        expect(c.outcome === "created" && outbox.get(c.view.id)?.status).toBe("failed");
        expect(errors).toHaveBeenCalledTimes(1);
        expect(String(errors.mock.calls[0]![0])).toMatch(/LWA_NOT_CONFIGURED: LWA_CLIENT_SECRET not set/);
      },
      { tokens },
    );
  });

  it("LWA refuses the credentials (invalid_client): fails at once after one token request, not ten attempts", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const amazon = fakeAmazon();
    let tokenRequests = 0;
    const lwaRefuses = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (new Request(input, init).url !== TOKEN_URL) return amazon.fetch(input, init);
      tokenRequests++;
      return Response.json({ error: "invalid_client", error_description: "Client authentication failed" }, { status: 401 });
    }) as typeof fetch;
    const n = ++counter;
    const tokens = new LwaTokenSource({
      kv: env.TOKEN_CACHE,
      fetch: lwaRefuses,
      tokenUrl: TOKEN_URL,
      clientId: `outbox-bad-client-${n}`,
      clientSecret: "wrong",
      kvKey: `outbox-bad-token-${n}`,
    });
    await withOutbox(
      async ({ outbox, clock, hooks }) => {
        const ids = [outbox.enqueue({ kind: "sync" }), outbox.enqueue({ kind: "sync" }), outbox.enqueue({ kind: "sync" })].map((r) =>
          r.outcome === "created" ? r.view.id : "",
        );
        expect(await outbox.runDue(clock.t)).toBeNull();
        const views = ids.map((id) => outbox.get(id)!);
        expect(views.map((v) => v.status)).toEqual(["failed", "failed", "failed"]);
        expect(views[0]!.reason).toMatch(/^LWA_INVALID_CLIENT: LWA token request: 401 .*check LWA_CLIENT_ID and LWA_CLIENT_SECRET/);
        expect(hooks.map((h) => h.type)).toEqual(["outbox.failed", "outbox.failed", "outbox.failed"]);
        expect(tokenRequests).toBe(1);
        expect(amazon.attempts).toHaveLength(0);
        expect(errors).toHaveBeenCalledTimes(1);
      },
      { amazon, tokens },
    );
  });

  it("a token endpoint that is down is still retried like a transport failure", async () => {
    const amazon = fakeAmazon();
    const down = (async (input: RequestInfo | URL, init?: RequestInit) =>
      new Request(input, init).url === TOKEN_URL ? new Response("unavailable", { status: 503 }) : amazon.fetch(input, init)) as typeof fetch;
    const n = ++counter;
    const tokens = new LwaTokenSource({
      kv: env.TOKEN_CACHE,
      fetch: down,
      tokenUrl: TOKEN_URL,
      clientId: `outbox-down-client-${n}`,
      clientSecret: "secret",
      kvKey: `outbox-down-token-${n}`,
    });
    await withOutbox(
      async ({ outbox, clock, hooks }) => {
        const r = outbox.enqueue({ kind: "sync" });
        const next = await outbox.runDue(clock.t);
        expect(r.outcome === "created" && outbox.get(r.view.id)?.status).toBe("queued");
        expect(next).toBeGreaterThan(clock.t);
        expect(hooks).toEqual([]);
      },
      { amazon, tokens },
    );
  });
});

describe("outbox: confirmation and expiry", () => {
  it("complete → completed with outbox.completed; a duplicate confirmation is ignored", async () => {
    await withOutbox(async ({ outbox, clock, hooks }) => {
      const r = outbox.enqueue({ kind: "create", list: "shopping", value: "milk", appItemId: "app-1" });
      if (r.outcome !== "created") throw new Error("unreachable");
      await outbox.runDue(clock.t);
      clock.t += 5_000;
      const result = { alexaItemId: "alexa-1", listId: "L1", version: 1 };
      outbox.complete(r.view.id, result);
      outbox.complete(r.view.id, result);
      expect(outbox.get(r.view.id)).toMatchObject({ status: "completed", result, updatedAt: new Date(clock.t).toISOString() });
      expect(hooks).toEqual([{ type: "outbox.completed", data: { source: "app", opId: r.view.id, kind: "create", result } }]);
      expect(outbox.nextDueAt()).toBeNull();
    });
  });

  it("fail from the receiver → failed with outbox.failed", async () => {
    await withOutbox(async ({ outbox, clock, hooks }) => {
      const r = outbox.enqueue({ kind: "delete", list: "todo", itemRef: "gone" });
      if (r.outcome !== "created") throw new Error("unreachable");
      await outbox.runDue(clock.t);
      outbox.fail(r.view.id, "ITEM_NOT_FOUND: no item gone");
      outbox.fail(r.view.id, "again");
      expect(outbox.get(r.view.id)).toMatchObject({ status: "failed", error: "ITEM_NOT_FOUND: no item gone" });
      expect(hooks).toEqual([
        { type: "outbox.failed", data: { source: "app", opId: r.view.id, kind: "delete", status: "failed", reason: "ITEM_NOT_FOUND: no item gone" } },
      ]);
    });
  });

  it("an unconfirmed message is re-sent after it expires, then marked expired with outbox.failed", async () => {
    await withOutbox(async ({ outbox, amazon, clock, hooks }) => {
      const r = outbox.enqueue({ kind: "message", data: { n: 1 } }, { expiresAfterSeconds: 300 });
      if (r.outcome !== "created") throw new Error("unreachable");
      for (let send = 1; send <= MAX_SENDS; send++) {
        const deadline = await outbox.runDue(clock.t);
        expect(amazon.sent).toHaveLength(send);
        expect(outbox.get(r.view.id)?.status).toBe("sent");
        expect(deadline).toBe(clock.t + 300_000 + DELIVERY_GRACE_MS);
        // Not yet: one ms before the deadline nothing changes.
        clock.t = deadline! - 1;
        await outbox.runDue(clock.t);
        expect(amazon.sent).toHaveLength(send);
        clock.t = deadline!;
      }
      const next = await outbox.runDue(clock.t);
      expect(amazon.sent).toHaveLength(MAX_SENDS);
      expect(new Set(amazon.sent.map((m) => m.data.opId))).toEqual(new Set([r.view.id]));
      const view = outbox.get(r.view.id)!;
      expect(view.status).toBe("expired");
      expect(view.reason).toMatch(/not confirmed by Alexa after 3 sends/);
      expect(hooks).toEqual([{ type: "outbox.failed", data: { source: "app", opId: r.view.id, kind: "message", status: "expired", reason: view.reason } }]);
      expect(next).toBeNull();

      // A confirmation that arrives after all still wins: the change did happen.
      outbox.complete(r.view.id, { ok: true });
      expect(outbox.get(r.view.id)?.status).toBe("completed");
      expect(hooks.at(-1)).toEqual({ type: "outbox.completed", data: { source: "app", opId: r.view.id, kind: "message", result: { ok: true } } });
    });
  });
});

describe("outbox: per-item order", () => {
  it("an update of an item waits until the create of that item is confirmed; others do not wait", async () => {
    await withOutbox(async ({ outbox, amazon, clock, wakes }) => {
      const create = outbox.enqueue({ kind: "create", list: "todo", value: "call mum", appItemId: "app-7" });
      const update = outbox.enqueue({ kind: "update", list: "todo", itemRef: "app-7", value: "call mum at 6" });
      const other = outbox.enqueue({ kind: "create", list: "todo", value: "unrelated" });
      if (create.outcome !== "created" || update.outcome !== "created" || other.outcome !== "created") throw new Error("unreachable");

      const next = await outbox.runDue(clock.t);
      expect(amazon.sent.map((m) => m.data.opId)).toEqual([create.view.id, other.view.id]);
      expect(outbox.get(update.view.id)?.status).toBe("queued");
      // The blocked update does not make the alarm spin: next is a delivery deadline.
      expect(next!).toBeGreaterThan(clock.t);

      wakes.length = 0;
      outbox.complete(create.view.id, { alexaItemId: "a-7" });
      expect(wakes).toEqual([T0]); // unblocked: due at once
      await outbox.runDue(clock.t);
      expect(amazon.sent.map((m) => m.data.opId)).toEqual([create.view.id, other.view.id, update.view.id]);
    });
  });
});

describe("outbox: idempotency", () => {
  it("the same key and request return the same operation; another request with that key conflicts", async () => {
    await withOutbox(async ({ outbox }) => {
      const op = { kind: "create", list: "shopping", value: "milk", status: "active" } as const;
      const first = outbox.enqueue(op, { idempotencyKey: "k-1" });
      // Same content, other key order: still the same request.
      const again = outbox.enqueue({ status: "active", value: "milk", list: "shopping", kind: "create" }, { idempotencyKey: "k-1" });
      const other = outbox.enqueue({ ...op, value: "oat milk" }, { idempotencyKey: "k-1" });
      const otherExpiry = outbox.enqueue(op, { idempotencyKey: "k-1", expiresAfterSeconds: 600 });
      if (first.outcome !== "created") throw new Error("unreachable");
      expect(again).toEqual({ outcome: "replayed", view: first.view });
      expect(other).toEqual({ outcome: "conflict", existingId: first.view.id });
      expect(otherExpiry.outcome).toBe("conflict");
      const fresh = outbox.enqueue(op, { idempotencyKey: "k-2" });
      expect(fresh.outcome === "created" && fresh.view.id).not.toBe(first.view.id);
    });
  });
});

describe("outbox: user state and housekeeping", () => {
  it("fails queued operations when the user has disabled the skill", async () => {
    await withOutbox(async ({ outbox, amazon, clock, hooks, recipient, userId }) => {
      const r = outbox.enqueue({ kind: "sync" });
      if (r.outcome !== "created") throw new Error("unreachable");
      recipient.value = { userId, apiEndpoint: EU, enabled: false };
      const next = await outbox.runDue(clock.t);
      expect(amazon.attempts).toHaveLength(0);
      expect(outbox.get(r.view.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/^USER_DISABLED/) });
      expect(hooks.map((h) => h.type)).toEqual(["outbox.failed"]);
      expect(next).toBeNull();
    });
  });

  it("deletes finished operations (and their idempotency keys) after the retention period", async () => {
    await withOutbox(async ({ outbox, clock }) => {
      const r = outbox.enqueue({ kind: "sync" }, { idempotencyKey: "old" });
      if (r.outcome !== "created") throw new Error("unreachable");
      await outbox.runDue(clock.t);
      outbox.complete(r.view.id, null);
      clock.t += RETENTION_MS - 1;
      await outbox.runDue(clock.t);
      expect(outbox.get(r.view.id)?.status).toBe("completed");
      clock.t += 2;
      await outbox.runDue(clock.t);
      expect(outbox.get(r.view.id)).toBeNull();
      expect(outbox.enqueue({ kind: "sync" }, { idempotencyKey: "old" }).outcome).toBe("created");
    });
  });
});
