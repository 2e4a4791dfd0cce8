// Types for `cloudflare:test` / `cloudflare:workers` in the tests: the
// bindings are the Worker's own Env, and `exports` are the Worker's exports.
import type { Env as WorkerEnv } from "../src/env.ts";
import type * as Main from "../src/index.ts";

declare global {
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof Main;
      durableNamespaces: "AlexaUser" | "UserRegistry";
    }
  }
}
