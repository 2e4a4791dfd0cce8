/**
 * @module emulator/app/webhook-log
 * What the fake app received: every verified webhook, once per `webhook-id`
 * (Standard Webhooks redeliveries reuse the id, so a repeat is a retry, not a
 * new event), with how many times it arrived; plus counts of rejected
 * (bad signature) and refused (app down) requests.
 */

/** The body every bridge webhook carries. */
export interface WebhookBody {
  type: string;
  userId: string;
  timestamp: string;
  data: unknown;
  /** Skill store: the list space the webhook is about (shared by everyone linked to it). */
  spaceId?: string;
  /** The acting person's app user id, when a linked person acted by voice. */
  appUserId?: string;
}

export interface WebhookRecord extends WebhookBody {
  webhookId: string;
  /** When it first arrived (ISO). */
  receivedAt: string;
  /** How many times this webhook-id arrived (1 = once). */
  receipts: number;
}

export interface WebhookQuery {
  type?: string;
  /** One user id, or any of several (a person's current and past ids). */
  userId?: string | readonly string[];
  /** Only webhooks of this list space (skill store). */
  spaceId?: string;
  limit?: number;
}

/**
 * @example
 * const log = new WebhookLog();
 * log.record("msg_1", body);
 * log.query({ type: "alexa.list.items.created" });
 */
export class WebhookLog {
  readonly #byId = new Map<string, WebhookRecord>();
  rejected = 0;
  refused = 0;

  /** Records a verified delivery; returns true when the id is new. */
  record(webhookId: string, body: WebhookBody, now = Date.now()): boolean {
    const seen = this.#byId.get(webhookId);
    if (seen) {
      seen.receipts += 1;
      return false;
    }
    this.#byId.set(webhookId, { ...body, webhookId, receivedAt: new Date(now).toISOString(), receipts: 1 });
    return true;
  }

  /** Oldest first; `type` matches exactly or as a prefix ending in "." (`alexa.list.`). */
  query(q: WebhookQuery = {}): WebhookRecord[] {
    const out = [...this.#byId.values()].filter(
      (r) =>
        (q.userId === undefined || (typeof q.userId === "string" ? r.userId === q.userId : q.userId.includes(r.userId))) &&
        (q.spaceId === undefined || r.spaceId === q.spaceId) &&
        (q.type === undefined || r.type === q.type || (q.type.endsWith(".") && r.type.startsWith(q.type))),
    );
    return structuredClone(q.limit === undefined ? out : out.slice(-q.limit));
  }

  stats(): { unique: number; receipts: number; rejected: number; refused: number } {
    let receipts = 0;
    for (const r of this.#byId.values()) receipts += r.receipts;
    return { unique: this.#byId.size, receipts, rejected: this.rejected, refused: this.refused };
  }

  clear(): void {
    this.#byId.clear();
    this.rejected = 0;
    this.refused = 0;
  }
}
