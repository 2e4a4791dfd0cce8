/**
 * @module bench/lib/cert-server
 * A local stand-in for `https://s3.amazonaws.com/echo.api/…`: an HTTPS server
 * on 127.0.0.1 that answers every `/echo.api/*` path with the test chain and
 * counts the downloads, so a benchmark can show which paths downloaded.
 *
 * It serves real TLS with its own certificate for `s3.amazonaws.com` (issued by
 * a separate throw-away CA, handed to clients via NODE_EXTRA_CA_CERTS), so the
 * peers' unmodified `https.get` pays a realistic TLS + HTTP download.
 * `GET /__count` returns the download count (not counted itself).
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { createTestPki, exportPrivateKeyPkcs8Pem } from "../../emulator/pki.ts";

export interface CertServer {
  port: number;
  /** PEM of the CA that issued the server's TLS certificate. */
  tlsCaPem: string;
  downloads(): number;
  close(): Promise<void>;
}

/**
 * Starts the server; `chainPem` is what every `/echo.api/*` download returns.
 * @example const srv = await startCertServer(pki.chainPem); // ... await srv.close();
 */
export async function startCertServer(chainPem: string): Promise<CertServer> {
  const tls = await createTestPki({ dnsNames: ["s3.amazonaws.com", "localhost"] });
  let count = 0;
  const server: Server = createServer(
    { key: await exportPrivateKeyPkcs8Pem(tls.leafKey), cert: tls.leafPem + tls.intermediatePem },
    (req, res) => {
      const path = (req.url ?? "").split("?")[0] ?? "";
      if (path === "/__count") {
        res.writeHead(200, { "content-type": "text/plain" }).end(String(count));
      } else if (path.startsWith("/echo.api/")) {
        count++;
        res.writeHead(200, { "content-type": "application/x-pem-file" }).end(chainPem);
      } else {
        res.writeHead(404).end();
      }
    },
  );
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    tlsCaPem: tls.rootPem,
    downloads: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
