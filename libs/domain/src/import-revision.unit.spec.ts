import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { decideImportRevision, type ImportOutcome } from './import-revision.js';
import { imported, importRevised, sub } from '../../../test/support/user-facts.js';
import type { UserFact } from './user-fact.js';
import { userMigrationOf } from './user-migration.js';

/** The outcome the fixture's UserImported records. */
const recorded: ImportOutcome = userMigrationOf(sub, [imported('2026-01-02T10:00:00Z')]).imports['keycloak/acme']!;

/** Given the user's import facts, when a later export leads to this outcome, then this decision. */
function given(...facts: UserFact[]) {
  const record = userMigrationOf(sub, facts).imports['keycloak/acme']!;
  return { when: (change: Partial<ImportOutcome>) => decideImportRevision(record, { ...recorded, ...change }) };
}

describe('import revision: a changed outcome is a new fact', () => {
  it('the same outcome is no change, whatever order the lists come in', () => {
    const twice = given(importRevised('2026-01-05T10:00:00Z', 1, ['UPDATE_PASSWORD', 'CONFIGURE_TOTP']));
    assert.deepEqual(twice.when({ requiredActions: ['CONFIGURE_TOTP', 'UPDATE_PASSWORD'] }), { kind: 'unchanged' });
    const adjusted = [
      { field: 'email', reason: 'held' },
      { field: 'username', reason: 'case' },
    ];
    const record = { ...userMigrationOf(sub, [imported('2026-01-02T10:00:00Z')]).imports['keycloak/acme']! };
    assert.deepEqual(
      decideImportRevision({ ...record, adjustments: adjusted }, { ...recorded, adjustments: [...adjusted].reverse() }),
      { kind: 'unchanged' },
    );
  });

  it('TOTP enrolment learnt later: revision 1 adds CONFIGURE_TOTP', () => {
    assert.deepEqual(given(imported('2026-01-02T10:00:00Z')).when({ requiredActions: ['CONFIGURE_TOTP'] }), {
      kind: 'revise',
      revision: 1,
      changed: ['requiredActions'],
      requiredActionsAdded: ['CONFIGURE_TOTP'],
      requiredActionsRemoved: [],
    });
  });

  it('a status change after a revision: the next revision number, the actions to add and remove', () => {
    const decision = given(
      imported('2026-01-02T10:00:00Z'),
      importRevised('2026-01-05T10:00:00Z', 1, ['CONFIGURE_TOTP']),
    ).when({
      requiredActions: ['UPDATE_PASSWORD'],
      needsPasswordMigration: false,
      treatment: 'reset-required',
    });
    assert.deepEqual(decision, {
      kind: 'revise',
      revision: 2,
      changed: ['needsPasswordMigration', 'requiredActions', 'treatment'],
      requiredActionsAdded: ['UPDATE_PASSWORD'],
      requiredActionsRemoved: ['CONFIGURE_TOTP'],
    });
  });
});
