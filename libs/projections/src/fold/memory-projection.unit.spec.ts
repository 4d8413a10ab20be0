import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { createEvent, type LedgerEvent } from '#events';
import { syntheticLedger } from '../../../../test/support/synthetic-ledger.js';
import type { FoldedFact } from './folded-fact.js';
import { deadLetterOf } from './dead-letter-row.js';
import { MemoryProjection } from './memory-projection.js';
import { projectionRowHash, tableDigest } from './projection-row-digest.js';

const events = [...syntheticLedger({ users: 120, seed: 11 })].flat();

function facts(list: readonly LedgerEvent[], firstOffset = 0): FoldedFact[] {
  return list.map((event, i) => ({
    event,
    record: { topic: 'ledger.user-events', partition: 0, offset: String(firstOffset + i) },
  }));
}

function folded(list: readonly FoldedFact[], batch: number): MemoryProjection {
  const projection = new MemoryProjection();
  for (let start = 0; start < list.length; start += batch) projection.project(list.slice(start, start + batch));
  return projection;
}

describe('the projections folded in memory', () => {
  it('give the same digest whatever the batch size', () => {
    const all = facts(events);
    const whole = folded(all, all.length).digest();
    for (const size of [1, 13, 500]) assert.deepEqual(folded(all, size).digest(), whole, `batches of ${size}`);
    const rows = new Map(whole.tables.map((t) => [t.table, t.rows]));
    assert.equal(rows.get('migration_user'), 120);
    assert.equal(rows.get('user_event'), events.length);
  });

  it('fold facts added one at a time, partitions interleaved, as whole partitions folded apart', () => {
    // Two partitions, as a scan reads them: each in offset order, the two mixed.
    const partitionOf = (event: LedgerEvent) => (event.subject < '8' ? 0 : 1);
    const placed = (partition: number) =>
      events
        .filter((e) => partitionOf(e) === partition)
        .map((event, i) => ({ event, record: { topic: 'ledger.user-events', partition, offset: String(i) } }));
    const [first, second] = [placed(0), placed(1)];
    const apart = new MemoryProjection();
    apart.project(first);
    apart.project(second);
    const added = new MemoryProjection();
    for (let i = 0; i < Math.max(first.length, second.length); i++) {
      if (first[i]) added.add(first[i]!);
      if (second[i]) added.add(second[i]!);
    }
    assert.ok(first.length > 0 && second.length > 0);
    assert.deepEqual(added.digest(), apart.digest());
  });

  it('change nothing when facts already folded come again (a redelivery)', () => {
    const all = facts(events);
    const once = folded(all, 100);
    const before = once.digest();
    once.project(all.slice(40, 90));
    assert.deepEqual(once.digest(), before);
  });

  it('differ when one fact is missing', () => {
    const all = facts(events);
    const without = [...all.slice(0, 7), ...all.slice(8)];
    assert.notEqual(folded(without, 100).digest().digest, folded(all, 100).digest().digest);
  });

  it('dead-letter a fact PostgreSQL could not store, with the reason the projector records, and fold the rest', () => {
    const context = { source: '/test', correlationId: 'nul', time: new Date('2026-03-01T00:00:00Z') };
    const target = { kind: 'keycloak' as const, realm: 'migration' };
    const sub = 'd0d0d0d0-0000-4000-8000-000000000000';
    const unstorable = createEvent(
      'UserImportFailed',
      { sub, target, reason: 'name with a \u0000 in it', field: 'username', httpStatus: 400 },
      context,
    );
    const afterwards = createEvent('PasswordMigrated', { sub, target, via: 'reset' }, context);
    const all = facts([...events, unstorable, afterwards]);
    const projection = folded(all, 1000);
    const withoutIt = folded(facts([...events, afterwards]), 1000);
    const tables = new Map(projection.digest().tables.map((t) => [t.table, t]));
    const expected = new Map(withoutIt.digest().tables.map((t) => [t.table, t]));
    const deadLetter = deadLetterOf(
      all.at(-2)!,
      'the projection cannot store this event: unsupported Unicode escape sequence (SQLSTATE 22P05)',
    );
    assert.equal(deadLetter.reason.includes('\u0000'), false);
    assert.deepEqual(
      tables.get('dead_letter'),
      tableDigest('dead_letter', [projectionRowHash('dead_letter', deadLetter)]),
    );
    // Apart from its dead letter and the fact's offset, as if the fact were not there.
    assert.deepEqual(tables.get('migration_user'), expected.get('migration_user'));
    assert.deepEqual(tables.get('progress_counter'), expected.get('progress_counter'));
  });
});
