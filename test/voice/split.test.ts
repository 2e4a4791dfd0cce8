import { describe, expect, it } from "vitest";
import { splitItems, trimFillers } from "../../src/voice/split.ts";

describe("splitItems", () => {
  it("splits on commas and conjunctions", () => {
    expect(splitItems("milk, eggs and bread", "en-US")).toEqual(["milk", "eggs", "bread"]);
    expect(splitItems("milk plus eggs & bread", "en-GB")).toEqual(["milk", "eggs", "bread"]);
    expect(splitItems("Milch, Eier und Brot", "de-DE")).toEqual(["Milch", "Eier", "Brot"]);
    expect(splitItems("Milch sowie Eier", "de-DE")).toEqual(["Milch", "Eier"]);
  });

  it("cuts a chunk without commas into known items (speech has no commas)", () => {
    expect(splitItems("milk eggs and bread", "en-US")).toEqual(["milk", "eggs", "bread"]);
    expect(splitItems("Milch Eier und Brot", "de-DE")).toEqual(["Milch", "Eier", "Brot"]);
    expect(splitItems("almond milk oat milk", "en-US")).toEqual(["almond milk", "oat milk"]);
  });

  it("keeps a known phrase whole, even one with a conjunction inside", () => {
    expect(splitItems("mac and cheese", "en-US")).toEqual(["mac and cheese"]);
    expect(splitItems("milk mac and cheese and bread", "en-US")).toEqual(["milk", "mac and cheese", "bread"]);
    expect(splitItems("oat milk", "en-US")).toEqual(["oat milk"]);
    expect(splitItems("fish and chips", "en-GB")).toEqual(["fish and chips"]);
  });

  it("uses the caller's known items (the user's own) as phrases too", () => {
    expect(splitItems("salt and pepper", "en-US")).toEqual(["salt", "pepper"]);
    expect(splitItems("salt and pepper", "en-US", ["Salt and Pepper"])).toEqual(["salt and pepper"]);
    expect(splitItems("kale chips milk", "en-US", ["kale chips"])).toEqual(["kale chips", "milk"]);
  });

  it("segments longest match first and backtracks when the longest leaves a rest", () => {
    // "peanut butter" is known, so it wins over "butter" alone.
    expect(splitItems("bread peanut butter", "en-US")).toEqual(["bread", "peanut butter"]);
    // "x y" then "z" fails, "x" then "y z" succeeds.
    expect(splitItems("x y z", "en-US", ["x y", "x", "y z"])).toEqual(["x", "y z"]);
  });

  it("leaves a chunk whole when it does not segment fully into known items", () => {
    expect(splitItems("milk zorblax", "en-US")).toEqual(["milk zorblax"]);
    expect(splitItems("zorblax quux and bread", "en-US")).toEqual(["zorblax quux", "bread"]);
  });

  it("has the documented limit: known words meant as one unknown item are split", () => {
    expect(splitItems("foo bar", "en-US", ["foo", "bar"])).toEqual(["foo", "bar"]);
    expect(splitItems("foo bar", "en-US", ["foo", "bar", "foo bar"])).toEqual(["foo bar"]);
  });

  it("trims articles and fillers at the edges, and between segmented items", () => {
    expect(splitItems("some milk and a loaf of bread", "en-US")).toEqual(["milk", "loaf of bread"]);
    expect(splitItems("the milk some eggs", "en-US")).toEqual(["milk", "eggs"]);
    expect(splitItems("etwas Milch und eine Gurke", "de-DE")).toEqual(["Milch", "Gurke"]);
    expect(splitItems("walk the dog", "en-US")).toEqual(["walk the dog"]);
  });

  it("drops empties and case-insensitive duplicates, keeping the first spelling", () => {
    expect(splitItems("Milk and milk, MILK", "en-US")).toEqual(["Milk"]);
    expect(splitItems(" , and the , ", "en-US")).toEqual([]);
    expect(splitItems("", "de-DE")).toEqual([]);
    expect(splitItems("bread.", "en-US")).toEqual(["bread"]);
  });

  it("does not split on a conjunction inside a word", () => {
    expect(splitItems("sandwich bags", "en-US")).toEqual(["sandwich bags"]);
    expect(splitItems("Hundefutter und Brot", "de-DE")).toEqual(["Hundefutter", "Brot"]);
    expect(splitItems("M&M's and milk", "en-US")).toEqual(["M&M's", "milk"]);
  });
});

describe("trimFillers", () => {
  it("removes fillers only at the edges", () => {
    expect(trimFillers("some oat milk", "en-US")).toEqual("oat milk");
    expect(trimFillers("the dog the", "en-US")).toEqual("dog");
    expect(trimFillers("etwas Milch", "de-DE")).toEqual("Milch");
    expect(trimFillers("a", "en-US")).toEqual("");
  });
});
