import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { entityColumns, entityTable } from '../entity-columns.js';
import { projectionEntities, ProjectionOffset } from '../projection/entities/index.js';
import { canonicalRowJson, projectionRowHash, projectionTables, tableDigest } from './projection-row-digest.js';

describe('the projection digest of rows', () => {
  it('declares every state table, with exactly the entity columns PostgreSQL normalises', () => {
    const entities = projectionEntities.filter((e) => e !== ProjectionOffset);
    assert.deepEqual(new Set(projectionTables.map((t) => t.table)), new Set(entities.map((e) => entityTable(e))));
    for (const entity of entities) {
      const declared = projectionTables.find((t) => t.table === entityTable(entity))!;
      const normalised = Object.fromEntries(
        entityColumns(entity)
          .filter((c) => ['timestamptz', 'uuid', 'bigint'].includes(c.sqlType))
          .map((c) => [c.property, c.sqlType]),
      );
      assert.deepEqual({ ...declared.normalised }, normalised, entityTable(entity));
    }
  });

  it('hashes a row read back from PostgreSQL like the row the projection wrote', () => {
    const written = {
      sub: 'a',
      eventId: '6F1C2D3E-0000-4000-8000-000000000001',
      time: '2026-03-01T10:00:00+02:00',
      offset: '12',
      partition: 3,
      data: { b: 1, a: [true, null, 'x'] },
      contentHash: null,
      source: undefined,
    };
    const readBack = {
      data: { a: [true, null, 'x'], b: 1 },
      sub: 'a',
      eventId: '6f1c2d3e-0000-4000-8000-000000000001',
      time: '2026-03-01T08:00:00.000Z',
      offset: '12',
      partition: 3,
      contentHash: null,
      source: null,
    };
    assert.equal(projectionRowHash('user_event', written), projectionRowHash('user_event', readBack));
    assert.equal(
      projectionRowHash('progress_counter', { measure: 'users', dimension: '', count: 7 }),
      projectionRowHash('progress_counter', { measure: 'users', dimension: '', count: '7' }),
    );
  });

  it('tells apart rows that differ in one value, and a value from its absence', () => {
    const row = { sub: 'a', eventId: '6f1c2d3e-0000-4000-8000-000000000001', partition: 3, data: { a: 1 } };
    const hash = projectionRowHash('user_event', row);
    assert.notEqual(projectionRowHash('user_event', { ...row, partition: 4 }), hash);
    assert.notEqual(projectionRowHash('user_event', { ...row, data: { a: 2 } }), hash);
    assert.notEqual(projectionRowHash('user_event', { ...row, data: { a: 1, b: null } }), hash);
    assert.notEqual(projectionRowHash('user_event', { ...row, reason: '' }), hash);
  });

  it('writes rows as RFC 8785 canonical JSON, as `canonicalize` does, for any JSON value of well-formed text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'grapheme' }), (value) => {
        assert.equal(canonicalRowJson(value), canonicalize(value));
      }),
      { numRuns: 2000 },
    );
    const row = { b: [1, undefined, -0, 1e21, 0.1], a: { y: 'é\n"', x: null, z: undefined }, '\u00e9': true, Z: 1 };
    assert.equal(canonicalRowJson(row), canonicalize(row));
  });

  it('digests a table the same in any row order', () => {
    const hashes = ['c', 'a', 'b'].map((sub) => projectionRowHash('migration_user', { sub }));
    assert.deepEqual(tableDigest('t', [...hashes]), tableDigest('t', [...hashes].reverse()));
    assert.notDeepEqual(tableDigest('t', hashes.slice(1)), tableDigest('t', hashes));
  });
});
