/**
 * @module user/alexa-user
 * The Durable Object of one Alexa user (SQLite-backed, addressed by the user
 * id). It serialises that user's work: inbound requests, the outbox, the
 * webhook queue. Placeholder until the inbound issue lands.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";

export class AlexaUser extends DurableObject<Env> {}
