/**
 * @module user/outbox-placeholder
 * TEMPORARY stand-in for the outbox (src/user/outbox.ts, issue 4) so that the
 * inbound side can be built and tested before it lands: it knows no
 * operations and only reports outcomes to the app. Delete this file when the
 * real outbox is wired into src/user/alexa-user.ts.
 */
import type { OperationView, OutboxPort, WebhookPort } from "./ports.ts";

/**
 * @example const outbox = new PlaceholderOutbox(webhooks);
 */
export class PlaceholderOutbox implements OutboxPort {
  constructor(private readonly webhooks: WebhookPort) {}

  /** Knows no operation. @example outbox.get("op_1") // null */
  get(_opId: string): OperationView | null {
    return null;
  }

  /** @example outbox.complete("op_1", { alexaItemId: "i1" }) */
  complete(opId: string, result: unknown): void {
    this.webhooks.enqueue("outbox.completed", { opId, result: result ?? null });
  }

  /** @example outbox.fail("op_1", "NOT_FOUND: gone") */
  fail(opId: string, reason: string): void {
    this.webhooks.enqueue("outbox.failed", { opId, status: "failed", reason });
  }
}
