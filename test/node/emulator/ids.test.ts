import { describe, expect, it } from "vitest";
import { defaultListId, newAccountIdForLists, newRequestId, newToken, newUserId } from "../../../emulator/ids.ts";

describe("ids", () => {
  it("user ids look like Amazon's and differ every time", () => {
    const a = newUserId();
    expect(a).toMatch(/^amzn1\.ask\.account\.[A-Z0-9]{96}$/);
    expect(newUserId()).not.toBe(a);
  });

  it("default list ids decode to <account>-SHOPPING_ITEM / -TASK and are path-safe", () => {
    for (let i = 0; i < 50; i++) {
      const account = newAccountIdForLists();
      const shopping = defaultListId(account, "SHOPPING_ITEM");
      expect(atob(shopping)).toBe(`${account}-SHOPPING_ITEM`);
      expect(atob(defaultListId(account, "TASK"))).toBe(`${account}-TASK`);
      expect(shopping).not.toMatch(/[/+]/);
    }
  });

  it("request ids and tokens carry Amazon's prefixes", () => {
    expect(newRequestId()).toMatch(/^amzn1\.echo-api\.request\.[0-9a-f-]{36}$/);
    expect(newToken("Atc|")).toMatch(/^Atc\|[A-Za-z0-9_-]{120}$/);
  });
});
