/**
 * Vitest globalSetup for the workers project (runs in Node, before workerd
 * starts): generates a test PKI with emulator/pki.ts and serves its chain on
 * 127.0.0.1 under `/echo.api/`, so that the Worker's `POST /alexa` downloads
 * a real certificate chain over real HTTP. vitest.config.ts passes the origin
 * and the root into the Worker as ALEXA_CERT_ORIGIN / ALEXA_EXTRA_ROOTS_PEM;
 * tests get the leaf key with `inject("alexaPki")`.
 *
 * Paths: `/echo.api/chain.pem` (the chain), `/echo.api/missing.pem` (404),
 * `/echo.api/garbage.pem` (not PEM). Every request is counted per path at
 * `GET /__hits` so tests can tell whether a download happened.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { createTestPki, exportPrivateKeyPkcs8Pem } from "../../emulator/pki.ts";

export interface ProvidedAlexaPki {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  rootPem: string;
  chainPem: string;
  /** PKCS#8 PEM of the leaf's private key. */
  leafKeyPem: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    alexaPki: ProvidedAlexaPki;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pki = await createTestPki();
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/__hits") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(Object.fromEntries(hits)));
      return;
    }
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === "/echo.api/chain.pem") res.writeHead(200, { "content-type": "application/x-pem-file" }).end(pki.chainPem);
    else if (path === "/echo.api/garbage.pem") res.writeHead(200).end("this is not a certificate");
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("alexaPki", {
    origin: `http://127.0.0.1:${port}`,
    rootPem: pki.rootPem,
    chainPem: pki.chainPem,
    leafKeyPem: await exportPrivateKeyPkcs8Pem(pki.leafKey),
  });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
