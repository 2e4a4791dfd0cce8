import { describe, expect, it } from "vitest";
import { spliceSections } from "../../../bench/lib/report.ts";

const DOC = `# Benchmarks

## Targets

| Target | Measured | Verdict |
| --- | --- | --- |
| A | 1 | met |
| Cost: x | 9 rows | **NOT met** |

## 1. One

one body

## 5. Cost per operation

old cost body
`;

describe("spliceSections (BENCH_ONLY=… BENCH_WRITE=1)", () => {
  it("replaces the section and its target rows, leaving the rest as it was", () => {
    const out = spliceSections(DOC, [["5. Cost per operation", { markdown: "new cost body", targets: [{ target: "Cost: x", measured: "0 rows", met: true }] }]]);
    expect(out).toContain("## 1. One\n\none body\n");
    expect(out).toContain("## 5. Cost per operation\n\nnew cost body\n");
    expect(out).not.toContain("old cost body");
    expect(out).toContain("| A | 1 | met |\n| Cost: x | 0 rows | met |\n\n## 1. One");
    expect(out).not.toContain("9 rows");
  });

  it("appends a section the file does not have yet, its targets at the end of the summary", () => {
    const out = spliceSections(DOC, [["6. New", { markdown: "fresh", targets: [{ target: "N", measured: "1", met: null }] }]]);
    expect(out.trimEnd().endsWith("## 6. New\n\nfresh")).toBe(true);
    expect(out).toContain("| Cost: x | 9 rows | **NOT met** |\n| N | 1 | not judged |\n");
  });
});
