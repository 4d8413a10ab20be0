import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { replicationFor } from './ledger-topics.js';

describe('replicationFor: the ledger topics adapt to the cluster size', () => {
  it('one broker: one copy, a write waits for that one', () => {
    assert.deepEqual(replicationFor(1), { replicationFactor: 1, minInSyncReplicas: 1 });
  });

  it('two brokers: two copies, a write is acknowledged while one of them is down', () => {
    assert.deepEqual(replicationFor(2), { replicationFactor: 2, minInSyncReplicas: 1 });
  });

  it('three or more brokers: three copies, a write needs two in sync', () => {
    assert.deepEqual(replicationFor(3), { replicationFactor: 3, minInSyncReplicas: 2 });
    assert.deepEqual(replicationFor(5), { replicationFactor: 3, minInSyncReplicas: 2 });
  });

  it('no broker is an error naming the count', () => {
    assert.throws(() => replicationFor(0), /at least one broker, not 0/);
  });
});
