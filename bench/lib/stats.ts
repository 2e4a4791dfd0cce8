/**
 * @module bench/lib/stats
 * The few statistics the benchmarks quote: median of repeated runs, nearest-rank
 * percentiles of latency samples, and ratios taken inside one run.
 *
 * Trade-off: these machines are small and noisy (2 shared cores), so every
 * figure is a median over several runs, and every comparison is a ratio of two
 * measurements taken back to back in the same run, whose median is then
 * reported. A median of ratios survives a slow run far better than a ratio of
 * medians taken minutes apart.
 */

/**
 * Median of a non-empty sample (mean of the two middle values for even sizes).
 * @example median([3, 1, 2]) // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty sample");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Nearest-rank percentile (`p` in 0..100): the smallest sample value such that
 * at least `p`% of the sample is at or below it. Unlike interpolating
 * definitions it always returns a value that was actually observed, which is
 * what a latency "p99" should mean.
 * @example percentile([1, 2, 3, 4], 50) // 2
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of an empty sample");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile out of range: ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * `a / b`, refusing to divide by zero or by a non-finite value (a benchmark
 * that measured nothing must not print a ratio).
 * @example ratio(150, 100) // 1.5
 */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    throw new RangeError(`cannot take the ratio ${a} / ${b}`);
  }
  return a / b;
}

/** Several runs of one measurement, summarised. */
export interface RunSummary {
  /** Median over the runs. */
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * Summarises one value per run (e.g. µs per operation in each run).
 * @example summarize([10, 12, 11]) // { median: 11, min: 10, max: 12, runs: 3 }
 */
export function summarize(perRun: readonly number[]): RunSummary {
  return { median: median(perRun), min: Math.min(...perRun), max: Math.max(...perRun), runs: perRun.length };
}

/**
 * Per-run ratios of two series measured pairwise in the same runs
 * (`a[i] / b[i]`), summarised by their median.
 * @example pairedRatio([15, 30], [10, 20]).median // 1.5
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): RunSummary {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(`paired series differ in length: ${a.length} vs ${b.length}`);
  }
  return summarize(a.map((x, i) => ratio(x, b[i]!)));
}
