// The Alexa user's schema split by list store (version 5), with the skill
// store (ALEXA_LISTS=skill): a new user's object holds only what that store
// uses and its alarm never reads the household tables; the outbox comes with
// the first skill message; an object of version 4 (or one the household store
// built) keeps its outbox and what is pending in it.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { ALEXA_USER_HOUSEHOLD_SCHEMA, ALEXA_USER_OUTBOX_SCHEMA, ALEXA_USER_SCHEMA, ALEXA_USER_TOMBSTONE_SCHEMA } from "../../src/alexa-user/user-schemas.ts";
import { DEDUPE_RETENTION_MS } from "../../src/alexa-user/dedupe.ts";
import { ensureSchemas, storedVersions } from "../../src/storage/schema.ts";
import { personalSpaceId } from "../../src/space/space-id.ts";
import { clock, newUserId, skillEvent, userStub } from "../alexa-user/fakes.ts";
import { send, useFakes } from "../alexa-user/harness.ts";
import { V4_NAMES, writeV4 } from "./alexa-user-v4.ts";
import { rebuild, statementsOf, tables } from "./schema-probe.ts";

useFakes();

const HOUSEHOLD_ONLY = ["item_map", "own_writes", "held_deletes", "op_progress", "default_lists", "handled_requests_at", "outbox_ops", "outbox_meta"];

