import { describe, expect, it } from "vitest";
import { alexaDateToIso } from "../../src/alexa/dates.ts";

describe("alexaDateToIso", () => {
  it("converts the List API's Java-style date", () => {
    expect(alexaDateToIso("Sat Jul 22 10:41:04 UTC 2017")).toBe("2017-07-22T10:41:04.000Z");
    expect(alexaDateToIso("Mon Jan 01 00:00:00 GMT 2024")).toBe("2024-01-01T00:00:00.000Z");
    expect(alexaDateToIso("Thu Feb 29 23:59:59 UTC 2024")).toBe("2024-02-29T23:59:59.000Z");
  });

  it("is lenient about case, single-digit days and extra spaces", () => {
    expect(alexaDateToIso("sat jul 22 10:41:04 utc 2017")).toBe("2017-07-22T10:41:04.000Z");
    expect(alexaDateToIso("Sun Jul  2 10:41:04 UTC 2017")).toBe("2017-07-02T10:41:04.000Z");
    expect(alexaDateToIso("  Sun Jul 2 10:41:04 UTC 2017 ")).toBe("2017-07-02T10:41:04.000Z");
  });

  it("applies numeric zone offsets", () => {
    expect(alexaDateToIso("Sat Jul 22 12:41:04 +0200 2017")).toBe("2017-07-22T10:41:04.000Z");
    expect(alexaDateToIso("Sat Jul 22 05:41:04 -05:00 2017")).toBe("2017-07-22T10:41:04.000Z");
  });

  it("normalises ISO 8601 input to UTC with milliseconds", () => {
    expect(alexaDateToIso("2017-07-22T10:41:04.000Z")).toBe("2017-07-22T10:41:04.000Z");
    expect(alexaDateToIso("2022-10-03T16:20:50.52Z")).toBe("2022-10-03T16:20:50.520Z");
    expect(alexaDateToIso("2022-10-03T16:20:50Z")).toBe("2022-10-03T16:20:50.000Z");
    expect(alexaDateToIso("2017-07-22T12:41:04+02:00")).toBe("2017-07-22T10:41:04.000Z");
    expect(alexaDateToIso("2017-07-22T10:41:04.123456789Z")).toBe("2017-07-22T10:41:04.123Z");
    expect(alexaDateToIso("2017-07-22T10:41Z")).toBe("2017-07-22T10:41:00.000Z");
  });

  it("returns null for garbage, impossible dates and unknown zones, never throwing", () => {
    const garbage: unknown[] = [
      "",
      "yesterday",
      "Sat Jul 22 10:41:04 PDT 2017",
      "Sat Foo 22 10:41:04 UTC 2017",
      "Xyz Jul 22 10:41:04 UTC 2017",
      "Fri Feb 30 10:41:04 UTC 2024",
      "Sat Jul 22 25:41:04 UTC 2017",
      "Sat Jul 22 10:41:60 UTC 2017",
      "2017-07-22T10:41:04",
      "2017-13-01T00:00:00Z",
      "2017-02-29T00:00:00Z",
      "2017-07-22T10:41:04+25:00",
      "1500720064000",
      null,
      undefined,
      42,
      {},
      "x".repeat(10_000),
    ];
    for (const g of garbage) expect(alexaDateToIso(g), String(g)).toBeNull();
  });
});
