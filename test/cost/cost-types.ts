/**
 * @module test/cost/cost-types
 * The shape of one measured operation (test/cost/meter.ts measures it, the
 * cost tests attach it to their `meta`, bench/cost.ts reads it from vitest's
 * JSON report). Apart from the meter, without imports, so the bench (a Node
 * program) can use the type without workerd's modules and globals.
 */

/** What one Durable Object class did during an operation (summed over its objects). */
export interface ObjectCost {
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  setAlarm: number;
  /** Objects of this class touched. */
  objects: number;
}

/** What one operation cost. */
export interface Cost {
  /** By binding name (ALEXA_USER, USER_REGISTRY, APP_USERS, …). */
  byClass: Record<string, ObjectCost>;
  /** Durable Object calls (RPC methods and fetch) made by anyone, by binding name. */
  doCalls: Record<string, number>;
  kvReads: number;
  kvWrites: number;
  /** `fetch` calls (subrequests: webhooks, Amazon). */
  fetches: number;
  /** Totals over every class. */
  statements: number;
  rowsRead: number;
  rowsWritten: number;
  setAlarm: number;
  /** SQL rows written plus `setAlarm()` calls: what the bill counts as rows written. */
  billedRowsWritten: number;
  calls: number;
  /** Every statement in order: class, the query's start, rows read, rows written (to find what to cut). */
  log: [string, string, number, number][];
}
