import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import type { LedgerOrigin } from './ledger-origin.js';
import { StoredPositionMismatchError } from './stored-position-mismatch-error.js';
import { assertStoredPositionsMatch, type StoredPosition } from './stored-position.js';

const brokers = ['127.0.0.1:19092'];
const origin: LedgerOrigin = {
  clusterId: 'cluster-now',
  topics: new Map([
    [
      'migration.user-events',
      {
        topicId: 'topic-now',
        ends: new Map([
          [0, 378n],
          [1, 40n],
        ]),
      },
    ],
    ['migration.control-events', { topicId: 'control-now', ends: new Map([[0, 5n]]) }],
  ]),
};

function position(overrides: Partial<StoredPosition> = {}): StoredPosition {
  return {
    topic: 'migration.user-events',
    partition: 0,
    next: 300n,
    clusterId: 'cluster-now',
    topicId: 'topic-now',
    ...overrides,
  };
}

function refused(stored: StoredPosition[], pattern: RegExp): void {
  assert.throws(
    () => assertStoredPositionsMatch('projection schema "projection"', stored, origin, brokers),
    (error: unknown) => {
      assert.ok(error instanceof StoredPositionMismatchError, String(error));
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /\n/, 'one line');
      assert.match(error.message, /`ledger replay --replace`/, 'names the way out');
      return true;
    },
  );
}

describe('stored offsets are tied to the cluster and topic they were read from', () => {
  it('given offsets within the partitions of the same cluster and topics, then they are accepted', () => {
    assertStoredPositionsMatch('p', [position(), position({ partition: 1, next: 40n })], origin, brokers);
  });

  it('given offsets stored before the ids were recorded and within the partitions, then they are accepted', () => {
    assertStoredPositionsMatch('p', [position({ clusterId: null, topicId: null })], origin, brokers);
  });

  it('given an offset beyond the partition end, then it is refused naming the topic and both positions', () => {
    refused(
      [position({ next: 967n, clusterId: null, topicId: null })],
      /^projection schema "projection" holds next offset 967 of migration\.user-events\/0, beyond the partition's end 378 on 127\.0\.0\.1:19092 \(cluster cluster-now\)/,
    );
  });

  it('given an offset of another cluster, then it is refused even within the partition', () => {
    refused(
      [position({ clusterId: 'cluster-before' })],
      /next offset 300 of migration\.user-events\/0 read from cluster cluster-before, but 127\.0\.0\.1:19092 is cluster cluster-now \(end 378\)/,
    );
  });

  it('given an offset of a topic since deleted and created again, then it is refused even within the partition', () => {
    refused(
      [position({ topicId: 'topic-before' })],
      /read from topic id topic-before, but the topic on .* is topic id topic-now \(end 378\): it was deleted and created again/,
    );
  });

  it('given an offset of a topic under another prefix, then it is refused', () => {
    refused(
      [position({ topic: 'other.user-events' })],
      /holds next offset 300 of other\.user-events\/0, a topic that is not under this KAFKA_TOPIC_PREFIX/,
    );
  });

  it('given an offset of a partition the topic does not have, then it is refused', () => {
    refused([position({ partition: 7, next: 1n })], /beyond the partition's end \(no such partition\)/);
  });
});
