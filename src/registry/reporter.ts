/**
 * @module registry/reporter
 * The user object's side of the registry: remembers (in the object's own
 * SQLite: a column of the Alexa user's profile row, src/alexa-user/profile.ts,
 * which every request reads anyway; a table of its own cost a page, two rows
 * to create and a statement per request) the entry it last wrote to its
 * shard, and writes a new one only when {@link needsReport} says the registry
 * would otherwise be wrong in a way that matters. A failed write is not
 * remembered, so the next report retries it.
 */
import { needsReport, type RegistryEntry } from "./entry.ts";

/** Writes one user's entry to its shard (`null`: remove). */
export type RegistryWrite = (userId: string, entry: RegistryEntry | null) => Promise<void>;

/**
 * Where the last written entry is kept (as JSON text; `null`: none). Its
 * writes are durable once the caller's turn commits.
 */
export interface ReportSlot {
  read(): string | null;
  write(entry: string | null): void;
}

/**
 * @example
 * const reporter = new RegistryReporter({ read: () => profile.registryEntry(), write: (t) => profile.setRegistryEntry(t) }, (id, e) => shardFor(id).put(id, e));
 * await reporter.report(userId, entry);
 */
export class RegistryReporter {
  readonly #slot: ReportSlot;
  readonly #write: RegistryWrite;

  constructor(slot: ReportSlot, write: RegistryWrite) {
    this.#slot = slot;
    this.#write = write;
  }

  /** The entry last written, or null. @example reporter.last()?.enabled */
  last(): RegistryEntry | null {
    const text = this.#slot.read();
    return text === null ? null : (JSON.parse(text) as RegistryEntry);
  }

  /**
   * Records `entry` as what the registry holds (the shard wrote it itself,
   * e.g. from a sweep's answer).
   * @example reporter.remember(entry); return entry;
   */
  remember(entry: RegistryEntry): void {
    this.#slot.write(JSON.stringify(entry));
  }

  /**
   * Writes `entry` if the registry needs it; answers whether it wrote. Never
   * throws: the registry is a safety net, a failed write is logged and retried
   * at the next report.
   * @example await reporter.report(userId, entry);
   */
  async report(userId: string, entry: RegistryEntry): Promise<boolean> {
    if (!needsReport(this.last(), entry)) return false;
    try {
      await this.#write(userId, entry);
    } catch (e) {
      console.error("registry: report failed", userId, e);
      return false;
    }
    this.remember(entry);
    return true;
  }

  /**
   * Removes the user from the registry (erasure) and forgets what was written.
   * @example await reporter.forget(userId);
   */
  async forget(userId: string): Promise<void> {
    await this.#write(userId, null);
    this.#slot.write(null);
  }
}
