/**
 * @module bench/lib/miniflare
 * Loads the Miniflare that the installed wrangler uses (wrangler pins its own,
 * with its own workerd build), so `wrangler dev` and these in-process
 * benchmarks run the same workerd. Falls back to the top-level package.
 * Types come from the top-level `miniflare` (same major version).
 */
import type * as MiniflareNs from "miniflare";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export type MiniflareModule = typeof MiniflareNs;

/**
 * The miniflare module and the workerd binary that goes with it.
 * @example const { mod } = await loadMiniflare(root); new mod.Miniflare(mod.convertV4MiniflareOptions({...}));
 */
export async function loadMiniflare(root: string): Promise<{ mod: MiniflareModule; workerdBin: string }> {
  const nested = path.join(root, "node_modules", "wrangler", "node_modules");
  const base = existsSync(path.join(nested, "miniflare")) ? nested : path.join(root, "node_modules");
  const entry = path.join(base, "miniflare", "dist", "src", "index.js");
  const mod = (await import(pathToFileURL(entry).href)) as MiniflareModule;
  const workerdBase = existsSync(path.join(nested, "workerd")) ? nested : path.join(root, "node_modules");
  return { mod, workerdBin: path.join(workerdBase, "workerd", "bin", "workerd") };
}
