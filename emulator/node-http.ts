/**
 * @module emulator/node-http
 * Puts a web-style `(Request) => Response` handler on a Node HTTP server.
 * Bodies are buffered (everything the emulator serves is small), except
 * `text/event-stream` responses, which are streamed as they come. A handler
 * may answer {@link REFUSE} to reset the connection without a response, which
 * is how the fake app plays "down".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Answer with this to destroy the connection instead of responding. */
export const REFUSE = Symbol("refuse");

export type NodeHandler = (req: Request) => Promise<Response | typeof REFUSE>;

export interface Served {
  server: Server;
  /** `http://host:port` */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (port 0 picks a free one).
 * @example const { origin, close } = await serve((req) => emulator.fetch(req), { port: 8790 });
 */
export async function serve(handler: NodeHandler, opts: { port?: number; host?: string } = {}): Promise<Served> {
  const host = opts.host ?? "127.0.0.1";
  const server = createServer((req, res) => void dispatch(handler, host, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    origin: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function dispatch(handler: NodeHandler, host: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (Array.isArray(v)) for (const one of v) headers.append(k, one);
      else if (v !== undefined) headers.set(k, v);
    }
    const method = req.method ?? "GET";
    const request = new Request(`http://${req.headers.host ?? host}${req.url ?? "/"}`, {
      method,
      headers,
      ...(method === "GET" || method === "HEAD" ? {} : { body }),
    });
    const response = await handler(request);
    if (response === REFUSE) {
      req.socket.destroy();
      return;
    }
    if (response.body && (response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      await stream(response.body, res, response.status, Object.fromEntries(response.headers));
      return;
    }
    const out = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(out);
  } catch (e) {
    console.error("http: handler failed", e);
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "INTERNAL" }));
  }
}

/** Writes a streamed body (Server-Sent Events) as it comes; cancels it when the client goes away. */
async function stream(body: ReadableStream<Uint8Array>, res: ServerResponse, status: number, headers: Record<string, string>): Promise<void> {
  res.writeHead(status, headers);
  res.flushHeaders();
  const reader = body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    res.write(value);
  }
  res.end();
}
