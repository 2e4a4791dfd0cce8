/**
 * End to end, in a real browser (setup in test/e2e/console-page.ts): the
 * console shows a person's list space (skill store) with its members, as
 * `GET /v1/spaces/{spaceId}` answers: two Amazon accounts linked with one
 * household (`link --claim household=…`) are one linked space, each member
 * named by its person; what one says shows on the other's lists, Alexa's
 * side and the app's (built from the space's webhooks); a person
 * who has not linked has a personal space of their own.
 */
import { describe, expect, it } from "vitest";
import { TEST_MS } from "../../scripts/lib/budgets.ts";
import { HAVE_CHROMIUM, IN_CI, useConsolePage } from "./console-page.ts";

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)("the console shows a list space and its members (skill store)", { timeout: TEST_MS }, () => {
  const ui = useConsolePage("skill");
  const { errors, shows, alexaItem, appItem } = ui;
  const emu = () => ui.e.stack.emulator.emulator;

  /** Picks `name` in the person selector. */
  async function choose(name: string): Promise<void> {
    await ui.page.locator("#person").selectOption(name);
    await ui.page.waitForFunction((n) => document.getElementById("alexa-sub")?.textContent?.includes(n), name);
  }

  it("two people linked with one household: one linked space, both members by name; what one says, the other's lists show", async () => {
    for (const name of ["kim", "lou"]) {
      emu().addPerson(name);
      emu().enable(name, { permissions: ["read", "write"] });
    }
    await emu().linkAppUser("kim", { sub: "kim", claims: { household: "fam-kl" } });
    await emu().linkAppUser("lou", { sub: "lou", claims: { household: "fam-kl" } });
    await ui.page.reload();
    await ui.page.waitForSelector("body[data-ready='true']");
    await choose("kim");
    // The panel renders after the space's answer: wait for it rather than sample it once.
    await ui.page.locator("#space").waitFor({ state: "visible" });
    await shows("#space-id", "fam-kl (linked)");
    await shows("#space-members li", /kim \(this person\).*app user kim/);
    await shows("#space-members li", /lou.*app user lou/);
    expect(await ui.page.locator("#space-members li").count()).toBe(2);

    await ui.page.getByLabel("Say to Alexa").fill("add figs to my shopping list");
    await ui.page.getByLabel("Say to Alexa").press("Enter");
    await ui.page.waitForSelector(alexaItem("figs"));
    await choose("lou");
    await shows("#space-members li", /lou \(this person\)/);
    await ui.page.waitForSelector(alexaItem("figs"));
    // The app's side is the space's too: built from the webhooks that name it, whoever spoke.
    await ui.page.waitForSelector(appItem("figs"));
  });

  it("a person who has not linked has a personal space with only themselves in it", async () => {
    emu().addPerson("max");
    await ui.page.waitForFunction(() => [...document.querySelectorAll("#person option")].some((o) => o.textContent === "max"));
    await choose("max");
    await ui.page.getByLabel("Say to Alexa").fill("add plums to my shopping list");
    await ui.page.getByLabel("Say to Alexa").press("Enter");
    await ui.page.waitForSelector(alexaItem("plums"));
    await shows("#space-id", "(personal)");
    await shows("#space-members li", /max \(this person\).*app user none \(not linked\)/);
    expect(await ui.page.locator("#space-members li").count()).toBe(1);
  });

  it("logged no errors in the browser", () => {
    expect(errors).toEqual([]);
  });
});
