/**
 * @module scripts/lib/stack
 * The whole local system, each part configured for the others: the Alexa
 * emulator (in this process), the fake app backend (in this process) and the
 * Worker (`wrangler dev`, a child process). Used by `npm start` and by the
 * end-to-end tests, so both run exactly the same wiring.
 *
 * The Worker gets: ENVIRONMENT=development, the emulator's skill id, its
 * origin as ALEXA_CERT_ORIGIN and ALEXA_API_ENDPOINT, its root CA as
 * ALEXA_EXTRA_ROOTS_PEM, its LWA URL and client credentials, the fake app's
 * webhook URL and secret, the API token, the emulator's OAuth server
 * (APP_OAUTH_ISSUER / AUDIENCE / JWKS_URL, account linking), the claim that
 * names a list space (APP_OAUTH_SPACE_CLAIM, `household` here: the
 * emulator's tokens carry it, the account's `sub` unless `link --claim
 * household=…` says otherwise, so people share lists only when told to), and
 * ALEXA_LISTS when given. The emulator points at the Worker's `/alexa`; the
 * fake app at the Worker's `/v1`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunningApp, startFakeApp } from "../../emulator/app/server.ts";
import type { EmulatorOptions } from "../../emulator/emulator.ts";
import { type RunningEmulator, startEmulator } from "../../emulator/server.ts";
import { VOICE_WAIT_MS } from "./budgets.ts";
import { eventually } from "./eventually.ts";
import { portFree } from "./ports.ts";
import { freePort, startWranglerDev, type WranglerDev } from "./wrangler-dev.ts";

export interface StackSecrets {
  /** `whsec_<base64>` */
  webhookSecret: string;
  apiToken: string;
  lwaClientId: string;
  lwaClientSecret: string;
}

