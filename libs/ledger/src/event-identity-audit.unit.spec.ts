import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import type { LedgerRecord } from './cloudevents-kafka-binding.js';
import { EventIdentityAudit } from './event-identity-audit.js';

const record = (id: string | undefined, value: string, offset: number): LedgerRecord => ({
  topic: 'm.user-events',
  partition: 0,
  offset: String(offset),
  key: Buffer.from('sub-1'),
  value: Buffer.from(value),
  headers: id === undefined ? {} : { ce_id: id },
});

const auditOf = (records: LedgerRecord[]) => {
  const audit = new EventIdentityAudit();
  for (const r of records) audit.add(r);
  return audit.findings();
};

describe('EventIdentityAudit', () => {
  it('given distinct ids, finds no conflict', () => {
    const findings = auditOf([record('a', '{"x":1}', 0), record('b', '{"x":2}', 1)]);
    assert.deepEqual(findings, { records: 2, ids: 2, repeats: 0, conflicts: [] });
  });

  it('given the same id with the same bytes twice, counts a repeat and no conflict', () => {
    const findings = auditOf([record('a', '{"x":1}', 0), record('a', '{"x":1}', 7)]);
    assert.deepEqual(findings, { records: 2, ids: 1, repeats: 1, conflicts: [] });
  });

  it('given the same id with other bytes, names the id and where each content was first seen', () => {
    const findings = auditOf([
      record('a', '{"requiredActions":[]}', 3),
      record('a', '{"requiredActions":[]}', 4),
      record('a', '{"requiredActions":["CONFIGURE_TOTP"]}', 9),
    ]);
    assert.deepEqual(findings.conflicts, [{ id: 'a', places: ['m.user-events/0@3', 'm.user-events/0@9'] }]);
    assert.equal(findings.repeats, 1);
  });

  it('given a record without an event id, leaves it out', () => {
    assert.deepEqual(auditOf([record(undefined, 'not an event', 0)]), {
      records: 0,
      ids: 0,
      repeats: 0,
      conflicts: [],
    });
  });
});
