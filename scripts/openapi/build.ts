/**
 * `npm run openapi` writes openapi.json from the valibot schemas;
 * `npm run openapi -- --check` fails (exit 1) when openapi.json is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildOpenApi } from "./document.ts";

const root = resolve(import.meta.dirname, "../..");
const file = resolve(root, "openapi.json");
const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { version: string };
const text = `${JSON.stringify(buildOpenApi(pkg.version), null, 2)}\n`;

if (process.argv.includes("--help")) {
  console.log("usage: npm run openapi [-- --check]\n  writes openapi.json; --check only compares and exits 1 when it is stale");
} else if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing: stale
  }
  if (current !== text) {
    console.error("openapi.json is stale: run `npm run openapi` and commit it");
    process.exit(1);
  }
  console.log("openapi.json is up to date");
} else {
  writeFileSync(file, text);
  console.log(`wrote openapi.json (${text.length} bytes)`);
}
