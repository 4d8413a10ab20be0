import type { LedgerEvent } from '#events';
import type { FactPublisher } from './password-bridge.js';

/**
 * Group commit in front of the ledger's publisher. That producer is idempotent with one request in
 * flight (ordering per sub), so one produce round trip per login caps the bridge at about one login
 * per round trip. Events that arrive while a send is in flight go together in the next one, and
 * each caller still learns whether its own event was written. kafkajs has no such linger option
 * for sendBatch, hence this small class.
 */
export class GroupCommitPublisher implements FactPublisher {
  private waiting: { events: readonly LedgerEvent[]; done: (error?: unknown) => void }[] = [];
  private sending = false;

  constructor(private readonly inner: FactPublisher) {}

  publish(events: readonly LedgerEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ events, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.waiting.length > 0) {
      const group = this.waiting;
      this.waiting = [];
      try {
        await this.inner.publish(group.flatMap((entry) => entry.events));
        for (const entry of group) entry.done();
      } catch (error) {
        for (const entry of group) entry.done(error ?? new Error('publish failed'));
      }
    }
    this.sending = false;
  }
}
