import type { LedgerOrigin } from './ledger-origin.js';
import { StoredPositionMismatchError } from './stored-position-mismatch-error.js';

/**
 * Where a consumer that keeps its own offsets (in its own database, with its own writes) resumes
 * on one partition, and which cluster and topic incarnation that offset counts in. `null` ids: an
 * offset stored before they were recorded.
 */
export interface StoredPosition {
  readonly topic: string;
  readonly partition: number;
  readonly next: bigint;
  readonly clusterId: string | null;
  readonly topicId: string | null;
}

/**
 * An offset means something only in the topic it was read from. A stored offset of another
 * cluster, of a topic since deleted and created again, or beyond the partition's end (the same
 * name, other data) would make a consumer skip records or wait for ones that never come, and
 * report success on a projection of something else. The first such position is refused.
 */
export function assertStoredPositionsMatch(
  owner: string,
  stored: readonly StoredPosition[],
  origin: LedgerOrigin,
  brokers: readonly string[],
): void {
  const where = `${brokers.join(',')} (cluster ${origin.clusterId})`;
  for (const position of [...stored].sort(byTopicPartition)) {
    const at = `${position.topic}/${position.partition}`;
    const topic = origin.topics.get(position.topic);
    if (topic === undefined) {
      throw new StoredPositionMismatchError(
        owner,
        `holds next offset ${position.next} of ${at}, a topic that is not under this KAFKA_TOPIC_PREFIX on ${where}`,
      );
    }
    if (position.clusterId !== null && position.clusterId !== origin.clusterId) {
      throw new StoredPositionMismatchError(
        owner,
        `holds next offset ${position.next} of ${at} read from cluster ${position.clusterId}, but ${brokers.join(',')} is cluster ${origin.clusterId} (end ${topic.ends.get(position.partition) ?? 0n})`,
      );
    }
    if (position.topicId !== null && position.topicId !== topic.topicId) {
      throw new StoredPositionMismatchError(
        owner,
        `holds next offset ${position.next} of ${at} read from topic id ${position.topicId}, but the topic on ${where} is topic id ${topic.topicId} (end ${topic.ends.get(position.partition) ?? 0n}): it was deleted and created again`,
      );
    }
    const end = topic.ends.get(position.partition);
    if (end === undefined || position.next > end) {
      throw new StoredPositionMismatchError(
        owner,
        `holds next offset ${position.next} of ${at}, beyond the partition's end ${end ?? '(no such partition)'} on ${where}`,
      );
    }
  }
}

function byTopicPartition(a: StoredPosition, b: StoredPosition): number {
  return a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;
}
