/**
 * @module test/cost/meter
 * Counts what an operation costs on Cloudflare, in the workers test pool:
 * per Durable Object class, SQL statements and the rows they read and wrote
 * (`SqlStorageCursor.rowsRead/rowsWritten`, which count every index entry),
 * `setAlarm()` calls (each billed as a row written); and, for the whole
 * operation, Durable Object calls (RPC and fetch, by binding), KV reads and
 * writes, and subrequests (`fetch`).
 *
 * Hand-written because no library instruments workerd's storage: it patches
 * the runtime's prototypes (`SqlStorage.exec`, the storage's alarm methods,
 * the stubs the Durable Object namespaces hand out, the KV namespace) once, in this
 * isolate, where the Worker and its objects run too. It does not know which
 * object holds what: objects are named after their binding by walking every
 * Durable Object namespace of `env` at the end of a measurement, so a new
 * class (or a table moved to another object) is counted without a change here.
 * Production code is untouched.
 */
import { DurableObject, env } from "cloudflare:workers";
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import * as Main from "../../src/index.ts";
import type { Cost, ObjectCost } from "./cost-types.ts";

export type { Cost, ObjectCost };

interface Window {
  cursors: { key: object; query: string; cursor: SqlStorageCursor<Record<string, SqlStorageValue>> | null }[];
  alarms: Map<object, number>;
  doCalls: Record<string, number>;
  kvReads: number;
  kvWrites: number;
  fetches: number;
}

let window: Window | null = null;
let installed = false;
const labels = new WeakMap<object, string>();

/** Binding names of every Durable Object namespace in `env`. */
function namespaces(): [string, DurableObjectNamespace][] {
  return Object.entries(env as unknown as Record<string, unknown>).filter(
    // By prototype: reading a property of a service binding would ask its Worker for an RPC method.
    (e): e is [string, DurableObjectNamespace] =>
      typeof e[1] === "object" && e[1] !== null && Object.getPrototypeOf(e[1])?.constructor?.name === "DurableObjectNamespace",
  );
}

/** Public method names of every Durable Object class the Worker exports (the RPC surface). */
function rpcMethods(): string[] {
  const names = new Set<string>();
  for (const v of Object.values(Main)) {
    if (typeof v !== "function" || !(v.prototype instanceof DurableObject)) continue;
    for (let p: object | null = v.prototype; p && p !== DurableObject.prototype; p = Object.getPrototypeOf(p)) {
      for (const n of Object.getOwnPropertyNames(p)) if (n !== "constructor" && n !== "fetch" && n !== "alarm") names.add(n);
    }
  }
  return [...names];
}

/**
 * Counts the stub's RPC calls: an own property per method name on the stub
 * itself (a Proxy would not be accepted where a stub is expected).
 */
function countCalls(binding: string, stub: object, methods: string[]): object {
  for (const m of methods) {
    const v = (stub as Record<string, unknown>)[m] as (...a: unknown[]) => unknown;
    Object.defineProperty(stub, m, {
      configurable: true,
      value: (...args: unknown[]) => {
        if (window) window.doCalls[binding] = (window.doCalls[binding] ?? 0) + 1;
        return Reflect.apply(v, stub, args);
      },
    });
  }
  return stub;
}

/**
 * Patches the runtime once (idempotent). Call in `beforeAll`.
 * @example beforeAll(() => installMeter());
 */
export async function installMeter(): Promise<void> {
  if (installed) return;
  installed = true;
  const [firstName, firstNs] = namespaces()[0]!;
  await runInDurableObject(firstNs.getByName(`meter-probe-${firstName}`), (_i: unknown, state: DurableObjectState) => {
    const sqlProto = Object.getPrototypeOf(state.storage.sql) as { exec: SqlStorage["exec"] };
    const exec = sqlProto.exec;
    sqlProto.exec = function (this: SqlStorage, query: string, ...bindings: SqlStorageValue[]) {
      if (!window) return exec.call(this, query, ...bindings);
      const entry: Window["cursors"][number] = { key: this, query, cursor: null };
      window.cursors.push(entry);
      const cursor = exec.call(this, query, ...bindings);
      entry.cursor = cursor;
      return cursor;
    } as SqlStorage["exec"];
    const storageProto = Object.getPrototypeOf(state.storage) as { setAlarm: DurableObjectStorage["setAlarm"] };
    const setAlarm = storageProto.setAlarm;
    storageProto.setAlarm = function (this: DurableObjectStorage, ...args: Parameters<DurableObjectStorage["setAlarm"]>) {
      if (window) window.alarms.set(this.sql, (window.alarms.get(this.sql) ?? 0) + 1);
      return setAlarm.apply(this, args);
    };
  });
  const methods = rpcMethods();
  for (const [, ns] of namespaces()) {
    const proto = Object.getPrototypeOf(ns) as DurableObjectNamespace;
    for (const m of ["get", "getByName"] as const) {
      const orig = proto[m] as (...a: unknown[]) => object;
      // One prototype serves every namespace: the binding is told apart by `this`.
      if ((orig as { metered?: boolean }).metered) continue;
      const wrapped = function (this: DurableObjectNamespace, ...a: unknown[]) {
        const binding = namespaces().find(([, n]) => n === this)?.[0] ?? "unknown";
        return countCalls(binding, orig.apply(this, a), methods);
      };
      (wrapped as { metered?: boolean }).metered = true;
      (proto as unknown as Record<string, unknown>)[m] = wrapped;
    }
  }
  const kv = Object.getPrototypeOf(env.TOKEN_CACHE) as Record<string, (...a: unknown[]) => unknown>;
  for (const [m, kind] of [["get", "r"], ["getWithMetadata", "r"], ["list", "r"], ["put", "w"], ["delete", "w"]] as const) {
    const orig = kv[m]!;
    kv[m] = function (this: unknown, ...a: unknown[]) {
      if (window) {
        if (kind === "r") window.kvReads++;
        else window.kvWrites++;
      }
      return orig.apply(this, a);
    };
  }
}

