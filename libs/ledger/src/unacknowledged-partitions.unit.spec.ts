import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { partitionOfKey } from './key-partition.js';
import { unacknowledgedPartitions, type SentRecord } from './unacknowledged-partitions.js';

const topic = 'ledger.user-events';
const sent: SentRecord[] = Array.from({ length: 60 }, (_, index) => ({
  topic,
  key: `sub-${index}`,
  id: `id-${index}`,
}));
const partitionOf = (record: SentRecord) => partitionOfKey(record.key, 12);
const used = [...new Set(sent.map(partitionOf))];

describe('unacknowledgedPartitions', () => {
  it('is empty when every partition the records went to was acknowledged', () => {
    const acks = used.map((partition) => ({ topicName: topic, partition, errorCode: 0 }));
    assert.equal(unacknowledgedPartitions(sent, acks, () => 12).size, 0);
  });

  it("names the records of a partition missing from the acknowledgements (a failed broker's partitions)", () => {
    const [lost, ...kept] = used;
    const acks = kept.map((partition) => ({ topicName: topic, partition, errorCode: 0 }));
    const missing = unacknowledgedPartitions(sent, acks, () => 12);
    assert.deepEqual([...missing.keys()], [`${topic}/${lost}`]);
    assert.deepEqual(
      missing.get(`${topic}/${lost}`),
      sent.filter((record) => partitionOf(record) === lost).map((record) => record.id),
    );
  });

  it('counts an acknowledgement carrying an error as none', () => {
    const acks = used.map((partition, index) => ({ topicName: topic, partition, errorCode: index === 0 ? 6 : 0 }));
    assert.deepEqual([...unacknowledgedPartitions(sent, acks, () => 12).keys()], [`${topic}/${used[0]}`]);
  });
});
