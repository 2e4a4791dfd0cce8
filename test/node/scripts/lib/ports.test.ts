// Issue 11, point 10: `npm start` checks its ports before starting anything,
// says what holds a taken one, and shows the Worker's console.log lines.
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkPorts, portFree, portHolder } from "../../../../scripts/lib/ports.ts";
import { freePort, startWranglerDev, wranglerDevArgs } from "../../../../scripts/lib/wrangler-dev.ts";

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

async function occupy(): Promise<number> {
  const port = await freePort();
  server = createServer();
  await new Promise<void>((r) => server!.listen(port, "127.0.0.1", () => r()));
  return port;
}

describe("checkPorts", () => {
  it("passes when every port is free (0: any port)", async () => {
    const port = await freePort();
    await expect(checkPorts([{ what: "the Worker (wrangler dev)", variable: "WORKER_PORT", port }, { what: "x", variable: "X", port: 0 }])).resolves.toBeUndefined();
  });

  it("a taken emulator port names the emulator, EMULATOR_PORT and the process holding it", async () => {
    const port = await occupy();
    expect(await portFree(port)).toBe(false);
    const holder = portHolder(port);
    expect(holder?.pid).toBe(process.pid);
    const err = await checkPorts([{ what: "the Alexa emulator", variable: "EMULATOR_PORT", port }]).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toContain(`port ${port}, for the Alexa emulator (EMULATOR_PORT)`);
    expect(err!.message).toContain(`pid ${process.pid}`);
    expect(err!.message).toContain(`EMULATOR_PORT=${port + 100} npm start`);
  });
});

describe("wrangler dev", () => {
  it("runs with --log-level log, so the Worker's console.log lines show under npm start", () => {
    const args = wranglerDevArgs({ port: 8787, envFile: "/tmp/x.env" }, 9229);
    expect(args.slice(args.indexOf("--log-level"), args.indexOf("--log-level") + 2)).toEqual(["--log-level", "log"]);
  });

  it("refuses to start on a taken port instead of reporting the leftover Worker as ready", async () => {
    const port = await occupy();
    await expect(startWranglerDev({ cwd: process.cwd(), port, vars: {}, envFile: `/tmp/alb-ports-${process.pid}.env` })).rejects.toThrow(
      new RegExp(`port ${port} \\(the Worker, WORKER_PORT\\) is in use by pid ${process.pid}`),
    );
  });
});
