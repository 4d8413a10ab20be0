import { describe, it } from '@jest/globals';
import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import { decideTargetSync, type SyncedProfile, type SyncPolicy } from './target-sync.js';

const given = DeciderSpecification.for({ decide: decideTargetSync });

const imported: SyncedProfile = {
  email: 'zoe@example.com',
  emailVerified: true,
  firstName: 'Zoe',
  lastName: 'Adams',
  enabled: true,
  attributes: { phoneNumber: ['+15550100'], plan: ['gold'] },
  groups: ['admins', 'staff'],
};
const parallel: SyncPolicy = { phase: 'parallel-run', deletion: 'disable' };
const targetWrites: SyncPolicy = { phase: 'target-writes', deletion: 'disable' };

describe('decideTargetSync before target-writes: Cognito wins', () => {
  it('brings each changed field to Cognito’s value: e-mail and its flag, names, enabled, attributes, groups', () => {
    const desired: SyncedProfile = {
      email: 'zoe.new@example.com',
      emailVerified: false,
      firstName: 'Zoé',
      lastName: 'Adams',
      enabled: false,
      attributes: { phoneNumber: ['+15550199'] },
      groups: ['staff', 'editors'],
    };
    given({ held: imported, policy: parallel })
      .when({ kind: 'source-change', previous: imported, desired })
      .then({
        kind: 'apply',
        changes: {
          fields: [
            'attributes.phoneNumber',
            'attributes.plan',
            'email',
            'emailVerified',
            'enabled',
            'firstName',
            'groups',
          ],
          values: {
            email: 'zoe.new@example.com',
            emailVerified: false,
            firstName: 'Zoé',
            enabled: false,
            attributes: { phoneNumber: ['+15550199'], plan: [] },
          },
          groupsJoined: ['editors'],
          groupsLeft: ['admins'],
        },
      });
  });

  it('records nothing when the target already holds Cognito’s state (a second cycle; lists as sets)', () => {
    given({ held: imported, policy: parallel })
      .when({ kind: 'source-change', previous: null, desired: { ...imported, groups: ['staff', 'admins'] } })
      .then({ kind: 'unchanged' });
  });

  it('heals a target that drifted even when Cognito did not change that field', () => {
    given({ held: { ...imported, firstName: 'Z' }, policy: parallel })
      .when({ kind: 'source-change', previous: imported, desired: imported })
      .then((decision) => {
        if (decision.kind !== 'apply') throw new Error(`expected apply, got ${decision.kind}`);
        if (decision.changes.fields.join() !== 'firstName') throw new Error(decision.changes.fields.join());
      });
  });

  it('disables a user deleted in Cognito under the `disable` policy, and deletes under `delete`', () => {
    given({ held: imported, policy: parallel })
      .when({ kind: 'source-deletion' })
      .then({
        kind: 'apply',
        changes: { fields: ['enabled'], values: { enabled: false }, groupsJoined: [], groupsLeft: [] },
      });
    given({ held: imported, policy: { ...parallel, deletion: 'delete' } })
      .when({ kind: 'source-deletion' })
      .then({
        kind: 'apply',
        changes: { fields: ['deleted'], values: { deleted: true }, groupsJoined: [], groupsLeft: [] },
      });
  });

  it('has nothing to do for a deletion when the account is already disabled', () => {
    given({ held: { ...imported, enabled: false }, policy: parallel })
      .when({ kind: 'source-deletion' })
      .then({ kind: 'unchanged' });
  });
});

describe('decideTargetSync from target-writes on: the target wins', () => {
  it('rejects a Cognito change and names the fields Cognito changed', () => {
    given({ held: imported, policy: targetWrites })
      .when({ kind: 'source-change', previous: imported, desired: { ...imported, email: 'other@example.com' } })
      .then({ kind: 'reject', fields: ['email'], phase: 'target-writes' });
  });

  it('does not call a value the user changed in the target a conflict when Cognito did not change it', () => {
    given({ held: { ...imported, email: 'mine@example.com' }, policy: { ...targetWrites, phase: 'cognito-read-only' } })
      .when({ kind: 'source-change', previous: imported, desired: { ...imported, lastName: 'Brown' } })
      .then({ kind: 'reject', fields: ['lastName'], phase: 'cognito-read-only' });
  });

  it('records nothing when Cognito changed a field to what the target already holds', () => {
    given({ held: { ...imported, lastName: 'Brown' }, policy: targetWrites })
      .when({ kind: 'source-change', previous: imported, desired: { ...imported, lastName: 'Brown' } })
      .then({ kind: 'unchanged' });
  });

  it('rejects a deletion in Cognito: the target keeps the account', () => {
    given({ held: imported, policy: targetWrites })
      .when({ kind: 'source-deletion' })
      .then({ kind: 'reject', fields: ['deleted'], phase: 'target-writes' });
  });
});
