import type { Producer } from 'kafkajs';
import { eventCatalog, type LedgerEvent } from '#events';
import { encodeEvent } from './cloudevents-kafka-binding.js';
import type { LedgerTopics } from './ledger-topics.js';
import { unacknowledgedPartitions } from './unacknowledged-partitions.js';
import { UnacknowledgedRecordsError } from './unacknowledged-records-error.js';

/** Events per produce request: keeps each partition's record batch well under the broker's 1 MB default. */
const CHUNK = 1000;

/**
 * Idempotent producer (acks=all): a retried send cannot write a record twice, and records of one
 * key keep their order. Events are validated when created (`createEvent`), so only valid events
 * reach this point.
 *
 * `publish` resolves only when the brokers acknowledged every partition its records went to.
 * kafkajs 2.2.4 resolved a send after a broker died under it without ever sending that broker's
 * partitions to their new leader (patches/kafkajs+2.2.4.patch fixes it, docs/benchmarks.md
 * "Kafka cluster"); the check below makes any such send fail, naming the events, instead of a
 * command reporting facts written that the ledger does not hold.
 */
export class LedgerPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topics: LedgerTopics,
    /** Each topic's partition count (asked of the cluster once per topic). */
    private readonly partitionCounts: (topics: readonly string[]) => Promise<ReadonlyMap<string, number>>,
  ) {}

  private readonly partitions = new Map<string, number>();

  topicOf(event: LedgerEvent): string {
    return eventCatalog[event.type].stream === 'user' ? this.topics.userEvents : this.topics.controlEvents;
  }

  async publish(events: readonly LedgerEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += CHUNK) {
      const chunk = events.slice(start, start + CHUNK);
      const byTopic = new Map<string, ReturnType<typeof encodeEvent>[]>();
      for (const event of chunk) {
        const topic = this.topicOf(event);
        const list = byTopic.get(topic) ?? [];
        list.push(encodeEvent(event));
        byTopic.set(topic, list);
      }
      if (byTopic.size === 0) continue;
      // Asked before sending where it can be (a missing topic is the send's to report, as before);
      // asked again after a send that succeeded without it, then failing the call.
      await this.learnPartitions([...byTopic.keys()]).catch(() => undefined);
      const acknowledged = await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      await this.learnPartitions([...byTopic.keys()]);
      this.assertAcknowledged(chunk, acknowledged);
    }
  }

  private async learnPartitions(topics: readonly string[]): Promise<void> {
    const unknown = topics.filter((topic) => !this.partitions.has(topic));
    if (unknown.length === 0) return;
    for (const [topic, count] of await this.partitionCounts(unknown)) this.partitions.set(topic, count);
  }

  private assertAcknowledged(
    chunk: readonly LedgerEvent[],
    acknowledged: Awaited<ReturnType<Producer['sendBatch']>>,
  ): void {
    const missing = unacknowledgedPartitions(
      chunk.map((event) => ({ topic: this.topicOf(event), key: event.subject, id: event.id })),
      acknowledged,
      (topic) => this.partitions.get(topic)!,
    );
    if (missing.size > 0) throw new UnacknowledgedRecordsError([...missing.keys()], [...missing.values()].flat());
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
