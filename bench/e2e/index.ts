/**
 * @module bench/e2e
 * Section 2 (placeholder until written).
 */
import { notMeasured, type SectionResult } from "../lib/report.ts";

/** @example await benchEndToEnd(root, { runs: 5 }) */
export async function benchEndToEnd(_root: string, _opts: { runs: number }): Promise<SectionResult> {
  return notMeasured("the end-to-end benchmark is not written yet", ["p99 under 50 ms at 200 connections, zero errors"]);
}
