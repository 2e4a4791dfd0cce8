import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlexaUser } from "../../src/alexa-user/alexa-user.ts";
import { canReadLists, LIST_READ_SCOPE, migrateProfile, ProfileStore } from "../../src/alexa-user/profile.ts";
import { newUserId } from "./fakes.ts";

function withProfile(fn: (p: ProfileStore) => void): Promise<void> {
  return runInDurableObject(env.ALEXA_USER.getByName(newUserId("profile")), (_i: AlexaUser, state) => {
    migrateProfile(state.storage.sql);
    fn(new ProfileStore(state.storage.sql));
  });
}

describe("ProfileStore", () => {
  it("is null before the first request, enabled after it", () =>
    withProfile((p) => {
      expect(p.get()).toBeNull();
      expect(p.userId()).toBeNull();
      p.touch("u1", "https://api.eu.amazonalexa.com", 1);
      expect(p.get()).toEqual({
        userId: "u1",
        enabled: true,
        apiEndpoint: "https://api.eu.amazonalexa.com",
        acceptedPermissions: [],
        linkedAccessToken: null,
        lastFullSyncAt: null,
      });
    }));

  it("a request with the endpoint already stored (or none) writes no row; a new endpoint is written", () =>
    runInDurableObject(env.ALEXA_USER.getByName(newUserId("profile-touch")), (_i: AlexaUser, state) => {
      const sql = state.storage.sql;
      migrateProfile(sql);
      const p = new ProfileStore(sql);
      const written = () => sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM profile WHERE updated_at > 1").one().n;
      p.touch("u1", "https://api.eu.amazonalexa.com", 1);
      p.touch("u1", "https://api.eu.amazonalexa.com", 2);
      p.touch("u1", null, 3);
      expect(written()).toBe(0);
      p.touch("u1", "https://api.fe.amazonalexa.com", 4);
      expect(written()).toBe(1);
      expect(p.get()?.apiEndpoint).toBe("https://api.fe.amazonalexa.com");
    }));

  it("after a rolled-back transaction, invalidate() drops the copy read inside it", () =>
    runInDurableObject(env.ALEXA_USER.getByName(newUserId("profile-rollback")), (_i: AlexaUser, state) => {
      migrateProfile(state.storage.sql);
      const p = new ProfileStore(state.storage.sql);
      p.touch("u1", "https://api.eu.amazonalexa.com", 1);
      expect(() =>
        state.storage.transactionSync(() => {
          p.setEnabled(false, 2);
          expect(p.get()?.enabled).toBe(false); // read (and kept) inside the transaction
          throw new Error("rolled back");
        }),
      ).toThrow("rolled back");
      p.invalidate();
      expect(p.get()?.enabled).toBe(true);
    }));

  it("keeps the last known endpoint when a request has none", () =>
    withProfile((p) => {
      p.touch("u1", "https://api.fe.amazonalexa.com", 1);
      p.touch("u1", null, 2);
      expect(p.get()?.apiEndpoint).toBe("https://api.fe.amazonalexa.com");
    }));

  // Alexa gives a new user id on re-enable: a SkillEnabled for a disabled id is stale and must not keep the data.
  it("disabling requests erasure only when asked; enabling never cancels it", () =>
    withProfile((p) => {
      p.touch("u1", null, 1);
      p.setEnabled(false, 2);
      p.requestErase(2);
      expect(p.eraseRequestedAt()).toBe(2);
      p.setEnabled(true, 3);
      expect(p.eraseRequestedAt()).toBe(2);
    }));

  it("stores permissions, the linked token, the last sync and the default list ids", () =>
    withProfile((p) => {
      p.touch("u1", null, 1);
      p.setAcceptedPermissions(["alexa::household:lists:read"], 2);
      p.setLinkedAccessToken("tok", 2);
      p.setLastFullSyncAt(5);
      p.setDefaultListId("shopping", "S1");
      p.setDefaultListId("shopping", "S2");
      expect(p.get()).toMatchObject({ acceptedPermissions: ["alexa::household:lists:read"], linkedAccessToken: "tok", lastFullSyncAt: 5 });
      expect(p.defaultListId("shopping")).toBe("S2");
      expect(p.defaultListId("todo")).toBeNull();
    }));
});

describe("canReadLists", () => {
  it("is true only with the exact list read scope among the accepted permissions", () => {
    expect(canReadLists({ acceptedPermissions: [] })).toBe(false);
    expect(canReadLists({ acceptedPermissions: ["alexa::household:lists:write"] })).toBe(false);
    expect(canReadLists({ acceptedPermissions: ["alexa::household:lists:read:extra", "ALEXA::HOUSEHOLD:LISTS:READ"] })).toBe(false);
    expect(canReadLists({ acceptedPermissions: ["alexa::household:lists:write", LIST_READ_SCOPE] })).toBe(true);
    expect(LIST_READ_SCOPE).toBe("alexa::household:lists:read");
  });

  it("reads what the profile stored", () =>
    withProfile((p) => {
      p.touch("u1", null, 1);
      p.setAcceptedPermissions([LIST_READ_SCOPE], 2);
      expect(canReadLists(p.get()!)).toBe(true);
      p.setAcceptedPermissions([], 3);
      expect(canReadLists(p.get()!)).toBe(false);
    }));
});
