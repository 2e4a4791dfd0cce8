#!/usr/bin/env node
// Keeps package-lock.json acceptable to `npm ci` everywhere.
//
// workerd ships one optional package per platform. When `npm install` runs
// against a registry mirror that only carries the Linux builds, npm leaves the
// darwin/windows entries out of the lockfile, and `npm ci` then refuses the
// lockfile as "out of sync". This adds the missing platform-gated entries (no
// download happens for them on a platform they do not match).
// Run it after any `npm install` that changes the workerd version:
//   node scripts/lockfile-platforms.mjs
import fs from "node:fs";

const PLATFORMS = {
  "darwin-64": ["darwin", "x64"],
  "darwin-arm64": ["darwin", "arm64"],
  "windows-64": ["win32", "x64"],
  "linux-64": ["linux", "x64"],
  "linux-arm64": ["linux", "arm64"],
};

const file = process.argv[2] ?? "package-lock.json";
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
let added = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  if (!key.endsWith("node_modules/workerd")) continue;
  const prefix = key.slice(0, -"workerd".length);
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const platform = dep.match(/^@cloudflare\/workerd-(.+)$/)?.[1];
    if (!platform || !PLATFORMS[platform]) continue;
    const nested = prefix + dep;
    const hoisted = "node_modules/" + dep;
    if ((lock.packages[nested] ?? lock.packages[hoisted])?.version === version) continue;
    const target = lock.packages[hoisted] ? nested : hoisted;
    if (lock.packages[target]) continue;
    const [os, cpu] = PLATFORMS[platform];
    lock.packages[target] = { version, cpu: [cpu], dev: true, license: "Apache-2.0", optional: true, os: [os], engines: { node: ">=16" } };
    added++;
  }
}
const keys = Object.keys(lock.packages).sort((a, b) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b, "en")));
lock.packages = Object.fromEntries(keys.map((k) => [k, lock.packages[k]]));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`lockfile-platforms: added ${added} entr${added === 1 ? "y" : "ies"}`);
