/**
 * @module bench/lib/report
 * The shape every benchmark section returns, Markdown helpers, and the writer
 * of BENCHMARKS.md. A section either measured something (its Markdown plus
 * the targets it checked) or says plainly why it did not: the file never
 * carries a number that this run did not produce.
 */

/** One issue target, judged from measured numbers (never from constants). */
export interface TargetCheck {
  target: string;
  measured: string;
  /** `null` when the target could not be judged (not measured). */
  met: boolean | null;
}

/** What one benchmark section produced. */
export interface SectionResult {
  /** Markdown body (tables and notes), without the section heading. */
  markdown: string;
  targets: TargetCheck[];
}

/** A section of BENCHMARKS.md, in order. */
export interface Section {
  title: string;
  /** Targets listed in the summary even when the section fails to run. */
  targetNames: string[];
  run: () => Promise<SectionResult>;
}

/**
 * A Markdown table; cells are escaped for `|`.
 * @example table(["a", "b"], [["1", "2"]])
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const line = (cells: readonly string[]) => `| ${cells.map(esc).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * A number with a sensible number of significant digits for a table.
 * @example fmt(1234.5) // "1235"; fmt(0.01234) // "0.0123"
 */
export function fmt(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 10 ** digits) return Math.round(n).toLocaleString("en-US");
  return Number(n.toPrecision(digits)).toString();
}

/**
 * A duration in µs, ms or s, whichever reads best.
 * @example fmtDuration(0.0421) // "42.1 µs"
 */
export function fmtDuration(ms: number): string {
  if (ms < 1) return `${fmt(ms * 1000)} µs`;
  if (ms < 1000) return `${fmt(ms)} ms`;
  return `${fmt(ms / 1000)} s`;
}

/**
 * Bytes in B, KiB or MiB.
 * @example fmtBytes(2048) // "2 KiB"
 */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${fmt(n / 1024)} KiB`;
  return `${fmt(n / 1024 / 1024)} MiB`;
}

/**
 * A section that could not be measured: the reason, stated once.
 * @example notMeasured("the /alexa route has not landed")
 */
export function notMeasured(reason: string, targetNames: readonly string[] = []): SectionResult {
  return {
    markdown: `not measured: ${reason}`,
    targets: targetNames.map((target) => ({ target, measured: `not measured: ${reason}`, met: null })),
  };
}

/** "met", "NOT met" or "not judged". */
export function verdict(met: boolean | null): string {
  return met === null ? "not judged" : met ? "met" : "**NOT met**";
}

/**
 * The whole BENCHMARKS.md.
 * @example renderReport({ header, sections: [["1. Size", result]] })
 */
export function renderReport(opts: {
  header: string;
  sections: readonly (readonly [string, SectionResult])[];
}): string {
  const all = opts.sections.flatMap(([, r]) => r.targets);
  const summary = table(
    ["Target", "Measured", "Verdict"],
    all.map((t) => [t.target, t.measured, verdict(t.met)]),
  );
  const body = opts.sections.map(([title, r]) => `## ${title}\n\n${r.markdown.trim()}\n`).join("\n");
  return `${opts.header.trim()}\n\n## Targets\n\n${summary}\n\n${body}`;
}

/**
 * BENCHMARKS.md with the given sections replaced (or appended) and their
 * target rows replaced in the summary; everything else as it was. For a
 * `BENCH_ONLY=… BENCH_WRITE=1` run: each section still comes from one run.
 * @example spliceSections(await readFile("BENCHMARKS.md", "utf8"), [["7. Cost per operation", result]])
 */
export function spliceSections(doc: string, sections: readonly (readonly [string, SectionResult])[]): string {
  let out = doc;
  for (const [title, r] of sections) {
    const body = `## ${title}\n\n${r.markdown.trim()}\n`;
    const start = out.indexOf(`## ${title}\n`);
    if (start < 0) {
      out = `${out.trimEnd()}\n\n${body}`;
    } else {
      const next = out.indexOf("\n## ", start + 3);
      out = out.slice(0, start) + body + (next < 0 ? "" : out.slice(next));
    }
    // Target rows: drop this section's old ones (by target name), add the new ones at the end of the summary.
    const rows = r.targets.map((t) => table(["Target", "Measured", "Verdict"], [[t.target, t.measured, verdict(t.met)]]).split("\n")[2]!);
    const names = r.targets.map((t) => `| ${t.target.replace(/\|/g, "\\|")} |`);
    const kept = out.split("\n").filter((l) => !names.some((n) => l.startsWith(n)));
    // The summary table: the first table after "## Targets"; the new rows go at its end.
    let at = kept.indexOf("## Targets");
    if (at >= 0) {
      while (at < kept.length && !kept[at]!.startsWith("|")) at++;
      while (at < kept.length && kept[at]!.startsWith("|")) at++;
      kept.splice(at, 0, ...rows);
    }
    out = kept.join("\n");
  }
  return out;
}
