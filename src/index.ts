/**
 * @module index
 * The Worker entry point. A request's path starts here:
 * `POST /alexa` → verify (src/verifier) → the user's Durable Object (src/alexa-user);
 * `/v1/*` → the app-facing REST API; `GET /healthz`; anything else is a 404.
 * `scheduled` runs the outbound sweep and reconciliation.
 */
import { AutoRouter, type IRequest } from "itty-router";
import type { Env } from "./env.ts";
import { json, jsonError } from "./http.ts";
import { handleAlexaRequest } from "./routes/alexa.ts";
import { handleApi } from "./routes/api/router.ts";
import { runCron } from "./cron/scheduled.ts";

export { AlexaUser } from "./alexa-user/alexa-user.ts";
export { UserRegistry } from "./registry/user-registry.ts";
export { AppUserLink } from "./linking/app-user-link.ts";
export { ListSpace } from "./space/list-space.ts";

const router = AutoRouter<IRequest, [Env, ExecutionContext]>({
  missing: () => jsonError(404, "NOT_FOUND"),
  catch: (err) => {
    console.error("unhandled", err);
    return jsonError(500, "INTERNAL");
  },
});

router.get("/healthz", () => json({ ok: true }));
router.post("/alexa", (request, env) => handleAlexaRequest(request, env));
router.all("/v1/*", (request, env) => handleApi(request, env));

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
  scheduled: (controller, env, ctx) => {
    ctx.waitUntil(runCron(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
