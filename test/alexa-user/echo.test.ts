import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { ECHO_RETENTION_MS, EchoLog, migrateEcho } from "../../src/alexa-user/echo.ts";
import { newUserId } from "./fakes.ts";

describe("EchoLog", () => {
  it("remembers writes and deletes per item, and forgets them after the retention", () =>
    runInDurableObject(env.ALEXA_USER.getByName(newUserId("echo")), async (_i: AlexaUser, state) => {
      migrateEcho(state.storage.sql);
      const log = new EchoLog(state.storage.sql);
      log.recordWrite("i1", "L", 1, 100);
      log.recordWrite("i1", "L", 2, 200);
      log.recordDelete("i1", "L", 300);
      expect(log.writesFor("i1")).toEqual(
        expect.arrayContaining([
          { itemId: "i1", listId: "L", version: 1 },
          { itemId: "i1", listId: "L", version: 2 },
          { itemId: "i1", listId: "L", version: null },
        ]),
      );
      expect(await log.runDue(100 + ECHO_RETENTION_MS)).toBe(200 + ECHO_RETENTION_MS);
      expect(log.writesFor("i1")).toHaveLength(2);
      expect(await log.runDue(300 + ECHO_RETENTION_MS)).toBeNull();
      expect(log.writesFor("i1")).toEqual([]);
    }));
});
