/**
 * @module emulator/app/server
 * A fake app backend for local runs and end-to-end tests. It receives the
 * bridge's webhooks at `POST /webhooks`, verifies them with the package's
 * webhook receiver (`alexa-list-bridge/client`, as a real app would), records them
 * (see webhook-log), and can be taken down for a while: answering 503 or
 * resetting connections. It also relays calls to the bridge's REST API
 * (`/_app/bridge/v1/...` → `{bridge}/v1/...` with the API token), so the CLI
 * can act as the app without knowing the token.
 *
 * Control routes, JSON: `GET /_app/webhooks?type=&userId=&spaceId=&limit=` (`userId` may repeat),
 * `DELETE /_app/webhooks`, `POST /_app/outage {mode: "503"|"410"|"refuse", count?,
 * durationMs?, retryAfterSeconds?}` (`410`: answer 410 Gone, which the bridge
 * dead-letters at once), `GET|DELETE /_app/outage`, `GET /_app/health`.
 */
import { WebhookReceiver, WebhookVerificationError } from "../../src/client/index.ts";
import { type Budget, FaultBook } from "../faults.ts";
import { REFUSE, serve } from "../node-http.ts";
import { answer, HttpError, json, jsonError, readJsonObject, Router } from "../router.ts";
import type { EventBus } from "../events.ts";
import { AppView } from "./app-view.ts";
import { BridgeClient } from "./bridge-client.ts";
import { type WebhookBody, WebhookLog } from "./webhook-log.ts";

export interface OutageSpec extends Budget {
  /**
   * `503`: answer 503 (with Retry-After when given); `410`: answer 410 Gone
   * (Standard Webhooks' "never send this again": the bridge keeps the webhook
   * as a dead letter at once); `refuse`: reset the connection.
   */
  mode: "503" | "410" | "refuse";
  retryAfterSeconds?: number;
}

export interface FakeAppOptions {
  /** `whsec_…`, the bridge's APP_WEBHOOK_SECRET. */
  secret: string;
  /** The bridge's origin, for the relay. */
  bridgeUrl?: string;
  /** The bridge's APP_API_TOKEN, for the relay. */
  apiToken?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Where webhooks received, refused and rejected are published (the emulator console). */
  events?: EventBus;
}

export const WEBHOOK_PATH = "/webhooks";

/**
 * @example
 * const app = new FakeApp({ secret: "whsec_…" });
 * app.outages.add({ mode: "503", durationMs: 10_000 });
 * app.log.query({ type: "alexa.list.items.created" });
 */
export class FakeApp {
  readonly log = new WebhookLog();
  /** The lists as this app has built them from the webhooks (see app-view). */
  readonly view = new AppView();
  readonly outages: FaultBook<OutageSpec>;
  readonly bridge: BridgeClient | null;
  readonly #verifier: WebhookReceiver;
  readonly #routes: Router;
  readonly #now: () => number;
  readonly #events: EventBus | null;