describe("the Alexa user's schema, skill store", () => {
  it("a new user's object holds only the skill store's tables; its alarm runs (and prunes) without the household ones", async () => {
    const userId = newUserId("skill-tables");
    const stub = await userStub(userId);
    expect((await send(skillEvent(userId, "SkillEnabled"))).status).toBe(200);
    await runInDurableObject(stub, async (o: AlexaUser, state) => {
      await o.idle();
      expect(tables(state.storage.sql)).toEqual(["handled_requests", "profile", "schema_version", "webhook_queue"]);
      // A start of this object: one statement, nothing created.
      expect(statementsOf(state.storage.sql, () => rebuild(o))).toBe(1);
      expect(JSON.parse(o.profile.registryEntry()!)).toMatchObject({ enabled: true });
      expect(o.dedupe.size()).toBe(1);
      expect(o.spaces.current()).toBeNull();
    });
    clock.t += DEDUPE_RETENTION_MS + 1;
    // A participant that failed (a missing table) is logged and retried, not thrown: watch the log.
    const errors = vi.spyOn(console, "error");
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(errors).not.toHaveBeenCalled();
    await runInDurableObject(stub, (o: AlexaUser, state) => {
      expect(o.dedupe.size()).toBe(0);
      expect(tables(state.storage.sql)).toEqual(expect.not.arrayContaining(HOUSEHOLD_ONLY));
    });
  });

  it("SkillEnabled creates no list space; the first voice turn does (and records the membership)", async () => {
    const userId = newUserId("skill-first-turn");
    await userStub(userId);
    expect((await send(skillEvent(userId, "SkillEnabled"))).status).toBe(200);
    const spaceId = await personalSpaceId(userId);
    await runInDurableObject(env.LIST_SPACES.getByName(spaceId), (_o: unknown, state) => {
      expect(state.storage.sql.exec("SELECT COUNT(*) AS n FROM space_members").one().n).toBe(0);
    });
    const answer = await env.ALEXA_USER.getByName(userId).currentSpace();
    expect(answer).toEqual({ outcome: "found", spaceId });
    await runInDurableObject(env.LIST_SPACES.getByName(spaceId), (_o: unknown, state) => {
      expect(state.storage.sql.exec("SELECT user_id FROM space_members").toArray()).toEqual([{ user_id: userId }]);
    });
  });

  it("the first skill message creates the outbox; the operation is stored and readable", async () => {
    const userId = newUserId("skill-message");
    const stub = await userStub(userId);
    expect((await send(skillEvent(userId, "SkillEnabled"))).status).toBe(200);
    expect(await stub.getOperation("op_none")).toEqual({ outcome: "not_found" });
    const r = await stub.enqueueOperation({ kind: "message", data: { hello: "world" } }, {});
    expect(r).toMatchObject({ outcome: "created" });
    const opId = (r as unknown as { view: { id: string } }).view.id;
    expect(await stub.getOperation(opId)).toMatchObject({ outcome: "found", view: { id: opId, kind: "message" } });
    await runInDurableObject(stub, (o: AlexaUser, state) => {
      expect(tables(state.storage.sql)).toEqual(expect.arrayContaining(["outbox_ops", "outbox_meta"]));
      expect(storedVersions(state.storage.sql).get(ALEXA_USER_OUTBOX_SCHEMA.name)).toBe(ALEXA_USER_OUTBOX_SCHEMA.version);
      expect(o.outbound.outbox.pendingCount()).toBe(1);
    });
  });

  it("a version-4 object keeps its tables, its pending skill message and its link; the app user id moves into the profile", async () => {
    const userId = newUserId("v4-skill");
    const spaceId = await personalSpaceId(userId);
    await runInDurableObject(await userStub(userId), async (o: AlexaUser, state) => {
      await writeV4(state, { userId, appUserId: "app-v4", opId: "op_v4", opKind: "message", spaceId, now: clock.t });
      rebuild(o);
      const sql = state.storage.sql;
      // The household tables stay (empty, unread): dropping them would gain a few pages once.
      expect(tables(sql)).toEqual([...V4_NAMES.filter((n) => !["linked_account", "registry_report", "space_membership"].includes(n)), "schema_version"].sort());
      expect(Object.fromEntries(storedVersions(sql))).toEqual({
        [ALEXA_USER_SCHEMA.name]: ALEXA_USER_SCHEMA.version,
        [ALEXA_USER_OUTBOX_SCHEMA.name]: ALEXA_USER_OUTBOX_SCHEMA.version,
        [ALEXA_USER_TOMBSTONE_SCHEMA.name]: ALEXA_USER_TOMBSTONE_SCHEMA.version,
      });
      expect(o.profile.appUserId()).toBe("app-v4");
      expect(JSON.parse(o.profile.registryEntry()!)).toEqual({ enabled: true, nextSyncAt: null, nextDueAt: null, at: clock.t });
      expect(o.spaces.current()).toEqual({ spaceId, appUserId: "app-v4", at: clock.t });
      expect(o.outbox.get("op_v4")?.status).toBe("queued");
      expect(o.outbound.outbox.nextDueAt()).toBe(clock.t);
      // The next start finds every schema current, with one statement.
      expect(statementsOf(sql, () => rebuild(o))).toBe(1);
      expect(ensureSchemas(state, [ALEXA_USER_SCHEMA])).toEqual([]);
    });
  });

  it("a version-4 object's standing erasure mark is kept: requests for the id still have no effect", async () => {
    const userId = newUserId("v4-erased");
    await runInDurableObject(await userStub(userId), async (o: AlexaUser, state) => {
      await writeV4(state, { userId, appUserId: "app-v4", opId: "op_v4", opKind: "message", spaceId: null, now: clock.t, tombstoneUntil: clock.t + 60_000 });
      rebuild(o);
      expect(storedVersions(state.storage.sql).get(ALEXA_USER_TOMBSTONE_SCHEMA.name)).toBe(ALEXA_USER_TOMBSTONE_SCHEMA.version);
      expect(o.tombstone.active(clock.t)).toBe(true);
    });
    expect(await env.ALEXA_USER.getByName(userId).currentSpace()).toEqual({ outcome: "unknown_user" });
  });

  it("an erasure creates the mark's table; the object then refuses the id until it expires", async () => {
    const userId = newUserId("skill-erased");
    const stub = await userStub(userId);
    expect((await send(skillEvent(userId, "SkillEnabled"))).status).toBe(200);
    await runInDurableObject(stub, (o: AlexaUser, state) => {
      expect(tables(state.storage.sql)).not.toContain("erasure_tombstone");
      expect(o.tombstone.active(clock.t)).toBe(false);
    });
    expect((await send(skillEvent(userId, "SkillDisabled"))).status).toBe(200);
    await runInDurableObject(stub, async (o: AlexaUser, state) => {
      await o.idle();
      expect(tables(state.storage.sql)).toContain("erasure_tombstone");
      expect(o.tombstone.active(clock.t)).toBe(true);
    });
    expect((await send(skillEvent(userId, "SkillEnabled"))).status).toBe(200);
    expect(await stub.currentSpace()).toEqual({ outcome: "unknown_user" });
  });

  it("an object the household store built keeps its outbox when the deployment switches to skill", async () => {
    const userId = newUserId("switch-to-skill");
    await runInDurableObject(await userStub(userId), async (o: AlexaUser, state) => {
      await state.storage.deleteAll();
      ensureSchemas(state, [ALEXA_USER_SCHEMA, ALEXA_USER_HOUSEHOLD_SCHEMA, ALEXA_USER_OUTBOX_SCHEMA]);
      rebuild(o);
      o.profile.touch(userId, null, clock.t);
      const r = o.outbound.outbox.enqueue({ kind: "message", data: { n: 1 } });
      expect(o.outbox.get((r as { view: { id: string } }).view.id)?.status).toBe("queued");
      const errors = vi.spyOn(console, "error");
      await o.alarm();
      expect(errors).not.toHaveBeenCalled();
    });
  });
});
