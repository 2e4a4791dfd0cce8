/** The emulator over real loopback sockets: delivery to an HTTP skill, control API, chain. */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../../../emulator/server.ts";
import { testPki, waitFor } from "./helpers.ts";

let running: RunningEmulator | null = null;
let closeSkill: (() => void) | null = null;
afterEach(async () => {
  await running?.close();
  closeSkill?.();
});

describe("startEmulator", () => {
  it("serves the control API and the chain, and delivers signed requests to an HTTP skill", async () => {
    const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
    const skill = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { "content-type": "application/json" }).end('{"version":"1.0","response":{}}');
      });
    });
    await new Promise<void>((r) => skill.listen(0, "127.0.0.1", r));
    closeSkill = () => skill.close();
    const skillUrl = `http://127.0.0.1:${(skill.address() as AddressInfo).port}/alexa`;

    running = await startEmulator({ port: 0, skillEndpoint: skillUrl, pki: await testPki() });
    expect(running.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const enable = await fetch(`${running.origin}/_control/people/alice/enable`, { method: "POST", body: "{}" });
    expect(enable.status).toBe(200);
    const got = await waitFor(() => received[0]);
    expect(got.headers["signaturecertchainurl"]).toBe(`${running.origin}/echo.api/echo-api-cert.pem`);
    expect(got.headers["signature-256"]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(JSON.parse(got.body).context.System.apiEndpoint).toBe(running.origin);
    const chain = await (await fetch(`${running.origin}/echo.api/echo-api-cert.pem`)).text();
    expect(chain).toBe((await testPki()).chainPem);
    await waitFor(() => running!.emulator.deliveries.list()[0]?.state === "delivered");
  });
});
