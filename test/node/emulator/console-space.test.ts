import { describe, expect, it } from "vitest";
import { BridgeClient } from "../../../emulator/app/bridge-client.ts";
import { WebhookLog } from "../../../emulator/app/webhook-log.ts";
import type { PersonView } from "../../../emulator/people.ts";
import { spaceIdOf, spaceView } from "../../../emulator/web/console-space.ts";

function person(name: string, over: Partial<PersonView> = {}): PersonView {
  return {
    name,
    accountId: `acct-${name}`,
    enabled: true,
    userId: `amzn1.ask.account.${name}-2`,
    linked: false,
    linkClaims: null,
    permissions: ["read", "write"],
    pastUserIds: [`amzn1.ask.account.${name}-1`, `amzn1.ask.account.${name}-2`],
    shoppingListId: "s",
    todoListId: "t",
    ...over,
  };
}

/** A bridge whose `GET /v1/spaces/{id}` answers from `spaces`; records the paths asked. */
function bridge(spaces: Record<string, unknown>, asked: string[]): BridgeClient {
  return new BridgeClient({
    baseUrl: "http://bridge.test",
    token: "t",
    fetch: async (input) => {
      const path = new URL(String(input)).pathname;
      asked.push(path);
      const id = decodeURIComponent(path.replace(/^\/v1\/spaces\//, ""));
      return id in spaces ? Response.json(spaces[id]) : Response.json({ error: "SPACE_NOT_FOUND", message: "no" }, { status: 404 });
    },
  });
}

describe("console-space: a person's list space and its members", () => {
  it("the linking token's space claim names the space; members are named by their person, old user ids marked", async () => {
    const kim = person("kim", { linked: true, linkClaims: { sub: "kim", household: "fam-1" } });
    const lou = person("lou", { linked: true, linkClaims: { sub: "lou", household: "fam-1" } });
    const asked: string[] = [];
    const view = await spaceView({
      person: kim,
      people: [kim, lou],
      spaceClaim: "household",
      log: null,
      bridge: bridge(
        {
          "fam-1": {
            spaceId: "fam-1",
            kind: "linked",
            members: [
              { userId: kim.userId, appUserId: "kim", linkedAt: "2026-12-07T05:00:00.000Z" },
              { userId: "amzn1.ask.account.lou-1", appUserId: "lou", linkedAt: "2026-12-07T05:01:00.000Z" },
              { userId: "amzn1.ask.account.stranger", appUserId: "zed", linkedAt: "2026-12-07T05:02:00.000Z" },
            ],
          },
        },
        asked,
      ),
    });
    expect(asked).toEqual(["/v1/spaces/fam-1"]);
    expect(view).toEqual({
      spaceId: "fam-1",
      kind: "linked",
      members: [
        { userId: kim.userId, appUserId: "kim", linkedAt: "2026-12-07T05:00:00.000Z", person: "kim", current: true },
        { userId: "amzn1.ask.account.lou-1", appUserId: "lou", linkedAt: "2026-12-07T05:01:00.000Z", person: "lou", current: false },
        { userId: "amzn1.ask.account.stranger", appUserId: "zed", linkedAt: "2026-12-07T05:02:00.000Z", person: null, current: false },
      ],
    });
  });

  it("without a space claim in the token: the latest webhook of the person's user id with a spaceId; none yet: a note, no request", async () => {
    const max = person("max");
    const log = new WebhookLog();
    expect(spaceIdOf(max, "household", log)).toBeNull();
    const asked: string[] = [];
    const none = await spaceView({ person: max, people: [max], spaceClaim: "household", log, bridge: bridge({}, asked) });
    expect(none).toMatchObject({ spaceId: null, members: [], note: expect.stringMatching(/not named/) });
    expect(asked).toEqual([]);

    log.record("w1", { type: "alexa.user.enabled", userId: max.userId as string, timestamp: "t", data: {} });
    log.record("w2", { type: "alexa.list.items.created", userId: max.userId as string, timestamp: "t", data: {}, spaceId: "sp_personal_max" });
    log.record("w3", { type: "alexa.list.items.created", userId: "someone-else", timestamp: "t", data: {}, spaceId: "sp_other" });
    expect(spaceIdOf(max, "household", log)).toBe("sp_personal_max");
    // An opaque linking token names nothing: the webhook still does.
    expect(spaceIdOf({ ...max, linked: true, linkClaims: null }, "household", log)).toBe("sp_personal_max");
    const gone = await spaceView({ person: max, people: [max], spaceClaim: "household", log, bridge: bridge({}, asked) });
    expect(gone).toMatchObject({ spaceId: "sp_personal_max", kind: null, members: [], note: expect.stringMatching(/no such space/) });
  });

  it("not enabled, or no Worker to ask: a note", async () => {
    const ann = person("ann", { enabled: false, userId: null });
    expect(await spaceView({ person: ann, people: [ann], spaceClaim: "sub", log: null, bridge: null })).toMatchObject({ note: expect.stringMatching(/not enabled/) });
    const bob = person("bob", { linked: true, linkClaims: { sub: "bob" } });
    expect(await spaceView({ person: bob, people: [bob], spaceClaim: "sub", log: null, bridge: null })).toMatchObject({
      spaceId: "bob",
      note: expect.stringMatching(/Worker URL/),
    });
  });
});
