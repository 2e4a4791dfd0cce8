// The Alexa user's schema split by list store (version 5), with the household
// store (this project runs ALEXA_LISTS=household): an object of version 4 keeps
// every table and row; one built by the skill store gets the household tables
// when the deployment switches.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { ALEXA_USER_HOUSEHOLD_SCHEMA, ALEXA_USER_OUTBOX_SCHEMA, ALEXA_USER_SCHEMA, ALEXA_USER_TOMBSTONE_SCHEMA } from "../../src/alexa-user/user-schemas.ts";
import { ensureSchemas, storedVersions } from "../../src/storage/schema.ts";
import { clock, newUserId, userStub } from "../alexa-user/fakes.ts";
import { V4_NAMES, writeV4 } from "./alexa-user-v4.ts";
import { rebuild, statementsOf, tables } from "./schema-probe.ts";


describe("the Alexa user's schema, household store", () => {
  it("a version-4 object keeps every table and row (the app user id moves into the profile); the next start runs one statement", async () => {
    const userId = newUserId("v4-household");
    await runInDurableObject(await userStub(userId), async (o: AlexaUser, state) => {
      await writeV4(state, { userId, appUserId: "app-v4", opId: "op_v4", opKind: "create", spaceId: null, now: clock.t });
      rebuild(o);
      const sql = state.storage.sql;
      expect(tables(sql)).toEqual([...V4_NAMES.filter((n) => !["linked_account", "registry_report", "space_membership"].includes(n)), "schema_version"].sort());
      expect(Object.fromEntries(storedVersions(sql))).toEqual({
        [ALEXA_USER_SCHEMA.name]: ALEXA_USER_SCHEMA.version,
        [ALEXA_USER_HOUSEHOLD_SCHEMA.name]: ALEXA_USER_HOUSEHOLD_SCHEMA.version,
        [ALEXA_USER_OUTBOX_SCHEMA.name]: ALEXA_USER_OUTBOX_SCHEMA.version,
        [ALEXA_USER_TOMBSTONE_SCHEMA.name]: ALEXA_USER_TOMBSTONE_SCHEMA.version,
      });
      expect(o.profile.appUserId()).toBe("app-v4");
      expect(JSON.parse(o.profile.registryEntry()!)).toEqual({ enabled: true, nextSyncAt: null, nextDueAt: null, at: clock.t });
      expect(o.profile.get()?.userId).toBe(userId);
      expect(o.spaces.current()).toEqual({ spaceId: null, appUserId: "app-v4", at: clock.t });
      expect(o.outbox.get("op_v4")?.status).toBe("queued");
      expect(o.dedupe.lookup(["req:v4"])).toEqual({});
      // Idempotent: the next start finds every schema current, with one statement.
      expect(statementsOf(sql, () => rebuild(o))).toBe(1);
      expect(ensureSchemas(state, [ALEXA_USER_SCHEMA, ALEXA_USER_HOUSEHOLD_SCHEMA, ALEXA_USER_OUTBOX_SCHEMA])).toEqual([]);
    });
    const stub = env.ALEXA_USER.getByName(userId);
    expect(await stub.getOperation("op_v4")).toMatchObject({ outcome: "found", view: { id: "op_v4" } });
  });

  it("an object the skill store built (version 5, no household tables) gets them when the deployment switches to household", async () => {
    const userId = newUserId("switch-to-household");
    await runInDurableObject(await userStub(userId), async (o: AlexaUser, state) => {
      await state.storage.deleteAll();
      ensureSchemas(state, [ALEXA_USER_SCHEMA]);
      const sql = state.storage.sql;
      expect(tables(sql)).not.toContain("item_map");
      rebuild(o);
      expect(tables(sql)).toEqual(expect.arrayContaining(["item_map", "own_writes", "held_deletes", "op_progress", "default_lists", "handled_requests_at", "outbox_ops", "outbox_meta"]));
      o.profile.touch(userId, null, clock.t);
      o.items.upsert({ alexaItemId: "a1", listId: "l1", version: 1 }, clock.t);
      expect(o.items.byAlexaId("a1")?.listId).toBe("l1");
      // A participant that failed (a missing table) is logged and retried, not thrown: watch the log.
      const errors = vi.spyOn(console, "error");
      await o.alarm();
      expect(errors).not.toHaveBeenCalled();
    });
  });
});