  constructor(opts: FakeAppOptions) {
    this.#now = opts.now ?? Date.now;
    this.#events = opts.events ?? null;
    // Signatures only: a body off the contract is recorded, and the end-to-end tests check every one (test/e2e/contract.ts).
    this.#verifier = new WebhookReceiver(opts.secret, { validate: false, now: this.#now });
    this.outages = new FaultBook(this.#now, "o");
    this.bridge =
      opts.bridgeUrl && opts.apiToken
        ? new BridgeClient({ baseUrl: opts.bridgeUrl, token: opts.apiToken, ...(opts.fetch ? { fetch: opts.fetch } : {}) })
        : null;
    this.#routes = this.#buildRoutes();
  }

  /** Serves one request; {@link REFUSE} means "reset the connection". */
  async handle(req: Request): Promise<Response | typeof REFUSE> {
    const path = new URL(req.url).pathname;
    if (path === WEBHOOK_PATH && req.method === "POST") return this.#webhook(req);
    return (await this.#routes.handle(req)) ?? jsonError(404, "NOT_FOUND");
  }

  async #webhook(req: Request): Promise<Response | typeof REFUSE> {
    const outage = this.outages.take(() => true);
    if (outage) {
      this.log.refused += 1;
      this.#events?.publish("webhook", {
        outcome: "refused",
        mode: outage.mode,
        webhookId: req.headers.get("webhook-id"),
        ...(await unverifiedWhat(req)),
        outage: outage.id,
      });
      if (outage.mode === "refuse") return REFUSE;
      if (outage.mode === "410") return jsonError(410, "GONE", "The app does not want this webhook (fault).");
      const headers: Record<string, string> = {};
      if (outage.retryAfterSeconds !== undefined) headers["retry-after"] = String(outage.retryAfterSeconds);
      return json({ error: "UNAVAILABLE" }, 503, headers);
    }
    const payload = await req.text();
    const headers = Object.fromEntries(req.headers);
    let body: WebhookBody;
    try {
      body = (await this.#verifier.verify(payload, req.headers)) as WebhookBody;
    } catch (e) {
      if (!(e instanceof WebhookVerificationError)) throw e;
      this.log.rejected += 1;
      this.#events?.publish("webhook", { outcome: "rejected", webhookId: req.headers.get("webhook-id"), error: e.message });
      return jsonError(401, "BAD_SIGNATURE", e.message);
    }
    const webhookId = headers["webhook-id"] as string;
    const isNew = this.log.record(webhookId, body, this.#now());
    const changed = isNew && this.view.apply(body);
    const receipts = this.log.query({ userId: body.userId }).find((r) => r.webhookId === webhookId)?.receipts ?? 1;
    this.#events?.publish("webhook", { outcome: isNew ? "received" : "repeat", webhookId, receipts, ...body });
    if (changed) this.#events?.publish("app-view", { userId: body.userId, ...(body.spaceId ? { spaceId: body.spaceId } : {}), type: body.type });
    return new Response(null, { status: 204 });
  }

  #buildRoutes(): Router {
    const r = new Router();
    r.on("GET", "/_app/health", () => json({ ok: true }));
    r.on("GET", "/_app/webhooks", (_req, _p, url) => {
      const q = url.searchParams;
      const limit = q.get("limit");
      return json({
        stats: this.log.stats(),
        webhooks: this.log.query({
          ...(q.get("type") ? { type: q.get("type") as string } : {}),
          ...(q.getAll("userId").length ? { userId: q.getAll("userId") } : {}),
          ...(q.get("spaceId") ? { spaceId: q.get("spaceId") as string } : {}),
          ...(limit ? { limit: Math.max(1, Number(limit) || 50) } : {}),
        }),
      });
    });
    r.on("DELETE", "/_app/webhooks", () => {
      this.log.clear();
      return json({ ok: true });
    });
    r.on("GET", "/_app/outage", () => json(this.outages.list()));
    r.on("POST", "/_app/outage", (req) =>
      answer(async () => json(this.outages.add(parseOutage(await readJsonObject(req))), 201)),
    );
    r.on("DELETE", "/_app/outage", () => {
      this.outages.clear();
      return json({ ok: true });
    });
    for (const method of ["GET", "POST", "PATCH", "DELETE"]) {
      r.on(method, "/_app/bridge/v1/*", async (req, p) => {
        if (!this.bridge) return jsonError(503, "NO_BRIDGE", "The fake app was started without a bridge URL and API token.");
        const text = await req.text();
        let body: unknown;
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          return jsonError(400, "BAD_JSON", "The body is not valid JSON.");
        }
        const res = await this.bridge.request(
          method,
          (p["*"] as string).split("/"),
          body,
          req.headers.get("idempotency-key") ? { idempotencyKey: req.headers.get("idempotency-key") as string } : {},
        );
        return json(res.body, res.status);
      });
    }
    return r;
  }
}

/** The `userId` and `type` a refused webhook's body names (not verified: only to say whose and which it was). */
async function unverifiedWhat(req: Request): Promise<{ userId?: string; type?: string }> {
  try {
    const body = (await req.text().then(JSON.parse)) as { userId?: unknown; type?: unknown } | null;
    return {
      ...(typeof body?.userId === "string" ? { userId: body.userId } : {}),
      ...(typeof body?.type === "string" ? { type: body.type } : {}),
    };
  } catch {
    return {};
  }
}

function parseOutage(body: Record<string, unknown>): OutageSpec {
  const bad = (m: string): HttpError => new HttpError(jsonError(400, "BAD_REQUEST", m));
  const mode = String(body.mode ?? "503");
  if (mode !== "503" && mode !== "410" && mode !== "refuse") throw bad('"mode" must be 503, 410 or refuse');
  const spec: OutageSpec = { mode };
  for (const key of ["count", "durationMs", "retryAfterSeconds"] as const) {
    const v = body[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw bad(`"${key}" must be a non-negative number`);
    spec[key] = v;
  }
  return spec;
}

export interface RunningApp {
  app: FakeApp;
  origin: string;
  /** Where the bridge sends webhooks (APP_WEBHOOK_URL). */
  webhookUrl: string;
  close(): Promise<void>;
}

/**
 * @example const { webhookUrl, app, close } = await startFakeApp({ port: 8791, secret });
 */
export async function startFakeApp(opts: FakeAppOptions & { port?: number; host?: string }): Promise<RunningApp> {
  const app = new FakeApp(opts);
  const served = await serve((req) => app.handle(req), { port: opts.port ?? 0, host: opts.host ?? "127.0.0.1" });
  return { app, origin: served.origin, webhookUrl: served.origin + WEBHOOK_PATH, close: served.close };
}
