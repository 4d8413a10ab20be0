import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { createEvent, type LedgerEvent } from '#events';
import { summarizeUserMigration, type UserMigrationState } from '#domain';
import type { ConsumedEvent } from '#ledger';
import { syntheticLedger } from '../../../../test/support/synthetic-ledger.js';
import {
  addCohortContribution,
  addCounterContribution,
  addCriteriaContribution,
  addResetPipelineContribution,
  userRowOf,
  type Tally,
} from '../index.js';
import { projectUserFacts } from './user-facts-projection.js';

const facts: ConsumedEvent[] = [...syntheticLedger({ users: 150, seed: 5 })].flat().map(consumed);

function consumed(event: LedgerEvent, offset = 0): ConsumedEvent {
  return {
    event,
    record: { topic: 'user-events', partition: 0, offset: String(offset), key: null, value: null, headers: {} },
  };
}

/** Projects in batches of `size`, carrying states and summing tallies as the store would. */
function projectInBatches(size: number) {
  const states = new Map<string, UserMigrationState>();
  const counters: Tally = new Map();
  const criteriaDays: Tally = new Map();
  const add = (into: Tally, deltas: Tally) => {
    for (const [key, amount] of deltas) {
      const next = (into.get(key) ?? 0) + amount;
      if (next === 0) into.delete(key);
      else into.set(key, next);
    }
  };
  for (let start = 0; start < facts.length; start += size) {
    const projection = projectUserFacts(states, facts.slice(start, start + size));
    for (const row of projection.users) states.set(String(row.sub), row.state as UserMigrationState);
    add(counters, projection.counters);
    add(criteriaDays, projection.criteriaDays);
  }
  return { states, counters, criteriaDays };
}

describe('projecting a batch of user facts', () => {
  it('gives the same states and counters whatever the batch size', () => {
    const whole = projectInBatches(facts.length);
    for (const size of [1, 7, 100]) {
      const batched = projectInBatches(size);
      assert.deepEqual(batched.states, whole.states, `batches of ${size}`);
      assert.deepEqual(batched.counters, whole.counters, `batches of ${size}`);
      assert.deepEqual(batched.criteriaDays, whole.criteriaDays, `batches of ${size}`);
    }
  });

  it('keeps counters equal to a count over the final states', () => {
    const { states, counters, criteriaDays } = projectInBatches(50);
    const recount: Tally = new Map();
    const recountDays: Tally = new Map();
    for (const state of states.values()) {
      const summary = summarizeUserMigration(state);
      const row = userRowOf(state, summary);
      addCounterContribution(recount, summary, 1);
      addCohortContribution(recount, row, 1);
      addCriteriaContribution(recount, recountDays, row, 1);
      addResetPipelineContribution(recount, recountDays, row, 1);
    }
    assert.deepEqual(counters, recount);
    assert.deepEqual(criteriaDays, recountDays);
    assert.equal(counters.get('users\t'), 150);
  });

  it('changes no counter, no day and no row when facts already applied come again', () => {
    const { states } = projectInBatches(facts.length);
    const again = projectUserFacts(states, facts);
    assert.equal(again.counters.size, 0);
    assert.equal(again.daily.size, 0);
    assert.equal(again.criteriaDays.size, 0);
    for (const row of again.users) assert.deepEqual(row.state, states.get(String(row.sub)));
  });

  it('rejects a conflicting import with the reason and applies the rest of the batch', () => {
    const { states } = projectInBatches(facts.length);
    const imported = facts.find((f) => f.event.type === 'UserImported')!.event;
    const conflict = createEvent(
      'UserImported',
      {
        ...(imported.data as Extract<LedgerEvent, { type: 'UserImported' }>['data']),
        targetUserId: 'someone-else',
      },
      { source: '/test', correlationId: 'c', time: new Date('2026-05-01T00:00:00Z') },
    );
    const reset = createEvent(
      'ResetSent',
      {
        sub: imported.subject,
        target: { kind: 'keycloak', realm: 'migration' },
        attempt: 9,
        reason: 'test',
        linkLifetimeSeconds: 60,
      },
      { source: '/test', correlationId: 'c', time: new Date('2026-05-01T00:00:00Z') },
    );
    const projection = projectUserFacts(states, [consumed(conflict, 1), consumed(reset, 2)]);
    assert.equal(projection.rejected.length, 1);
    assert.equal(projection.rejected[0]!.consumed.event.id, conflict.id);
    assert.match(projection.rejected[0]!.reason, /targetUserId/);
    assert.deepEqual(
      projection.history.map((h) => h.eventId),
      [reset.id],
    );
    assert.equal(projection.counters.get('resets-sent\t'), 1);
  });
});
