import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { unstable_getVarsForDev } from "wrangler";
import { freePort, writeEnvFile } from "../../../../scripts/lib/wrangler-dev.ts";

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe("writeEnvFile", () => {
  it("writes values that wrangler reads back exactly (multi-line PEM, quotes, backslashes, URLs)", () => {
    dir = mkdtempSync(join(tmpdir(), "alb-env-"));
    const file = join(dir, "worker.env");
    const vars = {
      ALEXA_EXTRA_ROOTS_PEM: "-----BEGIN CERTIFICATE-----\nMIIB+abc/def==\n-----END CERTIFICATE-----\n",
      ALEXA_CERT_ORIGIN: "http://127.0.0.1:8790",
      TRICKY: 'say "hi" \\ there # not a comment',
      APOSTROPHE: "it's \\ fine",
      BOTH: `'single' and "double"`,
      EMPTY: "",
    };
    writeEnvFile(file, vars);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const read = unstable_getVarsForDev(undefined, [file], {}, undefined, true) as Record<string, { value: string }>;
    expect(Object.fromEntries(Object.entries(read).map(([k, v]) => [k, v.value]))).toEqual(vars);
    expect(readFileSync(file, "utf8").split("\n").filter(Boolean)).toHaveLength(6);
  });

  it("refuses what dotenv cannot carry rather than writing it wrong", () => {
    dir = mkdtempSync(join(tmpdir(), "alb-env-"));
    expect(() => writeEnvFile(join(dir!, "x.env"), { "BAD NAME": "1" })).toThrow(/bad variable name/);
    expect(() => writeEnvFile(join(dir!, "x.env"), { Q: "a\nb \"c\"" })).toThrow(/multi-line/);
    expect(() => writeEnvFile(join(dir!, "x.env"), { Q: "' \" `" })).toThrow(/every dotenv quote/);
  });
});

describe("freePort", () => {
  it("gives a usable loopback port", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});
