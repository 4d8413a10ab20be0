import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { createEvent } from '#events';
import { WatchList } from './watch-list.js';

const sub = '1b1e0b6a-0000-4000-8000-000000000001';
const target = { kind: 'keycloak' as const, realm: 'migration' };
const context = { source: '/test', correlationId: 'run-1', time: new Date('2026-01-02T00:00:00Z') };
const outcome = {
  sub,
  target,
  targetUserId: 'kc-1',
  outcome: 'created' as const,
  matchedBy: null,
  needsPasswordMigration: true,
  loginName: 'zoe',
  treatment: 'password-via-bridge',
  adjustments: [],
};
const imported = createEvent('UserImported', { ...outcome, requiredActions: [] }, context);
const revised = (revision: number, requiredActions: string[]) =>
  createEvent(
    'UserImportRevised',
    {
      ...outcome,
      requiredActions,
      revision,
      requiredActionsAdded: requiredActions,
      requiredActionsRemoved: [],
      changed: ['requiredActions'],
    },
    context,
  );

describe('watch list: revised imports', () => {
  it('a revision that adds CONFIGURE_TOTP makes the user watched for TOTP re-enrolment', () => {
    const list = new WatchList('migration', {});
    list.add(imported);
    assert.equal(list.byTargetUserId('kc-1')?.flaggedForMfa, false);
    list.add(revised(1, ['CONFIGURE_TOTP']));
    const user = list.byTargetUserId('kc-1');
    assert.equal(user?.flaggedForMfa, true);
    assert.equal(user?.importEventId, revised(1, ['CONFIGURE_TOTP']).id);
    assert.deepEqual(
      list.pending().map((u) => u.sub),
      [sub],
    );
  });

  it('an older revision read after a newer one changes nothing', () => {
    const list = new WatchList('migration', {});
    list.add(revised(2, []));
    list.add(revised(1, ['CONFIGURE_TOTP']));
    list.add(imported);
    assert.equal(list.byTargetUserId('kc-1')?.flaggedForMfa, false);
  });
});
