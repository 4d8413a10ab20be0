import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { evolveUserMigration, initialUserMigration, summarizeUserMigration } from '#domain';
import { createEvent } from '#events';
import { entityColumns, entityTable, selectColumns } from './entity-columns.js';
import { MigrationUser, projectionEntities } from './projection/entities/index.js';
import { userRowOf } from './projection/migration-user-row.js';

describe('entity columns: the one description of a row', () => {
  it('reads names, SQL types and nullability from the decorators, in declaration order', () => {
    const columns = entityColumns(MigrationUser);
    assert.deepEqual(columns[0], { property: 'sub', name: 'sub', sqlType: 'text', nullable: false });
    assert.deepEqual(
      columns.find((c) => c.property === 'mfaMethods'),
      { property: 'mfaMethods', name: 'mfa_methods', sqlType: 'text[]', nullable: false },
    );
    assert.deepEqual(
      columns.find((c) => c.property === 'requiredActions'),
      { property: 'requiredActions', name: 'required_actions', sqlType: 'text[]', nullable: true },
    );
    assert.equal(entityTable(MigrationUser), 'migration_user');
    for (const entity of projectionEntities) assert.ok(entityColumns(entity).length > 0, entity.name);
  });

  it('selects columns under their property names, and refuses a property that is no column', () => {
    assert.equal(
      selectColumns(MigrationUser, ['sub', 'importedAt'], 'm'),
      'm."sub" as "sub", m."imported_at" as "importedAt"',
    );
    assert.throws(() => selectColumns(MigrationUser, ['nothing' as keyof MigrationUser]), /no column for nothing/);
  });

  it('builds a user row with exactly the columns of migration_user', () => {
    const sub = '1b1e0b6a-0000-4000-8000-000000000001';
    const exported = createEvent(
      'UserExported',
      {
        poolId: 'us-east-1_Test01',
        sub,
        username: 'zoe',
        status: 'CONFIRMED',
        enabled: true,
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-01-02T00:00:00.000Z',
        attributes: { email: 'Zoe@Example.com' },
        customAttributes: {},
        groups: [],
        mfa: { sms: false, totp: null, preferred: null },
        identities: [],
        anomalies: [],
      },
      { source: '/test', correlationId: 'c', time: new Date('2025-02-01T00:00:00Z') },
    );
    const state = evolveUserMigration(initialUserMigration(sub), exported);
    const row = userRowOf(state, summarizeUserMigration(state));
    assert.deepEqual(
      Object.keys(row).sort(),
      entityColumns(MigrationUser)
        .map((c) => c.property)
        .sort(),
    );
    assert.equal(row.email, 'zoe@example.com');
    assert.equal(row.status, 'exported');
  });
});
