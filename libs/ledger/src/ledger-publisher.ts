import type { Producer } from 'kafkajs';
import { eventCatalog, type LedgerEvent } from '#events';
import { encodeEvent } from './cloudevents-kafka-binding.js';
import type { LedgerTopics } from './ledger-topics.js';

/** Events per produce request: keeps each partition's record batch well under the broker's 1 MB default. */
const CHUNK = 1000;

/**
 * Idempotent producer (acks=all): a retried send cannot write a record twice, and records of one
 * key keep their order. Events are validated when created (`createEvent`), so only valid events
 * reach this point.
 */
export class LedgerPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topics: LedgerTopics,
  ) {}

  topicOf(event: LedgerEvent): string {
    return eventCatalog[event.type].stream === 'user' ? this.topics.userEvents : this.topics.controlEvents;
  }

  async publish(events: readonly LedgerEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += CHUNK) {
      const byTopic = new Map<string, ReturnType<typeof encodeEvent>[]>();
      for (const event of events.slice(start, start + CHUNK)) {
        const topic = this.topicOf(event);
        const list = byTopic.get(topic) ?? [];
        list.push(encodeEvent(event));
        byTopic.set(topic, list);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
