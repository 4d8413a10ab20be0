import type { Producer } from 'kafkajs';

/**
 * Appends signed checkpoints to the checkpoints topic (one partition: one total order, read back
 * from the start by the sealer on start and by `ledger verify`). Key: the checkpoint's origin;
 * value: the signed note's text. Idempotent producer, acks=all.
 */
export class CheckpointPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  /** Resolves with the record's offset once the broker has it on every in-sync replica. */
  async publish(origin: string, note: string): Promise<string> {
    const [result] = await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: [{ partition: 0, key: origin, value: note, headers: { 'content-type': 'text/plain; charset=utf-8' } }],
    });
    return result?.baseOffset ?? '';
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
