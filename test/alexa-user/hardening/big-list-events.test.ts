// Issue 11, point 8: an ItemsCreated/ItemsUpdated naming more than 50 ids is
// acknowledged at once and answered with a full sync, not one GET per id.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { MAX_EVENT_ITEM_READS } from "../../../src/alexa-user/inbound/list-events.ts";
import { listEvent, newUserId, settle, SHOPPING, skillEvent, userStub } from "../fakes.ts";
import { ACK, send, useFakes } from "../harness.ts";

const { household } = useFakes();

describe("big list events", () => {
  for (const event of ["ItemsCreated", "ItemsUpdated"]) {
    it(`${event} with ${MAX_EVENT_ITEM_READS + 1} ids reads none of them and queues one full sync`, async () => {
      const user = newUserId(`big-${event}`);
      const stub = await userStub(user);
      await send(skillEvent(user, "SkillEnabled"));
      const ids = Array.from({ length: MAX_EVENT_ITEM_READS + 1 }, (_, i) => household.addItem(SHOPPING, `item ${i}`).id);
      household.calls.length = 0;

      expect(await send(listEvent(user, event, { listId: SHOPPING, listItemIds: ids }))).toEqual(ACK);
      expect(await send(listEvent(user, event, { listId: SHOPPING, listItemIds: ids }))).toEqual(ACK);
      await settle(stub);

      expect(household.calls.filter((c) => c.path.includes("/items/"))).toEqual([]);
      const syncs = await runInDurableObject(stub, (_i: AlexaUser, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM outbox_ops WHERE kind = 'sync'").one().n,
      );
      expect(syncs).toBe(1);
    });
  }

  it(`${MAX_EVENT_ITEM_READS} ids are still read one by one`, async () => {
    const user = newUserId("big-ok");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    const ids = Array.from({ length: MAX_EVENT_ITEM_READS }, (_, i) => household.addItem(SHOPPING, `item ${i}`).id);
    household.calls.length = 0;
    expect(await send(listEvent(user, "ItemsCreated", { listId: SHOPPING, listItemIds: ids }))).toEqual(ACK);
    await settle(stub);
    expect(household.calls.filter((c) => c.path.includes("/items/"))).toHaveLength(MAX_EVENT_ITEM_READS);
  });
});
