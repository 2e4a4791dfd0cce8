/**
 * The shared setup of the console's browser tests (test/e2e/console*.test.ts):
 * one stack and the console open in Debian's Chromium (playwright-core) per
 * describe block, the browser's errors collected, the Worker's output printed
 * after a failing test.
 *
 * Needs Chromium at CHROMIUM_PATH (default /usr/bin/chromium; .ci/run
 * installs it). Missing: the tests fail in CI (`CI` set) and are skipped,
 * with a message, elsewhere.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { STACK_START_MS, STACK_STOP_MS, WAIT_MS } from "../../scripts/lib/budgets.ts";
import { type E2E, reportRuns, startE2E } from "./harness.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const IN_CI = Boolean(process.env.CI);
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`console tests: skipped, no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

/**
 * One stack for `alexaLists` and the console open in Chromium, for the
 * describe block that calls it: the browser's errors are collected, and the
 * Worker's output is printed after a failing test. `page` is set by beforeAll.
 */
export function useConsolePage(alexaLists: "skill" | "household") {
  let e: E2E;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(`The console tests need Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    }
    e = await startE2E({ alexaLists });
    profile = mkdtempSync(join(tmpdir(), "alb-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (err) => errors.push(`page: ${err.message}`));
    page.setDefaultTimeout(WAIT_MS);
    await page.goto(`${e.stack.emulator.origin}/`);
    await page.waitForSelector("body[data-ready='true']");
  }, STACK_START_MS);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await e?.stop();
  }, STACK_STOP_MS);

  reportRuns(() => e);

  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail" && e) console.log(`--- worker output (last 60 lines) ---\n${e.workerLog.slice(-60).join("\n")}`);
  });

  return {
    get page(): Page {
      return page;
    },
    /** The stack behind the page (set by beforeAll). */
    get e(): E2E {
      return e;
    },
    errors,
    /** Waits until an element matching `selector` shows `text`. */
    shows: (selector: string, text: string | RegExp, timeout = WAIT_MS): Promise<void> =>
      page.locator(selector).filter({ hasText: text }).first().waitFor({ state: "visible", timeout }),
    alexaItem: (value: string): string => `#alexa-lists li.item[data-value="${value}"]`,
    appItem: (value: string): string => `#app-lists li.item[data-value="${value}"]`,
  };
}
