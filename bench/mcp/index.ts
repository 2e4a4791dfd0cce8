/**
 * @module bench/mcp
 * Section 6: the MCP endpoint (`POST /mcp`, skill store) on the same harness
 * as section 2 (the deploy bundle on workerd, bench/e2e/stack.ts), against
 * Alexa+'s budget of 500 ms for a round trip. Two rows:
 *
 * - **tools/call add_items**: one new item on the shopping list of one of
 *   200 list spaces (the change, its webhook to the stub and its undo entry);
 * - **tools/call read_list**: a shopping list of 20 items (seeded by one
 *   add_items per space before the runs).
 *
 * Each request carries a space's access token (ES256 JWT from the emulator's
 * OAuth server, whose JWKS a loopback server publishes), so the figures
 * include token verification (a cached verdict after the first request of a
 * token, as in production) and the hop from the Worker to the Durable Object.
 * The spaces are Alexa users who enabled the skill and linked their account
 * (signed SkillEnabled + SkillAccountLinked) before the runs. Per run: both
 * rows at 1 connection and at 20; CPU per request is the workerd processes'
 * CPU over the 20-connection load divided by the responses. `BENCH_ONLY=mcp
 * npm run bench` runs this section alone.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { OAuthServer } from "../../emulator/oauth.ts";
import { sign, skillAccountLinked, skillEnabled } from "../lib/alexa-requests.ts";
import { pool as inFlight } from "../lib/pool.ts";
import { fmt, table, type SectionResult, type TargetCheck } from "../lib/report.ts";
import { median } from "../lib/stats.ts";
import type { LoadResult } from "../e2e/load-child.ts";
import { loadGenerator, runLoad } from "../e2e/load.ts";
import { startBenchStack, type BenchStack } from "../e2e/stack.ts";

const SPACES = 200;
const DURATION_SEC = 5;
const CONNECTION_COUNTS = [1, 20] as const;
/** Distinct adds per load (new items; more are repeats, answered "already there"). */
const DISTINCT_ADDS = 6000;
const BUDGET_MS = 500;
const RESOURCE = "https://bridge.bench/mcp";
const SEEDED = Array.from({ length: 20 }, (_, i) => `seeded item ${i + 1}`);

type Row = "add" | "read";
const LABEL: Record<Row, string> = { add: "tools/call add_items (one new item)", read: "tools/call read_list (20 items)" };

interface PoolEntry {
  headers: Record<string, string>;
  body: string;
}

function rpc(token: string, tool: string, args: Record<string, unknown>): PoolEntry {
  return {
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: args } }),
  };
}