/**
 * Counts `fetch` calls while a window is open: wrap the test's fetch double
 * (call after installing it, e.g. `vi.spyOn(globalThis, "fetch")`).
 * @example countFetches();
 */
export function countFetches(): void {
  const inner = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    if (window) window.fetches++;
    return inner(input, init);
  }) as typeof fetch;
}

/** Names every object's SQL storage after its binding (uncounted). */
async function labelObjects(): Promise<void> {
  for (const [name, ns] of namespaces()) {
    for (const id of await listDurableObjectIds(ns)) {
      await runInDurableObject(ns.get(id), (_i: unknown, state: DurableObjectState) => {
        if (!labels.has(state.storage.sql)) labels.set(state.storage.sql, name);
      });
    }
  }
}

/**
 * Runs `fn` and answers what it cost. `fn` should wait for the background
 * work it causes (e.g. the object's `idle()` in `runInDurableObject`, which is not an RPC call).
 * @example const cost = await measure(() => send(envelope));
 */
export async function measure(fn: () => Promise<unknown>): Promise<Cost> {
  if (!installed) throw new Error("installMeter() first");
  if (window) throw new Error("measurements do not nest");
  const w: Window = { cursors: [], alarms: new Map(), doCalls: {}, kvReads: 0, kvWrites: 0, fetches: 0 };
  window = w;
  try {
    await fn();
  } finally {
    window = null;
  }
  await labelObjects();
  const byClass: Record<string, ObjectCost> = {};
  const seen = new Map<string, Set<object>>();
  const of = (key: object): ObjectCost => {
    const label = labels.get(key) ?? "unknown";
    seen.set(label, (seen.get(label) ?? new Set()).add(key));
    return (byClass[label] ??= { statements: 0, rowsRead: 0, rowsWritten: 0, setAlarm: 0, objects: 0 });
  };
  const log: Cost["log"] = [];
  for (const { key, query, cursor } of w.cursors) {
    const c = of(key);
    c.statements++;
    if (cursor) {
      c.rowsRead += cursor.rowsRead;
      c.rowsWritten += cursor.rowsWritten;
    }
    log.push([labels.get(key) ?? "unknown", query.replace(/\s+/g, " ").slice(0, 90), cursor?.rowsRead ?? 0, cursor?.rowsWritten ?? 0]);
  }
  for (const [key, n] of w.alarms) of(key).setAlarm += n;
  for (const [label, keys] of seen) byClass[label]!.objects = keys.size;
  const sum = (k: keyof ObjectCost) => Object.values(byClass).reduce((a, c) => a + c[k], 0);
  return {
    byClass,
    doCalls: w.doCalls,
    kvReads: w.kvReads,
    kvWrites: w.kvWrites,
    fetches: w.fetches,
    statements: sum("statements"),
    rowsRead: sum("rowsRead"),
    rowsWritten: sum("rowsWritten"),
    setAlarm: sum("setAlarm"),
    billedRowsWritten: sum("rowsWritten") + sum("setAlarm"),
    calls: Object.values(w.doCalls).reduce((a, b) => a + b, 0),
    log,
  };
}

/**
 * Runs `fn` with counting paused (set-up only: anything running meanwhile goes uncounted too) (test set-up or waiting inside a measurement).
 * @example await measure(async () => { await send(e); await uncounted(() => settle(stub)); });
 */
export async function uncounted<T>(fn: () => Promise<T>): Promise<T> {
  const w = window;
  window = null;
  try {
    return await fn();
  } finally {
    window = w;
  }
}
