import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { ledgerReadiness } from './ledger-readiness.js';

const partition = (n: number, lag: number) => ({
  topic: 'user-events',
  partition: n,
  next: '0',
  end: String(lag),
  lag,
});

describe('ledger readiness', () => {
  it('is ready up to the allowed lag, with the lag per partition', () => {
    const partitions = [partition(0, 6), partition(1, 4)];
    assert.deepEqual(ledgerReadiness(partitions, 10), { lag: 10, partitions });
  });

  it('is not ready above it, and names the partition furthest behind', () => {
    assert.throws(
      () => ledgerReadiness([partition(0, 6), partition(1, 5)], 10),
      /^Error: 11 facts not projected yet, above PROJECTOR_READY_MAX_LAG \(10\); most behind: user-events\/0 \(6\)$/,
    );
  });
});
