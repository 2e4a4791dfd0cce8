/**
 * @module space/space-parts
 * Builds the parts of one list space's Durable Object (src/space/list-space.ts)
 * over its SQLite storage: checks the schema (one SELECT when current), then
 * wires the alarm schedule, members, tombstone, webhook queue, operation book
 * and skill store, and registers the alarm participants. Kept apart from the
 * object so the object reads as its RPC surface; it runs again after an
 * erasure (the tables are created anew).
 */
import type { Env } from "../env.ts";
import type { Outbox } from "../shared/outbox/outbox.ts";
import { AlarmSchedule } from "../shared/schedule.ts";
import { Tombstone } from "../shared/tombstone.ts";
import { deadLetterTtlMs, WebhookQueue } from "../shared/webhook-queue.ts";
import { ensureSchema } from "../storage/schema.ts";
import { Members } from "./members.ts";
import { operationBook } from "./operations.ts";
import { SkillStore } from "./skill-store.ts";
import { LIST_SPACE_SCHEMA } from "./space-schema.ts";

/** The parts of one list space's object. */
export interface SpaceParts {
  schedule: AlarmSchedule;
  webhooks: WebhookQueue;
  outbox: Outbox;
  store: SkillStore;
  members: Members;
  tombstone: Tombstone;
}

/** What the parts need from the object: its storage, config and seams (read when used, so tests may replace them). */
export interface SpacePartsDeps {
  ctx: DurableObjectState;
  env: Env;
  spaceId: () => string;
  /** The webhooks' `userId` / `appUserId` for the transaction now running. */
  userId: () => string | null;
  appUserId: () => string | null;
  now: () => number;
  http: typeof fetch;
  random: () => number;
  /** Sends what is queued (the alarm's "webhook-delivery" participant). */
  deliver: () => Promise<number | null>;
}

/**
 * Creates the tables (idempotent) and the parts.
 * @example Object.assign(this, buildSpaceParts({ ctx, env, spaceId: () => this.spaceId, ..., deliver: () => this.#deliver() }));
 */
export function buildSpaceParts(deps: SpacePartsDeps): SpaceParts {
  const { ctx, env } = deps;
  const sql = ctx.storage.sql;
  // One SELECT when the tables are current (space-schema.ts); after an erasure it creates them again.
  ensureSchema(ctx, LIST_SPACE_SCHEMA);
  const schedule = new AlarmSchedule(ctx.storage);
  const members = new Members(sql);
  const tombstone = new Tombstone(sql);
  const local = env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test";
  const webhooks = new WebhookQueue({
    sql,
    userId: deps.userId,
    appUserId: deps.appUserId,
    spaceId: deps.spaceId,
    now: deps.now,
    fetch: deps.http,
    config: { url: env.APP_WEBHOOK_URL || undefined, secret: env.APP_WEBHOOK_SECRET || undefined, allowHttp: local },
    random: deps.random,
    deadLetterTtlMs: deadLetterTtlMs(env.DEAD_LETTER_TTL_DAYS),
    strictSize: local,
  });
  const outbox = operationBook({
    sql,
    webhooks,
    now: deps.now,
    wake: (at) => void schedule.wakeAt(at).catch((e: unknown) => console.error("space: could not set the alarm", e)),
  });
  const store = new SkillStore({ sql, webhooks, outbox, now: deps.now });
  schedule.register(tombstone);
  schedule.register(outbox);
  schedule.register({ name: "dead-letters", runDue: (now) => webhooks.expireDeadLetters(now) });
  schedule.register({ name: "webhook-delivery", runDue: () => deps.deliver() });
  return { schedule, webhooks, outbox, store, members, tombstone };
}
