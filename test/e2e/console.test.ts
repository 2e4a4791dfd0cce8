/**
 * End to end, in a real browser: the emulator console (GET / on the
 * emulator's origin) driven with playwright-core and Debian's Chromium,
 * against the real stack (skill store). What a person sees: something said
 * to Alexa shows on Alexa's side and on the app's side; the app's REST
 * buttons reach both; a fault toggled on shows its retries in the timeline;
 * the Worker restarts from the page; and the page logs no errors.
 *
 * Setup (and what it needs: Chromium) in test/e2e/console-page.ts.
 * `CONSOLE_SCREENSHOT=docs/console.png` also saves a screenshot of the page
 * at 1280 px.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LONG_TEST_MS, RETRY_WAIT_MS, TEST_MS } from "../../scripts/lib/budgets.ts";
import { HAVE_CHROMIUM, IN_CI, useConsolePage } from "./console-page.ts";

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)("the emulator console in a browser (skill store)", { timeout: TEST_MS }, () => {
  const ui = useConsolePage("skill");
  const { errors, shows, alexaItem, appItem } = ui;

  it("shows the store the stack runs with and goes live", async () => {
    expect(await ui.page.locator("#store").textContent()).toBe("store: skill");
    await ui.page.waitForFunction(() => document.getElementById("conn")?.textContent === "live");
    expect(await ui.page.locator("#faults input[role=switch]").count()).toBe(9);
    // Keyboard: the say box is reachable and labelled.
    expect(await ui.page.getByLabel("Say to Alexa").isVisible()).toBe(true);
  });

  it("something said to Alexa shows on Alexa's side and on the app's side", async () => {
    await ui.page.getByLabel("Say to Alexa").fill("add milk to my shopping list");
    await ui.page.getByLabel("Say to Alexa").press("Enter");
    await ui.page.waitForSelector(alexaItem("milk"));
    await ui.page.waitForSelector(appItem("milk"));
    await shows("#conversation li", "Alexa:");
    await shows("#timeline li[data-type=voice]", "add milk to my shopping list");
    await shows("#timeline li[data-type=webhook]", /alexa\.list\.items\.created.*received/);
    // A row opens to its JSON.
    const summary = ui.page.locator("#timeline li[data-type=voice] summary").first();
    await summary.focus();
    await ui.page.keyboard.press("Enter");
    await shows("#timeline li[data-type=voice] pre", '"utterance": "add milk to my shopping list"');
  });

  it("the app's REST buttons reach both sides", async () => {
    await ui.page.getByLabel("Add through the REST API").fill("bread");
    await ui.page.getByLabel("Add through the REST API").press("Enter");
    await ui.page.waitForSelector(appItem("bread"));
    await ui.page.waitForSelector(alexaItem("bread"));
    await shows("#timeline li[data-type=operation]", /bread.*completed/);
    await ui.page.getByRole("button", { name: "Complete bread (REST)" }).click();
    await ui.page.waitForSelector(`${appItem("bread")}.completed`);
    await ui.page.waitForSelector(`${alexaItem("bread")}.completed`);
  });

  it("with the app down, the timeline shows the webhook refused and retried, then received", async () => {
    await ui.page.locator("#fault-app-down").check();
    await shows("#timeline li[data-type=faults]", "App backend down (503): on");
    await ui.page.getByLabel("Say to Alexa").fill("add eggs to my shopping list");
    await ui.page.getByLabel("Say to Alexa").press("Enter");
    await ui.page.waitForSelector(alexaItem("eggs"));
    // The bridge retries (1-5 s, then up to 10 s): two refusals of the same webhook-id.
    await ui.page.waitForFunction(
      () => [...document.querySelectorAll<HTMLElement>("#timeline li[data-type=webhook]")].some((li) => Number(li.dataset.retries) >= 2),
      undefined,
      { timeout: RETRY_WAIT_MS },
    );
    expect(await ui.page.locator(appItem("eggs")).count()).toBe(0);
    await ui.page.locator("#fault-app-down").uncheck();
    await ui.page.waitForSelector(appItem("eggs"), { timeout: RETRY_WAIT_MS });
    await shows("#timeline li[data-type=webhook]", "received on retry");
  }, LONG_TEST_MS);

  it("restarts the Worker from the page and keeps working", async () => {
    await ui.page.getByRole("button", { name: "Restart the Worker" }).click();
    await shows("#timeline li[data-type=worker]", "Worker running", RETRY_WAIT_MS);
    await ui.page.getByLabel("Say to Alexa").fill("add coffee to my shopping list");
    await ui.page.getByLabel("Say to Alexa").press("Enter");
    await ui.page.waitForSelector(alexaItem("coffee"));
    await ui.page.waitForSelector(appItem("coffee"));
  }, TEST_MS);

  it("with the app answering 410, the webhook is a dead letter in the app panel; Redrive sends it again and the app gets it", async () => {
    await ui.page.locator("#fault-app-gone").check();
    try {
      await shows("#timeline li[data-type=faults]", "App answers 410 Gone (dead letters): on");
      await ui.page.getByLabel("Say to Alexa").fill("add jam to my shopping list");
      await ui.page.getByLabel("Say to Alexa").press("Enter");
      await ui.page.waitForSelector(alexaItem("jam"));
      await shows("#timeline li[data-type=webhook]", /alexa\.list\.items\.created.*410 Gone: kept as a dead letter/);
    } finally {
      await ui.page.locator("#fault-app-gone").uncheck();
    }
    await shows("#dead-letters li[data-type='alexa.list.items.created']", /HTTP 410 · \d+ attempt/);
    expect(await ui.page.locator("#dl-count").textContent()).not.toBe("0");
    expect(await ui.page.locator(appItem("jam")).count()).toBe(0);
    // A dead letter opens to its JSON, like a timeline row.
    await ui.page.locator("#dead-letters li summary").first().click();
    await shows("#dead-letters pre", '"lastError": "HTTP 410"');
    await ui.page.getByRole("button", { name: "Redrive dead letters" }).click();
    await shows("#app-note", /Redriven: \d+ dead letter/);
    await ui.page.waitForSelector(appItem("jam"));
    await ui.page.waitForFunction(() => document.getElementById("dl-count")?.textContent === "0");
    expect(await ui.page.locator("#dead-letters li").count()).toBe(0);
    await shows("#timeline li[data-type=webhook]", "received (redriven)");
  }, TEST_MS);

  it("the REST list buttons create, rename and delete a custom list, each reaching Alexa's side; a refusal shows in the note", async () => {
    const alexaList = (name: string): string => `#alexa-lists section.list[data-name="${name}"]`;
    const appList = (name: string): string => `#app-lists section.list[data-name="${name}"]`;
    // The default lists have no list buttons.
    expect(await ui.page.getByRole("button", { name: /^(Rename|Delete) .* List \(REST\)$/ }).count()).toBe(0);
    await ui.page.getByLabel("New list through the REST API").fill("Groceries");
    await ui.page.getByLabel("New list through the REST API").press("Enter");
    await ui.page.waitForSelector(alexaList("Groceries"));
    await ui.page.waitForSelector(appList("Groceries"));
    await shows("#timeline li[data-type=operation]", /createList “Groceries”.*completed/);

    const logged = errors.length;
    await ui.page.getByLabel("New list through the REST API").fill("Groceries");
    await ui.page.getByLabel("New list through the REST API").press("Enter");
    await shows("#app-note", /^create-list failed: /);
    await shows("#timeline li[data-type=operation]", /create-list “Groceries”.*refused 409/);
    // Only the browser's own line about the 409 answer (no error of the page's).
    await ui.page.waitForTimeout(200);
    expect(errors.splice(logged).filter((m) => !/status of 409/.test(m))).toEqual([]);

    await ui.page.getByLabel("New name for Groceries").fill("Pantry");
    await ui.page.getByRole("button", { name: "Rename Groceries (REST)" }).click();
    await ui.page.waitForSelector(alexaList("Pantry"));
    await ui.page.waitForSelector(appList("Pantry"));
    expect(await ui.page.locator(alexaList("Groceries")).count()).toBe(0);
    await ui.page.getByRole("button", { name: "Delete Pantry (REST)" }).click();
    await ui.page.locator(alexaList("Pantry")).waitFor({ state: "detached" });
    await ui.page.locator(appList("Pantry")).waitFor({ state: "detached" });
  }, TEST_MS);

  it("logged no errors in the browser", async () => {
    if (process.env.CONSOLE_SCREENSHOT) {
      await ui.page.locator("#timeline li[data-type=webhook]").filter({ hasText: "received on retry" }).first().locator("summary").click();
      await ui.page.screenshot({ path: resolve(process.env.CONSOLE_SCREENSHOT) });
    }
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)("the emulator console in a browser (household store)", { timeout: TEST_MS }, () => {
  const ui = useConsolePage("household");
  const { errors, shows, alexaItem, appItem } = ui;

  it("the Alexa app's buttons: enable, add, check off, move; each reaches the app", async () => {
    expect(await ui.page.locator("#store").textContent()).toBe("store: household");
    await ui.page.getByRole("button", { name: "Enable the skill (read, write)" }).click();
    await ui.page.locator("#enable[hidden]").waitFor({ state: "attached" });
    await ui.page.getByLabel("Add in the Alexa app").fill("milk");
    await ui.page.getByLabel("Add in the Alexa app").press("Enter");
    await ui.page.waitForSelector(alexaItem("milk"));
    await ui.page.waitForSelector(appItem("milk"));
    await shows("#timeline li[data-type=delivery]", /ItemsCreated.*delivered/);
    // List management through the REST API is the skill store's: no list buttons here.
    expect(await ui.page.locator("#app-new-list").isHidden()).toBe(true);
    expect(await ui.page.getByRole("button", { name: /\(REST\)$/ }).filter({ hasText: /Rename|Delete list/ }).count()).toBe(0);
    await ui.page.locator("#alexa-lists").getByRole("button", { name: "Check off milk" }).click();
    await ui.page.waitForSelector(`${appItem("milk")}.completed`);
    await ui.page.locator("#alexa-lists").getByRole("button", { name: "Move milk" }).click();
    // Moved to the to-do list, on both sides.
    await ui.page.waitForSelector(`#alexa-lists section.list:nth-child(2) li.item[data-value="milk"]`);
    await ui.page.waitForFunction(() => document.querySelector("#app-lists section.list:nth-child(2) li.item[data-value=milk]") !== null);
    expect(await ui.page.locator(alexaItem("milk")).count()).toBe(1);
  }, TEST_MS);

  it("with the List API answering 500, the timeline shows the failed calls; the app gets the item once it is off", async () => {
    await ui.page.locator("#fault-lists-500").check();
    await ui.page.getByLabel("Add in the Alexa app").fill("tea");
    await ui.page.getByLabel("Add in the Alexa app").press("Enter");
    await ui.page.waitForSelector(alexaItem("tea"));
    await shows("#timeline li[data-type=call]", /List API GET .* 500 · fault: 500/);
    await ui.page.locator("#fault-lists-500").uncheck();
    await ui.page.waitForSelector(appItem("tea"), { timeout: RETRY_WAIT_MS });
    expect(errors).toEqual([]);
  }, LONG_TEST_MS);
});

