/**
 * @module alexa-user/lists
 * Builds the list store of a user's object for the deployment's
 * `ALEXA_LISTS` (decided by {@link listStoreKind}, src/shared/list-store.ts).
 */
import type { Env } from "../../env.ts";
import type { Outbox } from "../../shared/outbox/outbox.ts";
import type { WebhookPort } from "../../shared/ports.ts";
import { HouseholdStore } from "./household-store.ts";
import { listStoreKind, type ListStore } from "../../shared/list-store.ts";
import { SpaceHeldStore } from "./space-held.ts";

export { HouseholdStore } from "./household-store.ts";
export { SpaceHeldStore } from "./space-held.ts";
export * from "../../shared/list-store.ts";

export interface ListStoreDeps {
  sql: SqlStorage;
  webhooks: WebhookPort;
  outbox: Outbox;
  now: () => number;
}

/**
 * The store for this deployment. An `ALEXA_LISTS` value that names no store
 * is refused by the Worker before any object is reached (503 NOT_CONFIGURED);
 * an object built anyway (a cron sweep) gets the default.
 * @example this.lists = createListStore(env, { sql, webhooks, outbox, now });
 */
export function createListStore(env: Pick<Env, "ALEXA_LISTS">, deps: ListStoreDeps): ListStore {
  const kind = listStoreKind(env) ?? "skill";
  return kind === "household" ? new HouseholdStore(deps.outbox) : new SpaceHeldStore(deps.outbox);
}
