import { describe, expect, it } from "vitest";
import { formatAmazonDate } from "../../../emulator/amazon-date.ts";

describe("formatAmazonDate", () => {
  it("matches the List API's documented example", () => {
    expect(formatAmazonDate(Date.UTC(2017, 6, 22, 10, 41, 4))).toBe("Sat Jul 22 10:41:04 UTC 2017");
  });

  it("zero-pads the day and time, in UTC", () => {
    expect(formatAmazonDate(Date.UTC(2026, 0, 5, 3, 4, 5, 999))).toBe("Mon Jan 05 03:04:05 UTC 2026");
  });
});