/** The OAuth server's JWKS on loopback (the Worker fetches it once). */
async function jwksServer(): Promise<{ oauth: OAuthServer; close: () => Promise<void> }> {
  const held: { oauth?: OAuthServer } = {};
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(held.oauth?.jwks() ?? { keys: [] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const oauth = await OAuthServer.create(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  held.oauth = oauth;
  return { oauth, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function linkSpaces(stack: BenchStack, oauth: OAuthServer): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  await inFlight(SPACES, 20, async (i) => {
    const c = { userId: `amzn1.ask.account.BENCHMCP${i}`, apiEndpoint: stack.stub.origin };
    const linkToken = await oauth.issue({ sub: `space-${i}` });
    for (const body of [skillEnabled({ ...c, requestId: `amzn1.echo-api.request.mcp-enable-${i}` }), skillAccountLinked({ ...c, requestId: `amzn1.echo-api.request.mcp-link-${i}` }, linkToken)]) {
      const r = await sign(stack.pki.leafKey, body, stack.certUrl);
      const res = await fetch(`${stack.workerUrl}/alexa`, { method: "POST", headers: r.headers, body: r.body });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  });
  return statuses;
}

/**
 * Runs section 6.
 * @example const section = await benchMcp("/work/main", { runs: 3 });
 */
export async function benchMcp(root: string, opts: { runs: number }): Promise<SectionResult> {
  const jwks = await jwksServer();
  const stack = await startBenchStack(root, {
    alexaLists: "skill",
    vars: { MCP_RESOURCE_URL: RESOURCE, APP_OAUTH_ISSUER: jwks.oauth.issuer, APP_OAUTH_AUDIENCE: jwks.oauth.audience, APP_OAUTH_JWKS_URL: jwks.oauth.jwksUrl },
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), "alb-bench-mcp-"));
  try {
    const linked = await linkSpaces(stack, jwks.oauth);
    const tokens = await Promise.all(Array.from({ length: SPACES }, (_, i) => jwks.oauth.issue({ sub: `space-${i}`, aud: RESOURCE })));
    const seeded: Record<string, number> = {};
    const seed = async (i: number): Promise<void> => {
      const e = rpc(tokens[i]!, "add_items", { items: SEEDED });
      // 503: the token could not be checked now (the isolate's first JWKS fetch on a loaded machine); asked again, as a client would.
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${stack.workerUrl}/mcp`, { method: "POST", headers: e.headers, body: e.body });
        const body = (await res.json()) as { result?: { isError?: boolean } };
        if (res.status === 503 && attempt < 3) {
          seeded["503, retried"] = (seeded["503, retried"] ?? 0) + 1;
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        const key = `${res.status}${body.result?.isError ? " isError" : ""}`;
        seeded[key] = (seeded[key] ?? 0) + 1;
        return;
      }
    };
    await seed(0); // the isolate's verifier fetches the JWKS once
    await inFlight(SPACES - 1, 20, (i) => seed(i + 1));
    if (seeded["200"] !== SPACES) throw new Error(`seeding answered ${JSON.stringify(seeded)} (linking: ${JSON.stringify(linked)})`);
    const reads = tokens.map((t) => rpc(t, "read_list", {}));
    let addRun = 0;
    const adds = (): PoolEntry[] => {
      addRun++;
      return Array.from({ length: DISTINCT_ADDS }, (_, k) => rpc(tokens[k % SPACES]!, "add_items", { items: [`run ${addRun} thing ${k}`] }));
    };
    const load = (pool: PoolEntry[], connections: number, durationSec = DURATION_SEC): Promise<LoadResult> =>
      runLoad(root, dir, { url: stack.workerUrl, path: "/mcp", connections, durationSec, pool });
    await load([...adds().slice(0, 200), ...reads], 20, 2); // warm-up

    const results: Record<Row, Record<number, LoadResult[]>> = { add: { 1: [], 20: [] }, read: { 1: [], 20: [] } };
    const cpu: Record<Row, number[]> = { add: [], read: [] };
    for (let run = 0; run < opts.runs; run++) {
      const order: Row[] = run % 2 === 0 ? ["add", "read"] : ["read", "add"];
      for (const row of order) {
        for (const connections of CONNECTION_COUNTS) {
          const c0 = await stack.workerdCpuSeconds();
          const r = await load(row === "add" ? adds() : reads, connections);
          const c1 = await stack.workerdCpuSeconds();
          results[row][connections]!.push(r);
          if (connections === 20) cpu[row].push(((c1 - c0) * 1000) / Math.max(1, r.requests));
        }
      }
    }

    const med = (xs: LoadResult[], f: (x: LoadResult) => number): number => median(xs.map(f));
    const rows: string[][] = [];
    const targets: TargetCheck[] = [];
    for (const row of ["add", "read"] as const) {
      const at1 = results[row][1]!;
      const at20 = results[row][20]!;
      const bad = [...at1, ...at20].reduce((n, x) => n + x.errors + x.timeouts + Object.entries(x.statusCodes).filter(([code]) => code !== "200").reduce((m, [, v]) => m + v, 0), 0);
      rows.push([
        LABEL[row],
        `${fmt(median(cpu[row]))} ms`,
        `${fmt(med(at1, (x) => x.p50Ms))} / ${fmt(med(at1, (x) => x.p99Ms))} ms`,
        `${fmt(med(at20, (x) => x.p50Ms))} / ${fmt(med(at20, (x) => x.p99Ms))} ms`,
        fmt(med(at20, (x) => x.rps)),
        String(bad),
      ]);
      const worst = Math.max(med(at1, (x) => x.p99Ms), med(at20, (x) => x.p99Ms));
      targets.push({
        target: `MCP ${LABEL[row]}: p99 under Alexa+'s ${BUDGET_MS} ms at 1 and 20 connections, no errors`,
        measured: `p99 ${fmt(worst)} ms (worse of the two), ${fmt(median(cpu[row]))} ms workerd CPU per request, ${bad} errors or non-200 answers`,
        met: worst < BUDGET_MS && bad === 0,
      });
    }
    const markdown = [
      table(["Scenario", "workerd CPU / request (20 conn.)", "p50 / p99 at 1 connection", "p50 / p99 at 20 connections", "req/s at 20", "errors + non-200"], rows),
      "",
      `Load generator: ${loadGenerator()}. ${SPACES} list spaces (linked Alexa users, skill store), ${DURATION_SEC} s per load, ${opts.runs} runs ` +
        "(rows interleaved, order alternated per run; a 2 s warm-up before); cells are medians over runs. Each request carries its space's " +
        "ES256 access token (audience MCP_RESOURCE_URL), verified by the Worker (cached verdict after a token's first request). " +
        `Seeding (one add_items of 20 items per space): ${JSON.stringify(seeded)}. ` +
        `Alexa+'s budget for a round trip is ${BUDGET_MS} ms; these figures are loopback on this machine, without the network between Amazon and Cloudflare.`,
    ].join("\n");
    return { markdown, targets };
  } finally {
    await stack.stop();
    await jwks.close();
    await rm(dir, { recursive: true, force: true });
  }
}
