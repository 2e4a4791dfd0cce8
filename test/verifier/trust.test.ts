import { beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type TestPki } from "../../emulator/pki.ts";
import { DEFAULT_TRUSTED_ROOTS } from "../../src/verifier/roots.ts";
import { trustStore } from "../../src/verifier/trust.ts";

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

describe("trustStore", () => {
  it("the same array gives the same set; an equal copy gives the same id", () => {
    const roots = [...DEFAULT_TRUSTED_ROOTS, pki.rootPem];
    const a = trustStore(roots);
    expect(trustStore(roots)).toBe(a);
    expect(trustStore([...roots]).id).toBe(a.id);
    expect(a.anchors).toHaveLength(DEFAULT_TRUSTED_ROOTS.length + 1);
  });

  it("an array changed after use is seen as the new set it now is", () => {
    const roots = [...DEFAULT_TRUSTED_ROOTS];
    const before = trustStore(roots);
    roots.push(pki.rootPem);
    const grown = trustStore(roots);
    expect(grown.id).not.toBe(before.id);
    expect(grown.anchors).toHaveLength(before.anchors.length + 1);

    roots[roots.length - 1] = pki.intermediatePem;
    const swapped = trustStore(roots);
    expect(swapped.id).not.toBe(grown.id);
    expect(swapped.anchors.at(-1)?.subject).not.toEqual(grown.anchors.at(-1)?.subject);

    roots.pop();
    expect(trustStore(roots).id).toBe(before.id);
  });

  it("sets that join to the same text but split differently stay apart", () => {
    const [first, second] = DEFAULT_TRUSTED_ROOTS as [string, string];
    const together = trustStore([first + second]);
    const apart = trustStore([first, second]);
    expect(together.anchors).toHaveLength(2);
    expect(apart.anchors).toHaveLength(2);
    expect(together.id).not.toBe(apart.id);
  });
});
