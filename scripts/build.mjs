// `npm run build`: the published entry points (alexa-list-bridge/verifier,
// alexa-list-bridge/client) as JavaScript plus .d.ts in dist/ (tsconfig.build.json).
// tsc rewrites the relative `.ts` imports of the JavaScript it emits
// (rewriteRelativeImportExtensions) but not of the declarations, so this does it there.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";

const root = resolve(import.meta.dirname, "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: ["ignore", 2, 2], cwd: root });

let files = 0;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith(".d.ts")) continue;
  const file = join(entry.parentPath ?? dirname(entry.path), entry.name);
  const text = readFileSync(file, "utf8");
  const fixed = text.replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']+)\.ts\2/g, "$1$2$3.js$2");
  if (fixed !== text) writeFileSync(file, fixed);
  files++;
}
process.stderr.write(`build: dist/ written (${files} declaration files)\n`);
