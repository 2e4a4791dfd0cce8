// The snapshot of a large household: Durable Object SQLite rows are capped at
// about 2 MB, so the snapshot goes out as several ordered webhooks, each
// within SNAPSHOT_PART_MAX_BYTES, queued in one transaction.
import { describe, expect, it } from "vitest";
import { SNAPSHOT_PART_MAX_BYTES } from "../../../src/sync/snapshot.ts";
import { bridge, CUSTOM, enqueueOp, messageEnvelope, newUserId, operation, settle, skillEvent, userStub } from "../fakes.ts";
import { ACK, send, useFakes } from "../harness.ts";

const { household, app } = useFakes();

interface Entry {
  listId: string;
  itemsPart?: number;
  itemsParts?: number;
  items: Array<{ id: string; value: string }>;
}
interface Part {
  syncedAt: string;
  opId: string;
  part: number;
  parts: number;
  lists: Entry[];
}

const bytes = (s: string): number => new TextEncoder().encode(s).byteLength;

describe("a large household's snapshot", () => {
  it("is sent as ordered parts within the bound (a list too big alone split by items), and nothing is lost", async () => {
    const user = newUserId("big");
    const stub = await userStub(user);
    await send(skillEvent(user, "SkillEnabled"));
    // 100 lists (Alexa's maximum), 40 items each of 250 characters, and one list of 4000 such items: ~2.6 MB in all.
    const long = (n: number) => `${n}:`.padEnd(250, "x");
    let n = 0;
    for (let l = household.lists.size; l < 100; l++) household.addList(`list-${l}`, `List ${l}`);
    for (const listId of household.lists.keys()) {
      const count = listId === CUSTOM ? 4000 : 40;
      for (let i = 0; i < count; i++) household.addItem(listId, long(n++));
    }
    const opId = await enqueueOp(stub, { kind: "sync" });
    expect(await send(messageEnvelope(user, bridge(opId, { kind: "sync" })))).toEqual(ACK);
    await settle(stub);

    const delivered = app.deliveries.filter((d) => d.status === 200 && d.body.type === "alexa.list.snapshot");
    expect(delivered.length).toBeGreaterThan(3);
    for (const d of delivered) expect(bytes(JSON.stringify(d.body.data))).toBeLessThanOrEqual(SNAPSHOT_PART_MAX_BYTES);
    const parts = delivered.map((d) => d.body.data as unknown as Part);
    expect(parts.map((p) => p.part)).toEqual(parts.map((_p, i) => i + 1));
    expect(new Set(parts.map((p) => `${p.parts}|${p.opId}|${p.syncedAt}`))).toEqual(new Set([`${parts.length}|${opId}|${parts[0]!.syncedAt}`]));
    // The parts come one after the other, then the completion.
    expect(app.types()).toEqual(["alexa.user.enabled", ...parts.map(() => "alexa.list.snapshot"), "outbox.completed"]);

    // Reassembled: every list once, in order, every item once, in order.
    const entries = parts.flatMap((p) => p.lists);
    const custom = entries.filter((e) => e.listId === CUSTOM);
    expect(custom.length).toBeGreaterThan(1);
    expect(custom.map((e) => [e.itemsPart, e.itemsParts])).toEqual(custom.map((_e, i) => [i + 1, custom.length]));
    expect(entries.filter((e) => e.listId !== CUSTOM).every((e) => e.itemsPart === undefined && e.itemsParts === undefined)).toBe(true);
    const listIds = [...new Set(entries.map((e) => e.listId))];
    expect(listIds).toEqual([...household.lists.keys()]);
    for (const listId of listIds) {
      const items = entries.filter((e) => e.listId === listId).flatMap((e) => e.items.map((i) => i.id));
      expect(items).toEqual([...household.lists.get(listId)!.items.keys()]);
    }
    expect((await operation(stub, opId)).result).toEqual({ lists: 100, items: n });
  });
});
