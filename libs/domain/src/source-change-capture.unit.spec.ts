import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import {
  decideDeletion,
  decideRescan,
  evolveSourceView,
  type SourceUserView,
  type SourceView,
} from './source-change-capture.js';

const given = DeciderSpecification.for({ decide: decideRescan });
const deletion = DeciderSpecification.for({
  decide: (lookup: Parameters<typeof decideDeletion>[1], suspect: Parameters<typeof decideDeletion>[0]) =>
    decideDeletion(suspect, lookup),
});

function viewOf(...facts: Parameters<typeof evolveSourceView>[1][]): SourceView {
  return facts.reduce(evolveSourceView, new Map<string, SourceUserView>());
}
const exported = (sub: string, id: string, username = sub) => ({ type: 'UserExported' as const, id, sub, username });

describe('decideRescan', () => {
  const ledger = viewOf(exported('a', 'a1'), exported('b', 'b1'), exported('c', 'c1'));

  it('records new users and users whose listed state is a fact the ledger does not hold', () => {
    given(ledger)
      .when({
        listed: [
          { sub: 'a', exportId: 'a1' },
          { sub: 'b', exportId: 'b2' },
          { sub: 'c', exportId: 'c1' },
          { sub: 'd', exportId: 'd1' },
        ],
        complete: true,
      })
      .then({ added: ['d'], changed: ['b'], unchanged: 2, suspects: [] });
  });

  it('compares with the last view: a second cycle over the same pool changes nothing', () => {
    const after = viewOf(exported('a', 'a1'), exported('b', 'b1'), exported('b', 'b2'));
    given(after)
      .when({
        listed: [
          { sub: 'a', exportId: 'a1' },
          { sub: 'b', exportId: 'b2' },
        ],
        complete: true,
      })
      .then({ added: [], changed: [], unchanged: 2, suspects: [] });
  });

  it('never writes a fact twice: a return to an exact earlier state is no new fact', () => {
    const after = viewOf(exported('b', 'b1'), exported('b', 'b2'));
    given(after)
      .when({ listed: [{ sub: 'b', exportId: 'b1' }], complete: true })
      .then((decision) => {
        assert.deepEqual(decision.changed, []);
        assert.equal(decision.unchanged, 1);
      });
  });

  it('names a known user the complete listing did not return as a suspect, with what to look it up by', () => {
    given(viewOf(exported('a', 'a1'), exported('b', 'b1', 'Bob')))
      .when({ listed: [{ sub: 'a', exportId: 'a1' }], complete: true })
      .then({ added: [], changed: [], unchanged: 1, suspects: [{ sub: 'b', username: 'Bob', lastExported: 'b1' }] });
  });

  it('suspects nobody when the listing was interrupted', () => {
    given(ledger)
      .when({ listed: [{ sub: 'a', exportId: 'a1' }], complete: false })
      .then({ added: [], changed: [], unchanged: 1, suspects: [] });
  });

  it('does not suspect a user whose deletion is already recorded', () => {
    given(viewOf(exported('a', 'a1'), exported('b', 'b1'), { type: 'UserDeletedInSource', sub: 'b' }))
      .when({ listed: [{ sub: 'a', exportId: 'a1' }], complete: true })
      .then({ added: [], changed: [], unchanged: 1, suspects: [] });
  });
});

describe('decideDeletion', () => {
  const suspect = { sub: 'b', username: 'Bob', lastExported: 'b1' };

  it('records a deletion only when Cognito says there is no such user', () => {
    deletion(suspect).when('not-found').then({ kind: 'record-deletion', suspect });
  });

  it('keeps a user Cognito still has, or could not answer for', () => {
    deletion(suspect).when('found').then({ kind: 'keep', reason: 'still-in-source' });
    deletion(suspect).when('failed').then({ kind: 'keep', reason: 'lookup-failed' });
  });
});
