/**
 * @module env
 * The Worker's bindings, vars and secrets, as `wrangler.toml` and
 * `wrangler secret put` declare them. README.md ("Configuration") documents each.
 */
import type { AlexaUser } from "./alexa-user/alexa-user.ts";
import type { ListSpace } from "./space/list-space.ts";
import type { UserRegistry } from "./registry/user-registry.ts";
import type { AppUserLink } from "./linking/app-user-link.ts";

export interface Env {
  /** One Durable Object per Alexa user, addressed by name (the user id). */
  ALEXA_USER: DurableObjectNamespace<AlexaUser>;
  /** Login-with-Amazon token cache. */
  TOKEN_CACHE: KVNamespace;
  /** User registry shards (`shard-<i>`) and the cron cursor (`cursor`), src/registry. */
  USER_REGISTRY: DurableObjectNamespace<UserRegistry>;
  /** Account linking: one object per app user (named by the verified `sub`), holding its current Alexa userId (src/linking). */
  APP_USERS: DurableObjectNamespace<AppUserLink>;
  /** One object per list space (skill store): src/space/list-space.ts. */
  LIST_SPACES: DurableObjectNamespace<ListSpace>;

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
  /** Account linking (docs/account-linking.md): the app's OAuth server, for JWT access tokens. */
  APP_OAUTH_ISSUER?: string;
  APP_OAUTH_AUDIENCE?: string;
  APP_OAUTH_JWKS_URL?: string;
  /** Account linking, opaque tokens: RFC 7662 introspection with these client credentials. */
  APP_OAUTH_INTROSPECTION_URL?: string;
  APP_OAUTH_CLIENT_ID?: string;
  APP_OAUTH_CLIENT_SECRET?: string;
  /** `true`: voice requests without a valid linked account get a LinkAccount card. */
  APP_REQUIRE_LINKING?: string;
  /** The verified token's claim that names a linked person's list space (default `sub`; e.g. `household`). */
  APP_OAUTH_SPACE_CLAIM?: string;
  /** Seconds between reconciliation syncs of one user. */
  SYNC_INTERVAL?: string;
  /** Most operations one user may have pending (queued or sent) in the outbox; beyond it the REST API answers 429. Default 1000. */
  OUTBOX_MAX_PENDING?: string;
  /** Days a dead-letter webhook is kept before it is dropped (logged). Default 14. */
  DEAD_LETTER_TTL_DAYS?: string;

  /** Local only: origin that certificate chain URLs are fetched from. */
  ALEXA_CERT_ORIGIN?: string;
  /** Local only: extra PEM trust anchors (the emulator's test CA). */
  ALEXA_EXTRA_ROOTS_PEM?: string;
}
