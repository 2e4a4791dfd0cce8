/**
 * @module scripts/lib/budgets
 * Time limits of the runs inside `npm test` that drive the real stack
 * (test/e2e: the e2e stacks, the browser tests, the bounded soak). Those runs
 * are bounded by their own size (commands, turns, items); these limits only
 * catch a stall, so they are sized for CI on a busy 2-core machine, 3–4× what
 * a loaded run takes, not for an idle one. Waits return as soon as their
 * condition holds, so a wide limit costs nothing when things work.
 * docs/development.md lists them.
 */

/** A wait on the running stack (`eventually`'s default): a webhook, a delivery, an operation. @example await eventually("the webhook", check, WAIT_MS) */
export const WAIT_MS = 60_000;
/** A wait behind retries with backoff: the app or Amazon down and back, a Worker restart, the cron. @example await eventually("healed", check, RETRY_WAIT_MS) */
export const RETRY_WAIT_MS = 120_000;
/** How long the emulated Alexa waits for a voice answer in test stacks (Alexa: 8 s; speed is measured by npm run bench, not here). @example startScratchStack(…) // voiceTimeoutMs: VOICE_WAIT_MS */
export const VOICE_WAIT_MS = 30_000;
/** `wrangler dev` answering /healthz (~5–10 s idle, up to a minute under load). @example startWranglerDev({ ...opts, readyTimeoutMs: WORKER_READY_MS }) */
export const WORKER_READY_MS = 180_000;
/** A beforeAll that starts a stack (and a browser). @example beforeAll(start, STACK_START_MS) */
export const STACK_START_MS = 300_000;
/** An afterAll that stops one. @example afterAll(stop, STACK_STOP_MS) */
export const STACK_STOP_MS = 60_000;
/** One e2e test (~2–20 s idle). @example it("…", run, TEST_MS) */
export const TEST_MS = 240_000;
/** One e2e test with faults, restarts or a hundred turns (~20–60 s idle). @example it("…", run, LONG_TEST_MS) */
export const LONG_TEST_MS = 480_000;
