/**
 * @module emulator/events
 * An in-process event bus: the emulator (deliveries, voice turns, Amazon API
 * calls, list changes), the fake app (webhooks, its view of the lists) and
 * the console (operations, faults, Worker restarts) publish to it; the
 * console's `GET /_control/events` streams it as Server-Sent Events.
 *
 * Events are numbered; the most recent ones are kept so that a client that
 * reconnects (`Last-Event-ID`) or opens the page late gets what it missed.
 * `data` is copied when published, so later changes to the object published
 * do not change the event.
 */

/** The event types, as SSE `event:` names. */
export const EVENT_TYPES = [
  /** A delivery to the skill was queued, attempted, retried, delivered, expired or dropped (DeliveryView). */
  "delivery",
  /** A person talked to the skill (VoiceTurn). */
  "voice",
  /** Alexa+ (an MCP client) called one of the bridge's tools for a person (AssistantCallView). */
  "assistant",
  /** An Amazon API call: List API, Skill Messaging, LWA (CallView). */
  "call",
  /** A person's household lists changed ({person, event}). */
  "lists",
  /** A person was added, enabled, disabled, linked or changed permissions (PersonView). */
  "person",
  /** The fake app received, refused or rejected a webhook. */
  "webhook",
  /** The fake app's view of a user's lists changed ({userId}). */
  "app-view",
  /** A REST operation the console started changed state ({userId, operation}). */
  "operation",
  /** Faults, app outages or the clock skew changed (the console's fault state). */
  "faults",
  /** The Worker is restarting, running again, or failed to restart. */
  "worker",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface BusEvent {
  id: number;
  type: EventType;
  /** ISO time of publication. */
  at: string;
  data: unknown;
}

export type Listener = (e: BusEvent) => void;

/**
 * @example
 * const bus = new EventBus();
 * const off = bus.subscribe((e) => console.log(e.type, e.data));
 * bus.publish("voice", turn);
 * off();
 */
export class EventBus {
  readonly #recent: BusEvent[] = [];
  readonly #listeners = new Set<Listener>();
  readonly #max: number;
  readonly #now: () => number;
  #seq = 0;

  constructor(opts: { max?: number; now?: () => number } = {}) {
    this.#max = opts.max ?? 500;
    this.#now = opts.now ?? Date.now;
  }

  publish(type: EventType, data: unknown): BusEvent {
    const e: BusEvent = { id: ++this.#seq, type, at: new Date(this.#now()).toISOString(), data: structuredClone(data) };
    this.#recent.push(e);
    if (this.#recent.length > this.#max) this.#recent.splice(0, this.#recent.length - this.#max);
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        console.error("events: a listener failed", err);
      }
    }
    return e;
  }

  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Kept events with an id above `id`, oldest first. */
  since(id = 0): BusEvent[] {
    return this.#recent.filter((e) => e.id > id);
  }

  /** The id of the latest event (0 before any). */
  get lastId(): number {
    return this.#seq;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}

/**
 * One event in the SSE wire format.
 * @example sseFrame(e) // "id: 3\nevent: voice\ndata: {...}\n\n"
 */
export function sseFrame(e: BusEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ at: e.at, data: e.data })}\n\n`;
}

/**
 * A `text/event-stream` response: events after `sinceId` first, then live
 * ones, with a comment every `heartbeatMs` so idle connections stay open.
 * Unsubscribes when the client goes away.
 */
export function sseResponse(bus: EventBus, sinceId: number, heartbeatMs = 15_000): Response {
  const enc = new TextEncoder();
  let off = (): void => {};
  let beat: ReturnType<typeof setInterval> | null = null;
  const stop = (): void => {
    off();
    if (beat) clearInterval(beat);
    beat = null;
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string): void => {
        try {
          controller.enqueue(enc.encode(text));
        } catch {
          stop();
        }
      };
      send(`retry: 1000\n: connected, last event ${bus.lastId}\n\n`);
      for (const e of bus.since(sinceId)) send(sseFrame(e));
      off = bus.subscribe((e) => send(sseFrame(e)));
      beat = setInterval(() => send(": keep-alive\n\n"), heartbeatMs);
      beat.unref?.();
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}
