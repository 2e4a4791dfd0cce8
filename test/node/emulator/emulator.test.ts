import { afterEach, describe, expect, it } from "vitest";
import type { AlexaEmulator } from "../../../emulator/emulator.ts";
import { call, emulatorWithSkill, type FakeSkill, waitFor } from "./helpers.ts";

let current: AlexaEmulator | null = null;
afterEach(() => current?.close());

async function setup(): Promise<{ emu: AlexaEmulator; skill: FakeSkill }> {
  const made = await emulatorWithSkill();
  current = made.emu;
  return made;
}

describe("a person and the skill", () => {
  it("enable, grant, link, change permissions: the skill events Alexa sends, in order", async () => {
    const { emu, skill } = await setup();
    const { userId } = emu.enable("alice", { permissions: ["read", "write"] });
    emu.link("alice", "app-token-1");
    emu.setPermissions("alice", { revoke: ["write"] });
    await waitFor(() => skill.requests.length === 4);
    expect(skill.types()).toEqual([
      "AlexaSkillEvent.SkillEnabled",
      "AlexaSkillEvent.SkillPermissionAccepted",
      "AlexaSkillEvent.SkillAccountLinked",
      "AlexaSkillEvent.SkillPermissionChanged",
    ]);
    expect(skill.requests.every((r) => r.json.context.System.user.userId === userId)).toBe(true);
    expect(skill.requests[1]!.json.request.body).toEqual({
      acceptedPermissions: [{ scope: "alexa::household:lists:read" }, { scope: "alexa::household:lists:write" }],
    });
    expect(skill.requests[2]!.json.request.body).toEqual({ accessToken: "app-token-1" });
    expect(skill.requests[3]!.json.context.System.user.accessToken).toBe("app-token-1");
    expect(skill.requests[3]!.json.request.body).toEqual({ acceptedPermissions: [{ scope: "alexa::household:lists:read" }] });
  });

  it("disable then re-enable: SkillDisabled for the old id, a new user id, the same lists and item ids", async () => {
    const { emu, skill } = await setup();
    const first = emu.enable("alice", { permissions: ["read", "write"] });
    const item = emu.addItem("alice", "shopping", "milk");
    await waitFor(() => skill.ofType("AlexaHouseholdListEvent.ItemsCreated").length === 1);
    const oldToken = skill.requests.at(-1)!.json.context.System.apiAccessToken;
    emu.disable("alice");
    const second = emu.enable("alice", { permissions: ["read"] });
    expect(second.userId).not.toBe(first.userId);
    expect(second.pastUserIds).toEqual([first.userId, second.userId]);
    await waitFor(() => skill.ofType("AlexaSkillEvent.SkillEnabled").length === 2);
    const disabled = skill.ofType("AlexaSkillEvent.SkillDisabled")[0]!;
    expect(disabled.json.context.System.user.userId).toBe(first.userId);
    expect(disabled.json.request.body).toEqual({ userInformationPersistenceStatus: "NOT_PERSISTED" });
    expect((await call(emu, "GET", "/v2/householdlists/", { token: oldToken })).status).toBe(403);
    await waitFor(() => skill.ofType("AlexaSkillEvent.SkillPermissionAccepted").length === 2);
    const newToken = skill.ofType("AlexaSkillEvent.SkillPermissionAccepted")[1]!.json.context.System.apiAccessToken;
    const res = await call(emu, "GET", `/v2/householdlists/${first.shoppingListId}/items/${item.id}`, { token: newToken });
    expect(((await res.json()) as { value: string }).value).toBe("milk");
  });

  it("list events reach the skill only while list read permission is granted", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice");
    emu.addItem("alice", "shopping", "unseen");
    emu.setPermissions("alice", { grant: ["read"] });
    emu.addItem("alice", "shopping", "seen");
    await waitFor(() => skill.ofType("AlexaHouseholdListEvent.ItemsCreated").length === 1);
    expect(emu.deliveries.list({ type: "ItemsCreated" })).toHaveLength(1);
  });

  it("a person's edits become the list events Alexa sends", async () => {
    const { emu, skill } = await setup();
    emu.enable("alice", { permissions: ["read"] });
    const milk = emu.addItem("alice", "shopping", "milk");
    emu.updateItem("alice", "shopping", "milk", { value: "oat milk" });
    emu.updateItem("alice", "shopping", milk.id, { status: "completed" });
    emu.moveItem("alice", "shopping", "oat milk", "todo");
    emu.deleteItem("alice", "todo", "oat milk");
    const list = emu.createList("alice", "Hardware");
    emu.updateList("alice", "hardware", { name: "Tools" });
    emu.deleteList("alice", "Tools");
    await waitFor(() => skill.requests.length === 11);
    const { shoppingListId, todoListId } = emu.person("alice");
    const events = skill.requests.slice(2).map((r) => [r.json.request.type.split(".")[1], r.json.request.body]);
    expect(events).toEqual([
      ["ItemsCreated", { listId: shoppingListId, listItemIds: [milk.id] }],
      ["ItemsUpdated", { listId: shoppingListId, listItemIds: [milk.id] }],
      ["ItemsUpdated", { listId: shoppingListId, listItemIds: [milk.id] }],
      ["ItemsDeleted", { listId: shoppingListId, listItemIds: [milk.id] }],
      ["ItemsCreated", { listId: todoListId, listItemIds: [milk.id] }],
      ["ItemsDeleted", { listId: todoListId, listItemIds: [milk.id] }],
      ["ListCreated", { listId: list.listId }],
      ["ListUpdated", { listId: list.listId }],
      ["ListDeleted", { listId: list.listId }],
    ]);
  });

  it("refuses actions that make no sense in the app", async () => {
    const { emu } = await setup();
    expect(() => emu.disable("alice")).toThrow(/not enabled/);
    expect(() => emu.link("alice")).toThrow(/not enabled/);
    emu.enable("alice");
    expect(() => emu.enable("alice")).toThrow(/already enabled/);
    expect(() => emu.person("bob")).toThrow(/No person/);
    expect(emu.addPerson("bob").enabled).toBe(false);
    expect(() => emu.addPerson("bob")).toThrow(/exists/);
  });
});
