// Issue 11, point 1 with the skill store: after SkillDisabled and the erasure,
// a voice request for the old id changes nothing and sends no webhook.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../../src/alexa-user/alexa-user.ts";
import { newUserId, settle, skillEvent } from "../fakes.ts";
import { ACK, send, useFakes } from "../harness.ts";
import { api, Conversation, enabledUser, userPath } from "../../space/skill-harness.ts";

const { app } = useFakes();

describe("erasure is final (skill store)", () => {
  it("a voice request after the erasure is acknowledged with no effect; the REST API finds no user", async () => {
    const user = newUserId("voice-erased");
    await enabledUser(user);
    const person = new Conversation(user);
    await person.intent("AddItemsIntent", { items: "milk" });
    const stub = env.ALEXA_USER.getByName(user);
    expect(await send(skillEvent(user, "SkillDisabled"))).toEqual(ACK);
    await settle(stub);
    const delivered = app.deliveries.length;

    const turn = await person.intent("AddItemsIntent", { items: "eggs" });
    expect(turn.status).toBe(200);
    expect(turn.body).toEqual(ACK.body);
    await settle(stub);
    expect(app.deliveries.length).toBe(delivered);
    expect(await runInDurableObject(stub, (i: AlexaUser) => i.profile.get())).toBeNull();
    expect((await api("GET", userPath(user, "/lists"))).status).toBe(404);
    expect((await api("POST", userPath(user, "/lists/shopping/items"), { value: "bread" })).body).toMatchObject({ error: "USER_NOT_FOUND" });
  });

  it("a voice request between SkillDisabled and the erasure changes nothing either", async () => {
    const user = newUserId("voice-disabled");
    await enabledUser(user);
    app.status = 503; // alexa.user.disabled cannot be delivered: the erasure waits
    const stub = env.ALEXA_USER.getByName(user);
    await send(skillEvent(user, "SkillDisabled"));
    await settle(stub);
    const turn = await new Conversation(user).intent("AddItemsIntent", { items: "eggs" });
    expect(turn.body).toEqual(ACK.body);
    const queued = (await stub.webhookQueue()).map((w) => w.type);
    expect(queued).toEqual(["alexa.user.disabled"]);
  });
});
