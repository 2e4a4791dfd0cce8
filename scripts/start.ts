/**
 * @module scripts/start
 * `npm start`: the Worker (`wrangler dev`, state persisted under `.wrangler/`)
 * with the Alexa emulator and the fake app backend, wired to each other (see
 * scripts/lib/stack). Local secrets are generated once into
 * `.wrangler/emulator/secrets.json` (git-ignored) so tokens stay the same
 * between runs. Ctrl-C stops everything, workerd included.
 *
 * Ports: WORKER_PORT (8787), EMULATOR_PORT (8790), APP_PORT (8791).
 * ALEXA_LISTS=skill (default: the skill holds the lists, people talk to it)
 * or household (the legacy List Management API path, played by the emulator).
 * ALEXA_RETRY_BASE_MS shortens Alexa's first redelivery delay (default 30000).
 * List spaces are named by the `household` claim of linking tokens
 * (APP_OAUTH_SPACE_CLAIM, set by scripts/lib/stack; `link --claim`).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkPorts } from "./lib/ports.ts";
import { newSecrets, type Stack, type StackSecrets, startStack } from "./lib/stack.ts";

const root = resolve(import.meta.dirname, "..");
const stateDir = join(root, ".wrangler", "emulator");

function port(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got ${v}`);
  return n;
}

function loadSecrets(): StackSecrets {
  const file = join(stateDir, "secrets.json");
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  if (existsSync(file)) {
    try {
      const s = JSON.parse(readFileSync(file, "utf8")) as StackSecrets;
      if (s.webhookSecret && s.apiToken && s.lwaClientId && s.lwaClientSecret) return s;
    } catch {
      // unreadable: make new ones below
    }
  }
  const s = newSecrets();
  writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}

function alexaLists(): "skill" | "household" {
  const v = (process.env.ALEXA_LISTS ?? "").trim().toLowerCase();
  if (v === "" || v === "skill") return "skill";
  if (v === "household") return "household";
  throw new Error(`ALEXA_LISTS must be skill or household, got ${process.env.ALEXA_LISTS}`);
}

async function main(): Promise<void> {
  const lists = alexaLists();
  const secrets = loadSecrets();
  const retryBase = process.env.ALEXA_RETRY_BASE_MS ? Number(process.env.ALEXA_RETRY_BASE_MS) : undefined;
  const ports = { worker: port("WORKER_PORT", 8787), emulator: port("EMULATOR_PORT", 8790), app: port("APP_PORT", 8791) };
  // Before anything starts: a Worker left over from a killed npm start would answer the readiness probe.
  await checkPorts([
    { what: "the Worker (wrangler dev)", variable: "WORKER_PORT", port: ports.worker },
    { what: "the Alexa emulator", variable: "EMULATOR_PORT", port: ports.emulator },
    { what: "the fake app backend", variable: "APP_PORT", port: ports.app },
  ]);
  console.log("Starting the Alexa emulator, the fake app and the Worker (wrangler dev)…");
  let stack: Stack | null = null;
  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    await stack?.stop();
    process.exit(code);
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => void shutdown(0));

  stack = await startStack({
    cwd: root,
    workerPort: ports.worker,
    emulatorPort: ports.emulator,
    appPort: ports.app,
    secrets,
    envFile: join(stateDir, "worker.env"),
    testScheduled: true,
    alexaLists: lists,
    ...(retryBase !== undefined && Number.isFinite(retryBase) ? { emulator: { retry: { baseMs: retryBase } } } : {}),
    onWorkerLine: (line) => {
      if (line.trim() !== "") console.log(`[worker] ${line}`);
    },
  });
  void stack.worker.exited.then((code) => {
    if (!stopping) {
      console.error(`The Worker exited (code ${code}); stopping.`);
      void shutdown(1);
    }
  });
  printNextSteps(stack, secrets, lists);
}

const SKILL_HINTS = `  npm run alexa -- say "add milk eggs and bread to my shopping list"   # alice talks to the skill
  npm run alexa -- say "what's on my shopping list"
  npm run alexa -- say "check off milk"            # then: say "undo"
  npm run alexa -- say "füge Käse zur Einkaufsliste hinzu" --locale de-DE
  npm run alexa -- app webhooks                    # what the app backend received (source: voice)
  npm run alexa -- app add shopping coffee         # the app adds coffee through the bridge
  npm run alexa -- say "read my shopping list"     # ...and alice hears it
  npm run alexa -- link --claim household=fam-1    # alice links her app account (household fam-1)
  npm run alexa -- person add bob && npm run alexa -- enable --person bob
  npm run alexa -- link --sub bob --claim household=fam-1 --person bob   # bob joins: one list space
  npm run alexa -- say "what's on my shopping list" --person bob
  npm run alexa -- space                           # the space and its members`;

const HOUSEHOLD_HINTS = `  npm run alexa -- enable --grant read,write   # alice enables the skill and grants list access
  npm run alexa -- add shopping milk           # she adds milk in the Alexa app
  npm run alexa -- app webhooks                # what the app backend received
  npm run alexa -- app add shopping eggs       # the app adds eggs through the bridge
  npm run alexa -- lists                       # Alexa's lists now`;

function printNextSteps(s: Stack, secrets: StackSecrets, lists: "skill" | "household"): void {
  const w = s.workerUrl;
  console.log(`
alexa-list-bridge is running (ALEXA_LISTS=${lists}: ${lists === "skill" ? "the skill holds the lists; people talk to it" : "Alexa's household lists through the List Management API"}).
  Worker (skill endpoint, REST API)   ${w}   POST /alexa, /v1/..., GET /healthz
  Alexa emulator (Amazon, loopback)   ${s.emulator.origin}   control API under /_control/
  Emulator console (in a browser)     ${s.emulator.origin}/   Alexa, the app and the wire, live
  Fake app backend (webhooks)         ${s.app.origin}   POST /webhooks, GET /_app/webhooks
  Skill id                            ${s.vars.ALEXA_SKILL_ID}
  App API token (APP_API_TOKEN)       ${secrets.apiToken}
  (secrets in .wrangler/emulator/secrets.json; Worker state in .wrangler/state)

Try, in another terminal:
${lists === "skill" ? SKILL_HINTS : HOUSEHOLD_HINTS}
  npm run alexa -- deliveries                  # what Alexa sent the skill, with attempts
  npm run alexa -- fault lists 429 --count 3   # Amazon throttles the List API three times
  npm run alexa -- app down 30s                # the app backend is down for 30 s
  npm run alexa -- help                        # every command

  curl -s ${w}/healthz
  curl -s -X POST ${w}/v1/users/$(npm run -s alexa -- userid)/lists/shopping/items \\
       -H "Authorization: Bearer ${secrets.apiToken}" -H "content-type: application/json" -d '{"value":"bread"}'
  curl -s ${w}/cdn-cgi/local/scheduled         # run the cron (sweep + reconciliation) now

Ctrl-C stops everything.`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
