/**
 * @module bench/e2e/load-child
 * The load generator, in its own process (so its CPU is not the Worker's and
 * not the orchestrator's): autocannon against `POST <url><path>`, cycling
 * through a pool of pre-signed requests in one global round robin shared by
 * all connections (autocannon's own `requests` list would restart at the
 * first request on every connection). Prints one JSON line with the result.
 */
import autocannon from "autocannon";
import { readFileSync } from "node:fs";

export interface LoadConfig {
  url: string;
  /** Default POST (with the pool's headers and bodies); GET ignores the pool. */
  method?: "GET" | "POST";
  path: string;
  connections: number;
  durationSec: number;
  pool: { headers: Record<string, string>; body: string }[];
}

export interface LoadResult {
  /** Which load generator produced this. */
  tool?: "wrk" | "autocannon";
  /** CPU seconds (user + system) the load generator's process used. */
  loadgenCpuSec?: number;
  /** Responses received. */
  requests: number;
  /** Requests sent (some may still have been in flight when the run ended). */
  sent: number;
  durationSec: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

const cfg = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8")) as LoadConfig;
let next = 0;
const result = await autocannon({
  url: cfg.url,
  connections: cfg.connections,
  duration: cfg.durationSec,
  timeout: 10,
  requests: [
    {
      method: cfg.method ?? "POST",
      path: cfg.path,
      setupRequest: (req) => {
        if (cfg.method === "GET") return { ...req, method: "GET", path: cfg.path };
        const r = cfg.pool[next++ % cfg.pool.length]!;
        return { ...req, method: "POST", path: cfg.path, headers: r.headers, body: r.body };
      },
    },
  ],
});
const statusCodes: Record<string, number> = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(count);
const out: LoadResult = {
  tool: "autocannon",
  requests: result.requests.total,
  sent: cfg.method === "GET" ? result.requests.total : next,
  durationSec: result.duration,
  rps: result.requests.average,
  p50Ms: result.latency.p50,
  p90Ms: result.latency.p90,
  p99Ms: result.latency.p99,
  maxMs: result.latency.max,
  errors: result.errors,
  timeouts: result.timeouts,
  statusCodes,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
