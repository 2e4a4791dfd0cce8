// `npm run dev`: `wrangler dev` (extra arguments pass through, e.g. `npm run dev -- --port 8788`)
// without the network wrangler would otherwise reach for: no metrics, and no download of the
// `request.cf` placeholder from workers.cloudflare.com (offline that prints errors). Set
// CLOUDFLARE_CF_FETCH_ENABLED=true to get the real `request.cf` shape.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// The package's main is wrangler-dist/cli.js; its bin sits beside (not exported).
const wrangler = join(dirname(createRequire(import.meta.url).resolve("wrangler")), "../bin/wrangler.js");
const child = spawn(process.execPath, [wrangler, "dev", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
