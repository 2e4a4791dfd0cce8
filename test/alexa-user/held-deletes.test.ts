import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { HeldDeletes, migrateHeldDeletes } from "../../src/alexa-user/held-deletes.ts";
import { newUserId } from "./fakes.ts";

describe("HeldDeletes", () => {
  it("returns due holds oldest first and the next release time", () =>
    runInDurableObject(env.ALEXA_USER.getByName(newUserId("held")), (_i: AlexaUser, state) => {
      migrateHeldDeletes(state.storage.sql);
      const h = new HeldDeletes(state.storage.sql);
      h.hold({ itemId: "b", listId: "L", heldAt: 20, releaseAt: 70 });
      h.hold({ itemId: "a", listId: "L", heldAt: 10, releaseAt: 60 });
      // A second hold of the same item keeps its first time.
      h.hold({ itemId: "a", listId: "L", heldAt: 30, releaseAt: 80 });
      expect(h.nextReleaseAt()).toBe(60);
      expect(h.due(65).map((d) => d.itemId)).toEqual(["a"]);
      expect(h.due(70).map((d) => d.itemId)).toEqual(["a", "b"]);
      h.remove("a");
      expect(h.get("a")).toBeNull();
      expect(h.get("b")).toEqual({ itemId: "b", listId: "L", heldAt: 20, releaseAt: 70 });
    }));
});
