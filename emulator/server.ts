/**
 * @module emulator/server
 * Runs the emulator on a Node HTTP server: Amazon's APIs, the certificate
 * chain and the control API on one loopback origin.
 */
import { AlexaEmulator, type EmulatorOptions } from "./emulator.ts";
import { serve } from "./node-http.ts";

export interface RunningEmulator {
  emulator: AlexaEmulator;
  /** e.g. `http://127.0.0.1:8790` */
  origin: string;
  close(): Promise<void>;
}

/**
 * Starts the emulator on `host:port` (port 0 picks a free one); its origin is
 * known only once listening, so it is created then.
 * @example
 * const { emulator, origin, close } = await startEmulator({ port: 8790, skillEndpoint: "http://127.0.0.1:8787/alexa" });
 */
export async function startEmulator(
  opts: Omit<EmulatorOptions, "origin"> & { port?: number; host?: string },
): Promise<RunningEmulator> {
  let emulator: AlexaEmulator | null = null;
  const served = await serve(
    async (req) => (emulator ? emulator.fetch(req) : Response.json({ message: "starting" }, { status: 503 })),
    { port: opts.port ?? 0, host: opts.host ?? "127.0.0.1" },
  );
  try {
    emulator = await AlexaEmulator.create({ ...opts, origin: served.origin });
  } catch (e) {
    await served.close();
    throw e;
  }
  const emu = emulator;
  return {
    emulator: emu,
    origin: served.origin,
    close: async () => {
      emu.close();
      await served.close();
    },
  };
}
