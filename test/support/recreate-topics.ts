import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig } from '#config';
import { Ledger } from '#ledger';

/**
 * For tests only: deletes the ledger's topics and creates them again, empty, which is what a Kafka
 * whose data was recreated looks like to a consumer that outlived it. The product never deletes a
 * topic (the ledger is the system of record), so this lives beside libs/ledger, not in it.
 */
export async function recreateLedgerTopics(kafka: KafkaConfig, partitions: number): Promise<void> {
  const ledger = new Ledger({ kafka });
  const admin = new Kafka({
    clientId: 'test-recreate',
    brokers: [...kafka.brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const { userEvents, controlEvents, deadLetter, checkpoints } = ledger.topics;
    const existing = new Set(await admin.listTopics());
    const topics = [userEvents, controlEvents, deadLetter, checkpoints].filter((topic) => existing.has(topic));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    // Deletion completes asynchronously: creating the same name fails until it has.
    for (let tries = 0; ; tries++) {
      try {
        await ledger.ensureTopics(partitions);
        return;
      } catch (error) {
        if (tries >= 60) throw error;
        await sleep(500);
      }
    }
  } finally {
    await admin.disconnect();
  }
}
