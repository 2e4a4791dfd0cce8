/**
 * @module bench/outbound
 * Section 3 (placeholder until written).
 */
import { notMeasured, type SectionResult } from "../lib/report.ts";

/** @example await benchOutbound(root) */
export async function benchOutbound(_root: string): Promise<SectionResult> {
  return notMeasured("the outbound benchmark is not written yet", [
    "1 token request for 10,000 messages (50 in flight)",
    "1 List API write for 100 identical deliveries",
  ]);
}
