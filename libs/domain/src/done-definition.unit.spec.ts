import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import fc from 'fast-check';
import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import { generatedLedger } from '../../../test/support/generated-ledger.js';
import { criteriaRowOf, measureUsers } from './done-criteria.js';
import {
  completionFigures,
  isDone,
  isFederationRebound,
  userCompletionOf,
  type UserCompletion,
} from './done-definition.js';
import { planLongTailResets, resetCandidateOf } from './long-tail-resets.js';
import { parseReconcilerPolicy } from './reconciler-policy.js';
import { migrationStatuses, summarizeUserMigration, type UserMigrationSummary } from './user-migration-summary.js';
import { userMigrationOf } from './user-migration.js';
import type { UserFact } from './user-fact.js';

const summary = (overrides: Partial<UserMigrationSummary> = {}): UserMigrationSummary => ({
  status: 'imported',
  active: true,
  exportedAt: '2025-01-01T00:00:00.000Z',
  import: null,
  importedAt: '2025-01-02T00:00:00.000Z',
  lastImportFailure: null,
  passwordMigratedVia: null,
  passwordMigratedAt: null,
  migratedAt: null,
  mfaRequired: false,
  mfaReenrolledAt: null,
  mfaMethods: [],
  expectedProviders: [],
  reboundProviders: [],
  resetsSent: 0,
  lastResetAt: null,
  openDisagreements: 0,
  currentEmail: null,
  currentlyEnabled: true,
  deletedInSource: false,
  deletedInTarget: false,
  ...overrides,
});

describe('done definition: which statuses count as migrated', () => {
  it('only `migrated` is done; every other status is still to do', () => {
    assert.deepEqual(
      migrationStatuses.filter((s) => isDone(s)),
      ['migrated'],
    );
  });

  it('federation is re-bound when every expected provider is, and trivially without any', () => {
    assert.equal(isFederationRebound(['Google', 'SAML'], ['Google']), false);
    assert.equal(isFederationRebound(['Google'], ['Google', 'SAML']), true);
    assert.equal(isFederationRebound([], []), true);
  });
});

describe('done definition: what one user counts for (userCompletionOf)', () => {
  const given = DeciderSpecification.for({
    decide: (field: keyof UserCompletion, user: UserMigrationSummary) => userCompletionOf(user)[field],
  });

  it('given an active migrated user, when counting active-migrated, then it counts', () => {
    given(summary({ status: 'migrated' }))
      .when('activeMigrated')
      .then(true);
  });
  it('given a migrated user disabled in Cognito, when counting active-migrated, then it does not (migrated, not active)', () => {
    given(summary({ status: 'migrated', active: false }))
      .when('activeMigrated')
      .then(false);
    given(summary({ status: 'migrated', active: false }))
      .when('migrated')
      .then(true);
  });
  it('given a user who enrolled MFA without having had it in Cognito, when counting re-enrolments, then it does not', () => {
    given(summary({ mfaReenrolledAt: '2025-02-01T00:00:00.000Z' }))
      .when('mfaReenrolled')
      .then(false);
    given(summary({ mfaRequired: true, mfaReenrolledAt: '2025-02-01T00:00:00.000Z' }))
      .when('mfaReenrolled')
      .then(true);
  });
  it('given two expected providers, one re-bound, and one re-bound that was not expected, when counting federation, then per expected provider', () => {
    given(summary({ expectedProviders: ['Google', 'SAML'], reboundProviders: ['Apple', 'Google'] }))
      .when('providers')
      .then([
        { provider: 'Google', rebound: true },
        { provider: 'SAML', rebound: false },
      ]);
  });
});

describe('done definition: the completion figures over a ledger (completionFigures)', () => {
  it('given these users, then each figure counts by the definitions', () => {
    const figures = completionFigures([
      summary({ status: 'migrated', passwordMigratedVia: 'jit', mfaRequired: true, mfaReenrolledAt: 'x' }),
      summary({ status: 'migrated', active: false, passwordMigratedVia: 'reset', expectedProviders: ['Google'] }),
      summary({ resetsSent: 2, openDisagreements: 1, expectedProviders: ['Google'], reboundProviders: ['Google'] }),
      summary({ status: 'disabled', active: false, mfaRequired: true }),
    ]);
    assert.deepEqual(figures, {
      users: 4,
      byStatus: { migrated: 2, disabled: 1, imported: 1, 'import-failed': 0, exported: 0, unexported: 0 },
      migrated: 2,
      active: 2,
      activeMigrated: 1,
      mfaRequired: 2,
      mfaReenrolled: 1,
      federation: [{ provider: 'Google', expected: 2, rebound: 1 }],
      passwordVia: { jit: 1, reset: 1 },
      resets: { sent: 2, users: 1 },
      disagreements: { open: 1, users: 1 },
    });
  });

  it('over generated ledgers, the figures and the criteria measurements agree where they count the same', () => {
    const policy = parseReconcilerPolicy({}, 'test');
    fc.assert(
      fc.property(generatedLedger(30), (ledger) => {
        const summaries = ledger.users.map((u) =>
          summarizeUserMigration(userMigrationOf(u.sub, u.facts as UserFact[])),
        );
        const figures = completionFigures(summaries);
        const measured = measureUsers(summaries.map(criteriaRowOf), policy, ledger.now);
        assert.equal(measured.active, figures.active);
        assert.equal(measured.activeMigrated, figures.activeMigrated);
        assert.equal(measured.remaining, figures.active - figures.activeMigrated);
        assert.equal(measured.openDisagreements, figures.disagreements.open);
        assert.equal(
          Object.values(figures.byStatus).reduce((a, b) => a + b, 0),
          figures.users,
        );
        // Nobody migrated is ever due a reset, and every user due one is a reset candidate.
        const plan = planLongTailResets(
          ledger.users.map((u, i) => resetCandidateOf(u.sub, summaries[i]!)),
          policy,
          ledger.now,
        );
        const statusOf = new Map(ledger.users.map((u, i) => [u.sub, summaries[i]!.status]));
        for (const reset of [...plan.due, ...plan.skipped]) assert.ok(!isDone(statusOf.get(reset.sub)!));
      }),
      { numRuns: 200 },
    );
  });
});
