import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { dispatchAlexaRequest } from "../../src/alexa-user/dispatch.ts";
import {
  migrateWebhookQueue,
  UNCONFIGURED_ERROR,
  WEBHOOK_BACKOFF,
  WEBHOOK_MIN_RETRY_MS,
  WEBHOOK_RETRY_WINDOW_MS,
  WebhookQueue,
  type WebhookConfig,
} from "../../src/shared/webhook-queue.ts";
import { APP_SECRET, APP_URL, clock, newUserId, settle, skillEvent, T0, userStub } from "./fakes.ts";
import { useFakes } from "./harness.ts";

const { app } = useFakes();

async function send(e: Parameters<typeof dispatchAlexaRequest>[1]): Promise<number> {
  return (await dispatchAlexaRequest(env, e)).status;
}

describe("webhooks from the user object", () => {
  it("are signed per Standard Webhooks (verified with the standardwebhooks package)", async () => {
    const user = newUserId("sig");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    await settle(stub);

    const [d] = app.deliveries;
    expect(d).toBeDefined();
    expect(d!.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(d!.headers["webhook-timestamp"]).toBe(String(Math.floor(T0 / 1000)));
    expect(d!.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(d!.headers["content-type"]).toBe("application/json");
    // The package checks the timestamp against the real clock: verify "at" the test clock.
    vi.useFakeTimers({ now: T0, toFake: ["Date"] });
    try {
      const verified = new Webhook(APP_SECRET).verify(d!.raw, d!.headers);
      expect(verified).toEqual({ type: "alexa.user.enabled", userId: user, timestamp: new Date(T0).toISOString(), data: {} });
      expect(() => new Webhook(APP_SECRET).verify(d!.raw.replace("enabled", "disabled"), d!.headers)).toThrow();
    } finally {
      vi.useRealTimers();
    }
  });

  it("while the app is down: retried by the alarm with the same webhook-id, in order, nothing overtakes", async () => {
    const user = newUserId("down");
    const stub = await userStub(user);
    app.status = 500;
    await send(skillEvent(user, "SkillEnabled"));
    await send(skillEvent(user, "SkillAccountLinked", { accessToken: "t1" }));
    await send(skillEvent(user, "SkillPermissionChanged", { acceptedPermissions: [{ scope: "alexa::household:lists:read" }] }));
    await settle(stub);

    // Only the head was tried, once per kick; the later two wait behind it.
    expect(new Set(app.deliveries.map((d) => d.body.type))).toEqual(new Set(["alexa.user.enabled"]));
    const firstId = app.deliveries[0]!.headers["webhook-id"];

    // Two more failed alarm runs, then the app comes back.
    for (let i = 0; i < 2; i++) {
      const queue = await stub.webhookQueue();
      clock.t = queue[0]!.nextAttemptAt;
      expect(await runDurableObjectAlarm(stub)).toBe(true);
    }
    const head = (await stub.webhookQueue())[0]!;
    expect(head.attempts).toBeGreaterThanOrEqual(3);
    expect(head.lastError).toBe("HTTP 500");
    app.status = 200;
    clock.t = head.nextAttemptAt;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);

    expect(app.types()).toEqual(["alexa.user.enabled", "alexa.user.account_linked", "alexa.user.permissions_changed"]);
    const enabledTries = app.deliveries.filter((d) => d.body.type === "alexa.user.enabled");
    expect(new Set(enabledTries.map((d) => d.headers["webhook-id"]))).toEqual(new Set([firstId]));
    // Each try is signed at its own time and still verifies.
    const timestamps = new Set(enabledTries.map((d) => d.headers["webhook-timestamp"]));
    expect(timestamps.size).toBeGreaterThan(1);
    expect(await stub.webhookQueue()).toEqual([]);
  });

  it("the queue survives eviction and is delivered by the alarm", async () => {
    const user = newUserId("evict");
    let stub = await userStub(user);
    app.status = 503;
    await send(skillEvent(user, "SkillEnabled"));
    await settle(stub);
    const { evictDurableObject } = await import("cloudflare:test");
    await evictDurableObject(stub);
    stub = await userStub(user);

    app.status = 200;
    clock.t = T0 + 2 * 60 * 60 * 1000;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(stub);
    expect(app.types()).toEqual(["alexa.user.enabled"]);
  });
});

describe("WebhookQueue", () => {
  type Call = { id: string; type: string };

  /** A queue on a fresh object's SQL, with its own fetch and clock. */
  async function withQueue<T>(
    config: WebhookConfig,
    respond: (call: Call, n: number) => Response | Promise<Response>,
    body: (q: WebhookQueue, calls: Call[], t: { now: number }) => Promise<T>,
  ): Promise<T> {
    const stub = env.ALEXA_USER.getByName(newUserId("queue"));
    return runInDurableObject(stub, async (_i: AlexaUser, state) => {
      migrateWebhookQueue(state.storage.sql);
      const calls: Call[] = [];
      const t = { now: T0 };
      const q = new WebhookQueue({
        sql: state.storage.sql,
        userId: () => "user-q",
        now: () => t.now,
        random: () => 0.5,
        config,
        fetch: async (input, init) => {
          const headers = new Headers(init?.headers);
          const call = { id: headers.get("webhook-id")!, type: (JSON.parse(String(init?.body)) as { type: string }).type };
          calls.push(call);
          expect(String(input)).toBe(APP_URL);
          return respond(call, calls.length);
        },
      });
      return body(q, calls, t);
    });
  }

  const configured = { url: APP_URL, secret: APP_SECRET };

  it("a webhook costs one row written to queue it and one to remove it once delivered (no index, no AUTOINCREMENT counter)", async () => {
    const stub = env.ALEXA_USER.getByName(newUserId("queue-rows"));
    await runInDurableObject(stub, async (_i: AlexaUser, state) => {
      migrateWebhookQueue(state.storage.sql);
      const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
      const counted = {
        exec: (q: string, ...b: SqlStorageValue[]) => {
          const c = state.storage.sql.exec(q, ...b);
          cursors.push(c);
          return c;
        },
      } as unknown as SqlStorage;
      const written = () => cursors.reduce((n, c) => n + c.rowsWritten, 0);
      const q = new WebhookQueue({ sql: counted, userId: () => "u", now: () => T0, config: { url: APP_URL, secret: APP_SECRET }, fetch: async () => new Response(null, { status: 204 }) });
      q.enqueue("a", {});
      expect(written()).toBe(1);
      await q.drain();
      expect(written()).toBe(2);
    });
  });

  it("a queue from before schema version 2 (AUTOINCREMENT, UNIQUE msg_id) is rebuilt with its rows, in order", async () => {
    const stub = env.ALEXA_USER.getByName(newUserId("queue-v1"));
    await runInDurableObject(stub, async (_i: AlexaUser, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE webhook_queue");
      sql.exec(`CREATE TABLE webhook_queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, msg_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL,
        created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT, dead_at INTEGER)`);
      sql.exec("INSERT INTO webhook_queue (seq, msg_id, type, body, created_at, next_attempt_at) VALUES (7, 'msg_old', 'old', '{}', 1, 1)");
      migrateWebhookQueue(sql);
      expect(sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'webhook_queue'").one().sql).not.toMatch(/AUTOINCREMENT|UNIQUE/);
      const q = new WebhookQueue({ sql, userId: () => "u", now: () => T0, config: { url: undefined, secret: undefined }, fetch });
      q.enqueue("new", {});
      expect(q.list().map((w) => [w.seq, w.msgId === "msg_old" ? "msg_old" : "new", w.type])).toEqual([[7, "msg_old", "old"], [8, "new", "new"]]);
    });
  });

  it("backs off exponentially (jittered) and honours Retry-After, up to the cap", async () => {
    await withQueue(
      configured,
      (_c, n) => new Response(null, { status: 429, headers: n === 3 ? { "retry-after": "600" } : {} }),
      async (q, _calls, t) => {
        q.enqueue("a", {});
        const delays: number[] = [];
        for (let i = 0; i < 3; i++) {
          const next = (await q.drain())!;
          delays.push(next - t.now);
          t.now = next;
        }
        // random 0.5 → half of the cap: 5 s · 2^n / 2, floored at the minimum.
        expect(delays[0]).toBe(Math.max(WEBHOOK_MIN_RETRY_MS, WEBHOOK_BACKOFF.baseMs / 2));
        expect(delays[1]).toBe(WEBHOOK_BACKOFF.baseMs);
        expect(delays[2]).toBe(600_000);
      },
    );
  });

  it("dead-letters a webhook still failing after 24 h, keeps it, and moves on", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await withQueue(
      configured,
      (c) => new Response(null, { status: c.type === "first" ? 500 : 204 }),
      async (q, calls, t) => {
        q.enqueue("first", { n: 1 });
        q.enqueue("second", { n: 2 });
        let next = await q.drain();
        while (next !== null && t.now - T0 < WEBHOOK_RETRY_WINDOW_MS) {
          t.now = next;
          next = await q.drain();
        }
        expect(next).toBeNull();
        expect(calls.filter((c) => c.type === "second")).toHaveLength(1);
        // Every try of "first" before the dead letter; none after 24 h from queuing without a last try.
        const firstTries = calls.filter((c) => c.type === "first");
        expect(firstTries.length).toBeGreaterThan(10);
        expect(new Set(firstTries.map((c) => c.id)).size).toBe(1);
        expect(calls.at(-1)!.type).toBe("second");
        const rows = q.list();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ type: "first", lastError: "HTTP 500" });
        expect(rows[0]!.deadAt).toBeGreaterThanOrEqual(T0 + WEBHOOK_RETRY_WINDOW_MS);
        expect(q.pendingCount()).toBe(0);
        expect(errors).toHaveBeenCalledWith("webhooks: dead letter", expect.objectContaining({ type: "first", reason: "retry window exhausted" }));

        // An operator can put it back.
        expect(q.redriveDeadLetters()).toBe(1);
        await q.drain();
        expect(calls.at(-1)!.type).toBe("first");
      },
    );
  });

  it("410 Gone dead-letters at once and the next webhook goes out", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await withQueue(
      configured,
      (c) => new Response(null, { status: c.type === "gone" ? 410 : 200 }),
      async (q, calls) => {
        q.enqueue("gone", {});
        q.enqueue("next", {});
        expect(await q.drain()).toBeNull();
        expect(calls.map((c) => c.type)).toEqual(["gone", "next"]);
        expect(q.list().map((r) => [r.type, r.deadAt !== null])).toEqual([["gone", true]]);
      },
    );
  });

  it("a network failure or timeout counts as a failed try", async () => {
    await withQueue(
      configured,
      () => {
        throw new TypeError("connection refused");
      },
      async (q) => {
        q.enqueue("x", {});
        expect(await q.drain()).not.toBeNull();
        expect(q.list()[0]).toMatchObject({ attempts: 1, lastError: "connection refused" });
      },
    );
  });

  it("without APP_WEBHOOK_URL or secret: queues, never sends, warns once, and wakes when the head's window ends", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await withQueue(
      { url: undefined, secret: APP_SECRET },
      () => new Response(null),
      async (q, calls) => {
        q.enqueue("a", {});
        expect(await q.drain()).toBe(T0 + WEBHOOK_RETRY_WINDOW_MS);
        q.enqueue("b", {});
        expect(await q.runDue(T0)).toBe(T0 + WEBHOOK_RETRY_WINDOW_MS);
        expect(calls).toHaveLength(0);
        expect(q.pendingCount()).toBe(2);
        expect(q.configured).toBe(false);
      },
    );
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("unconfigured delivery ages like failed delivery: unsent after 24 h, a webhook becomes a dead letter and is kept", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    await withQueue(
      { url: APP_URL, secret: undefined },
      () => new Response(null),
      async (q, calls, t) => {
        q.enqueue("a", {});
        t.now = T0 + 1000;
        q.enqueue("b", {});
        t.now = T0 + WEBHOOK_RETRY_WINDOW_MS - 1;
        expect(await q.drain()).toBe(T0 + WEBHOOK_RETRY_WINDOW_MS);
        expect(q.pendingCount()).toBe(2);

        t.now = T0 + WEBHOOK_RETRY_WINDOW_MS;
        expect(await q.drain()).toBe(T0 + 1000 + WEBHOOK_RETRY_WINDOW_MS);
        expect(q.pendingCount()).toBe(1);
        t.now = T0 + 1000 + WEBHOOK_RETRY_WINDOW_MS;
        expect(await q.drain()).toBeNull();
        expect(q.pendingCount()).toBe(0);

        expect(calls).toHaveLength(0);
        expect(q.list().map((w) => [w.type, w.attempts, w.deadAt, w.lastError])).toEqual([
          ["a", 0, T0 + WEBHOOK_RETRY_WINDOW_MS, UNCONFIGURED_ERROR],
          ["b", 0, T0 + 1000 + WEBHOOK_RETRY_WINDOW_MS, UNCONFIGURED_ERROR],
        ]);
        expect(errors.mock.calls.map(([line, detail]) => [line, (detail as { reason: string }).reason])).toEqual([
          ["webhooks: dead letter", "delivery not configured"],
          ["webhooks: dead letter", "delivery not configured"],
        ]);
      },
    );
  });

  it("concurrent drains send each webhook once, in order, including ones queued mid-drain", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    await withQueue(
      configured,
      async (_c, n) => {
        if (n === 1) await gate;
        return new Response(null, { status: 200 });
      },
      async (q, calls) => {
        q.enqueue("one", {});
        const a = q.drain();
        const b = q.drain();
        q.enqueue("two", {});
        const c = q.drain();
        release();
        await Promise.all([a, b, c]);
        await q.idle();
        expect(calls.map((x) => x.type)).toEqual(["one", "two"]);
        expect(q.pendingCount()).toBe(0);
      },
    );
  });
});
