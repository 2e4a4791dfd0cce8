import { describe, expect, it } from "vitest";
import { defaultListKind } from "../../src/alexa/list-ids.ts";

const b64 = (s: string) => btoa(s);
const urlSafe = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_");
const unpadded = (s: string) => btoa(s).replace(/=+$/, "");

describe("defaultListKind", () => {
  it("recognises the to-do list (-TASK)", () => {
    expect(defaultListKind(b64("amzn1.account.AEYUFLJNMJSEJ3JHHGS2A4DIKCAA-TASK"))).toBe("todo");
  });

  it("recognises the shopping list by both documented suffixes", () => {
    expect(defaultListKind(b64("amzn1.account.AEYUFLJNMJSEJ3JHHGS2A4DIKCAA-SHOPPING_ITEM"))).toBe("shopping");
    expect(defaultListKind(b64("amzn1.account.AEYUFLJNMJSEJ3JHHGS2A4DIKCAA-SHOPPING_LIST"))).toBe("shopping");
  });

  it("accepts URL-safe and unpadded encodings", () => {
    // Bytes chosen so the standard encoding contains "+" and "/".
    const id = "\xfb\xff\xbf-TASK";
    expect(b64(id)).toMatch(/[+/]/);
    expect(defaultListKind(b64(id))).toBe("todo");
    expect(defaultListKind(urlSafe(id))).toBe("todo");
    expect(defaultListKind(unpadded("xy-SHOPPING_ITEM"))).toBe("shopping");
    expect(unpadded("xy-SHOPPING_ITEM")).not.toBe(b64("xy-SHOPPING_ITEM"));
  });

  it("returns null for custom lists", () => {
    expect(defaultListKind(b64("amzn1.account.X-CUSTOM"))).toBeNull();
    expect(defaultListKind(b64("amzn1.account.X-TASK-archived"))).toBeNull();
    expect(defaultListKind(b64("amzn1.account.X-task"))).toBeNull();
  });

  it("returns null for anything that is not base64", () => {
    for (const g of ["", "not base64!", "YWJj=YWJj", "YWJjZ", "YWJjZA=", "YW Jj", "-TASK", "%2F%2B"]) {
      expect(defaultListKind(g), g).toBeNull();
    }
    expect(defaultListKind(null as unknown as string)).toBeNull();
  });
});