export interface StackOptions {
  cwd: string;
  workerPort: number;
  /** 0 picks a free port. */
  emulatorPort: number;
  appPort: number;
  secrets: StackSecrets;
  /** Where the Worker's env file is written. */
  envFile: string;
  persistTo?: string;
  testScheduled?: boolean;
  /** Where the lists live (the Worker's ALEXA_LISTS); default: the Worker's own default, `skill`. */
  alexaLists?: "skill" | "household";
  /** The claim of the app's tokens that names a list space (APP_OAUTH_SPACE_CLAIM). Default {@link LOCAL_SPACE_CLAIM}. */
  spaceClaim?: string;
  /** Extra Worker vars (e.g. shorter delays for tests). */
  extraVars?: Record<string, string>;
  emulator?: Partial<Omit<EmulatorOptions, "origin" | "skillEndpoint" | "clientId" | "clientSecret">>;
  onWorkerLine?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface Stack {
  emulator: RunningEmulator;
  app: RunningApp;
  worker: WranglerDev;
  workerUrl: string;
  /** The Worker's vars, as passed (secrets included). */
  vars: Record<string, string>;
  /** Stops and starts the Worker on the same port and persistence. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** The space claim of the local stack: a household id, the app account's own `sub` unless given. */
export const LOCAL_SPACE_CLAIM = "household";

/**
 * Fresh random secrets.
 * @example const secrets = newSecrets();
 */
export function newSecrets(): StackSecrets {
  return {
    webhookSecret: `whsec_${randomBytes(24).toString("base64")}`,
    apiToken: `dev-${randomBytes(18).toString("base64url")}`,
    lwaClientId: "amzn1.application-oa2-client.emulator",
    lwaClientSecret: randomBytes(18).toString("base64url"),
  };
}

/**
 * @example
 * const stack = await startStack({ cwd, workerPort: 8787, emulatorPort: 8790, appPort: 8791, secrets, envFile });
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const workerUrl = `http://127.0.0.1:${opts.workerPort}`;
  const spaceClaim = opts.spaceClaim ?? LOCAL_SPACE_CLAIM;
  const emulator = await startEmulator({
    ...opts.emulator,
    oauthSpaceClaim: spaceClaim,
    port: opts.emulatorPort,
    skillEndpoint: `${workerUrl}/alexa`,
    clientId: opts.secrets.lwaClientId,
    clientSecret: opts.secrets.lwaClientSecret,
    // The console at the emulator's root shows the lists from the right store.
    console: { store: opts.alexaLists ?? "skill", workerUrl, apiToken: opts.secrets.apiToken },
  });
  let app: RunningApp | null = null;
  try {
    app = await startFakeApp({
      port: opts.appPort,
      secret: opts.secrets.webhookSecret,
      bridgeUrl: workerUrl,
      apiToken: opts.secrets.apiToken,
      events: emulator.emulator.events,
    });
    const emu = emulator.emulator;
    const vars: Record<string, string> = {
      ENVIRONMENT: "development",
      ALEXA_SKILL_ID: emu.skillId,
      ALEXA_CERT_ORIGIN: emulator.origin,
      ALEXA_EXTRA_ROOTS_PEM: emu.rootPem,
      ALEXA_API_ENDPOINT: emulator.origin,
      LWA_TOKEN_URL: `${emulator.origin}/auth/o2/token`,
      LWA_CLIENT_ID: opts.secrets.lwaClientId,
      LWA_CLIENT_SECRET: opts.secrets.lwaClientSecret,
      APP_WEBHOOK_URL: app.webhookUrl,
      APP_WEBHOOK_SECRET: opts.secrets.webhookSecret,
      APP_API_TOKEN: opts.secrets.apiToken,
      // Account linking (docs/account-linking.md): the emulator plays the app's OAuth server.
      APP_OAUTH_ISSUER: emu.oauth.issuer,
      APP_OAUTH_AUDIENCE: emu.oauth.audience,
      APP_OAUTH_JWKS_URL: emu.oauth.jwksUrl,
      APP_OAUTH_SPACE_CLAIM: spaceClaim,
      ...(opts.alexaLists ? { ALEXA_LISTS: opts.alexaLists } : {}),
      ...opts.extraVars,
    };
    const launch = (): Promise<WranglerDev> =>
      startWranglerDev({
        cwd: opts.cwd,
        port: opts.workerPort,
        vars,
        envFile: opts.envFile,
        ...(opts.persistTo ? { persistTo: opts.persistTo } : {}),
        ...(opts.testScheduled ? { testScheduled: true } : {}),
        ...(opts.onWorkerLine ? { onLine: opts.onWorkerLine } : {}),
      });
    const stack: Stack = {
      emulator,
      app,
      worker: await launch(),
      workerUrl,
      vars,
      restartWorker: async () => {
        await stack.worker.stop();
        // A killed workerd can hold its port for a moment after wrangler exits; the
        // new wrangler refuses a taken port (scripts/lib/ports.ts), so wait for it.
        await eventually(`port ${opts.workerPort} to be free`, () => portFree(opts.workerPort), 60_000, 100);
        stack.worker = await launch();
      },
      stop: async () => {
        await stack.worker.stop();
        await Promise.all([emulator.close(), app?.close()]);
      },
    };
    emu.console.configure({ app: app.app, restartWorker: () => stack.restartWorker() });
    return stack;
  } catch (e) {
    await Promise.all([emulator.close(), app?.close()]);
    throw e;
  }
}

/** A throwaway stack for tests and the soak: its state, secrets and log of its own. */
export interface ScratchStack {
  stack: Stack;
  secrets: StackSecrets;
  /** The Worker's output so far, the last `maxLogLines` lines. */
  workerLog: string[];
  /** Stops everything and removes the state directory. */
  stop(): Promise<void>;
}

/**
 * Starts the whole stack on free ports with its state in a new temp directory
 * (kept on disk across Worker restarts) and Alexa's redelivery scaled to
 * milliseconds (200 ms doubling, 2 s cap, 2 min window); ~5-10 s, most of it
 * wrangler's start-up. Alexa waits {@link VOICE_WAIT_MS} for a voice answer
 * instead of 8 s: the 8 s is a speed target (npm run bench), and a voice turn
 * must not fail a test on a loaded CI machine by the clock alone. A failed
 * start removes the directory and carries the Worker's output in its error.
 * @example const { stack, stop } = await startScratchStack({ alexaLists: "skill", tmpPrefix: "alb-e2e-" });
 */
export async function startScratchStack(opts: { alexaLists: "skill" | "household"; tmpPrefix: string; maxLogLines?: number }): Promise<ScratchStack> {
  const dir = mkdtempSync(join(tmpdir(), opts.tmpPrefix));
  const workerLog: string[] = [];
  const max = opts.maxLogLines ?? 2000;
  const secrets = newSecrets();
  try {
    const stack = await startStack({
      cwd: resolve(import.meta.dirname, "../.."),
      workerPort: await freePort(),
      emulatorPort: 0,
      appPort: 0,
      secrets,
      envFile: join(dir, "worker.env"),
      persistTo: join(dir, "state"),
      testScheduled: true,
      alexaLists: opts.alexaLists,
      emulator: { retry: { baseMs: 200, maxDelayMs: 2000, eventWindowMs: 120_000 }, voiceTimeoutMs: VOICE_WAIT_MS },
      onWorkerLine: (line) => {
        workerLog.push(line);
        if (workerLog.length > max) workerLog.shift();
      },
    });
    return {
      stack,
      secrets,
      workerLog,
      stop: async () => {
        await stack.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- worker output ---\n${workerLog.slice(-50).join("\n")}`, { cause: e });
  }
}
