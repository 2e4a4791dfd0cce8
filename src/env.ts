/**
 * @module env
 * The Worker's bindings, vars and secrets, as `wrangler.toml` and
 * `wrangler secret put` declare them. README.md ("Configuration") documents each.
 */
import type { AlexaUser } from "./user/alexa-user.ts";
import type { UserRegistry } from "./registry/user-registry.ts";

export interface Env {
  /** One Durable Object per Alexa user, addressed by name (the user id). */
  ALEXA_USER: DurableObjectNamespace<AlexaUser>;
  /** Login-with-Amazon token cache. */
  TOKEN_CACHE: KVNamespace;
  /** User registry shards (`shard-<i>`) and the cron cursor (`cursor`), src/registry. */
  USER_REGISTRY: DurableObjectNamespace<UserRegistry>;

  /** "production" forbids the local-only overrides below. */
  ENVIRONMENT?: string;
  /** Comma-separated skill ids this endpoint answers for. */
  ALEXA_SKILL_ID?: string;
  /** Default Alexa API region endpoint (a user's own `apiEndpoint` wins). */
  ALEXA_API_ENDPOINT?: string;
  LWA_TOKEN_URL?: string;
  LWA_CLIENT_ID?: string;
  LWA_CLIENT_SECRET?: string;
  APP_WEBHOOK_URL?: string;
  APP_WEBHOOK_SECRET?: string;
  /** Comma-separated bearer tokens accepted by the REST API. */
  APP_API_TOKEN?: string;
  /** Where the lists live: `skill` (default, in the user's object) or `household` (Alexa's lists, List Management API). */
  ALEXA_LISTS?: string;
  /** Seconds between reconciliation syncs of one user. */
  SYNC_INTERVAL?: string;

  /** Local only: origin that certificate chain URLs are fetched from. */
  ALEXA_CERT_ORIGIN?: string;
  /** Local only: extra PEM trust anchors (the emulator's test CA). */
  ALEXA_EXTRA_ROOTS_PEM?: string;
}
