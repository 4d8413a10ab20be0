import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { topicsWithPrefix } from '#ledger';
import { defaultOrigin, originOf, partitionOfOrigin, sealedTopicsOf } from './checkpoint-origin.js';

describe('checkpoint origins', () => {
  const sealed = sealedTopicsOf(topicsWithPrefix('migration'));
  const copy = sealedTopicsOf(topicsWithPrefix('restored'));
  const origin = defaultOrigin('ledger.example.com', 'migration');

  it('names a partition by its topic role, so that a copy under another prefix maps to the same logs', () => {
    const name = originOf(origin, sealed[0]!, 7);
    assert.equal(name, 'ledger.example.com/migration/user-events/7');
    assert.deepEqual(partitionOfOrigin(origin, sealed, name), { topic: 'migration.user-events', partition: 7 });
    assert.deepEqual(partitionOfOrigin(origin, copy, name), { topic: 'restored.user-events', partition: 7 });
    assert.deepEqual(partitionOfOrigin(origin, sealed, originOf(origin, sealed[1]!, 0)), {
      topic: 'migration.control-events',
      partition: 0,
    });
  });

  it('refuses origins of another ledger or of no partition', () => {
    for (const other of [
      'ledger.example.com/other/user-events/1',
      `${origin}/dead-letter/0`,
      `${origin}/user-events/01`,
      `${origin}/user-events/-1`,
      `${origin}/user-events/1/2`,
      `${origin}-x/user-events/1`,
    ]) {
      assert.equal(partitionOfOrigin(origin, sealed, other), undefined, other);
    }
  });
});
