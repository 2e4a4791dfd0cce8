/**
 * @module bench/lib/amazon-stub
 * One small HTTP server on 127.0.0.1 standing in for everything the Worker
 * calls, counting each kind of request:
 *
 * - `GET /echo.api/*` → the test certificate chain (ALEXA_CERT_ORIGIN);
 * - `POST /auth/o2/token` → a Login-with-Amazon token (1 h);
 * - `POST /v1/skillmessages/users/{id}` → 202 (Skill Messaging API);
 * - `POST /v2/householdlists/{listId}/items` → 201 with a new item,
 *   `GET /v2/householdlists/{listId}/items/{itemId}` → that item (List API);
 * - `POST /webhooks` → 204 (the app's webhook receiver).
 *
 * It keeps no state beyond counters and answers from templates, so under load
 * it costs far less CPU than the Worker it serves.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type StubCounter = "certDownloads" | "tokenRequests" | "skillMessages" | "listWrites" | "listReads" | "webhooks" | "other";

export interface AmazonStub {
  origin: string;
  counts: Record<StubCounter, number>;
  /** Distinct item values written through the List API since the last reset (duplicates = writes − this). */
  distinctListWriteValues(): number;
  /** Most Skill Messaging requests open at the same moment since the last reset. */
  peakConcurrentSkillMessages(): number;
  reset(): void;
  close(): Promise<void>;
}

const ALEXA_DATE = "Sat Nov 21 10:41:04 UTC 2026";

function item(id: string, listId: string, origin: string): string {
  return JSON.stringify({
    id,
    version: 1,
    value: `bench item ${id}`,
    status: "active",
    createdTime: ALEXA_DATE,
    updatedTime: ALEXA_DATE,
    href: `${origin}/v2/householdlists/${listId}/items/${id}`,
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
    req.on("error", () => resolve(body));
  });
}

/**
 * Starts the stub; `chainPem` is served for certificate downloads.
 * @example const stub = await startAmazonStub(pki.chainPem); stub.counts.listWrites;
 */
export async function startAmazonStub(chainPem: string): Promise<AmazonStub> {
  const counts: Record<StubCounter, number> = {
    certDownloads: 0,
    tokenRequests: 0,
    skillMessages: 0,
    listWrites: 0,
    listReads: 0,
    webhooks: 0,
    other: 0,
  };
  let origin = "";
  let itemSeq = 0;
  const writtenValues = new Set<string>();
  let openMessages = 0;
  let peakMessages = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path.startsWith("/v1/skillmessages/")) {
      peakMessages = Math.max(peakMessages, ++openMessages);
      res.once("close", () => openMessages--);
    }
    const body = await readBody(req);
    const json = (status: number, body: string) =>
      res.writeHead(status, { "content-type": "application/json" }).end(body);
    if (req.method === "GET" && path.startsWith("/echo.api/")) {
      counts.certDownloads++;
      res.writeHead(200, { "content-type": "application/x-pem-file" }).end(chainPem);
    } else if (req.method === "POST" && path === "/auth/o2/token") {
      counts.tokenRequests++;
      json(200, JSON.stringify({ access_token: `Atc|bench-${counts.tokenRequests}`, scope: "alexa:skill_messaging", token_type: "bearer", expires_in: 3600 }));
    } else if (req.method === "POST" && path.startsWith("/v1/skillmessages/users/")) {
      counts.skillMessages++;
      res.writeHead(202).end();
    } else if (req.method === "POST" && /^\/v2\/householdlists\/[^/]+\/items\/?$/.test(path)) {
      counts.listWrites++;
      try {
        writtenValues.add(String((JSON.parse(body) as { value?: unknown }).value));
      } catch {
        writtenValues.add(body);
      }
      const listId = path.split("/")[3]!;
      json(201, item(`bench-created-${++itemSeq}`, listId, origin));
    } else if (req.method === "GET" && /^\/v2\/householdlists\/[^/]+\/items\/[^/]+$/.test(path)) {
      counts.listReads++;
      const [, , , listId, , itemId] = path.split("/");
      json(200, item(decodeURIComponent(itemId!), listId!, origin));
    } else if (req.method === "POST" && path === "/webhooks") {
      counts.webhooks++;
      res.writeHead(204).end();
    } else {
      counts.other++;
      json(404, JSON.stringify({ type: "NOT_FOUND", message: `bench stub: no ${req.method} ${path}` }));
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    counts,
    peakConcurrentSkillMessages: () => peakMessages,
    distinctListWriteValues: () => writtenValues.size,
    reset: () => {
      writtenValues.clear();
      for (const k of Object.keys(counts) as StubCounter[]) counts[k] = 0;
      peakMessages = openMessages;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
