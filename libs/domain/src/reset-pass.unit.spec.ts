import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import { parseReconcilerPolicy } from './reconciler-policy.js';
import {
  decideDueReset,
  decideOpenAttempt,
  evolveResetPass,
  initialResetPass,
  type DueResetFacts,
  type OpenAttemptFacts,
  type ResetPassEvent,
} from './reset-pass.js';

/** Two e-mails an hour: the budget runs out after two sends, 30 minutes apart. */
const policy = parseReconcilerPolicy({ resets: { sendRatePerHour: 2 } }, 'test');
const given = DeciderSpecification.for({
  decide: decideDueReset,
  evolve: evolveResetPass,
  initialState: () => initialResetPass(policy),
});

const due = { sub: 'u1', attempt: 1, reason: 'no login 45 days after import' };
const facts = (overrides: Partial<DueResetFacts> = {}): DueResetFacts => ({
  due,
  email: 'zoe@example.com',
  targetUserId: 'kc-1',
  ...overrides,
});
const sent: ResetPassEvent = { type: 'sent' };

describe('reset pass: one due reset, step by step (decideDueReset)', () => {
  it('given a fresh pass, when a user with an e-mail is due, then the target account is looked up first', () => {
    given().when(facts()).then({ kind: 'look-up-account' });
  });

  it('given a fresh pass, when the user has no e-mail, then it is skipped (no-email) without asking the target', () => {
    given()
      .when(facts({ email: null }))
      .then({ kind: 'skip', reason: 'no-email' });
  });

  it('given a fresh pass, when the user is not in the target, then it is skipped (no-email)', () => {
    given()
      .when(facts({ targetUserId: null }))
      .then({ kind: 'skip', reason: 'no-email' });
  });

  it('given a fresh pass, when the target account is disabled, then it is skipped (disabled-in-target)', () => {
    given()
      .when(facts({ account: 'disabled' }))
      .then({ kind: 'skip', reason: 'disabled-in-target' });
  });

  it('given a fresh pass, when the target account is gone, then it is skipped (deleted-in-target)', () => {
    given()
      .when(facts({ account: 'deleted' }))
      .then({ kind: 'skip', reason: 'deleted-in-target' });
  });

  it('given a fresh pass, when the account is enabled, then the attempt is claimed in the journal', () => {
    given()
      .when(facts({ account: 'enabled' }))
      .then({ kind: 'claim' });
  });

  it('given a fresh pass, when an earlier pass holds the claim, then it is already claimed', () => {
    given()
      .when(facts({ account: 'enabled', claimed: false }))
      .then({ kind: 'already-claimed' });
  });

  it('given a fresh pass, when claimed, then the first e-mail goes at once', () => {
    given()
      .when(facts({ account: 'enabled', claimed: true }))
      .then({ kind: 'send', waitMs: 0 });
  });

  it('given one e-mail sent, when the next is claimed, then it waits the spacing (an hour over the rate)', () => {
    given(sent)
      .when(facts({ account: 'enabled', claimed: true }))
      .then({ kind: 'send', waitMs: 1_800_000 });
  });

  it('given failures, skips and claims by others, then they spend no budget', () => {
    given(
      { type: 'failed' },
      { type: 'failed' },
      { type: 'skipped', reason: 'no-email' },
      { type: 'already-claimed' },
      { type: 'deferred' },
    )
      .when(facts({ account: 'enabled', claimed: true }))
      .then({ kind: 'send', waitMs: 0 });
  });

  it('given the budget sent, when another user is due, then it is deferred before anything is asked, even without e-mail', () => {
    given(sent, sent).when(facts()).then({ kind: 'defer' });
    given(sent, sent)
      .when(facts({ email: null }))
      .then({ kind: 'defer' });
  });
});

describe('reset pass: what the pass reports (evolveResetPass)', () => {
  it('given every kind of outcome, then each is counted, skips by reason', () => {
    const events: ResetPassEvent[] = [
      sent,
      { type: 'failed' },
      { type: 'deferred' },
      { type: 'deferred' },
      { type: 'already-claimed' },
      { type: 'skipped', reason: 'disabled-in-cognito' },
      { type: 'skipped', reason: 'disabled-in-target' },
      { type: 'skipped', reason: 'disabled-in-target' },
    ];
    assert.deepEqual(events.reduce(evolveResetPass, initialResetPass(policy)), {
      budget: 2,
      spacingMs: 1_800_000,
      sent: 1,
      failed: 1,
      deferred: 2,
      alreadyClaimed: 1,
      skipped: { 'disabled-in-cognito': 1, 'disabled-in-target': 2 },
    });
  });
});

describe('reset pass: attempts a crash left open (decideOpenAttempt)', () => {
  const open = DeciderSpecification.for({
    decide: (_: 'recover', attempt: OpenAttemptFacts) => decideOpenAttempt(attempt),
  });
  it('given an attempt already sent, then the projection is asked whether its fact is in the ledger', () => {
    open({ intended: false, targetUserId: 'kc-1' }).when('recover').then({ kind: 'ask-projection' });
  });
  it('given an attempt already sent whose fact the projection does not show, then only its fact is recorded', () => {
    open({ intended: false, targetUserId: 'kc-1', projected: false })
      .when('recover')
      .then({ kind: 'record', confirmed: false });
  });
  it('given an attempt already sent whose fact the projection shows, then only the journal is closed', () => {
    open({ intended: false, targetUserId: 'kc-1', projected: true }).when('recover').then({ kind: 'close' });
  });
  it('given an intended attempt without a target account, then only its fact is recorded', () => {
    open({ intended: true, targetUserId: null }).when('recover').then({ kind: 'record', confirmed: false });
  });
  it('given an intended attempt, then the target is asked whether the e-mail left', () => {
    open({ intended: true, targetUserId: 'kc-1' }).when('recover').then({ kind: 'ask-target' });
  });
  it('given an intended attempt the target shows sent, then it is recorded as confirmed', () => {
    open({ intended: true, targetUserId: 'kc-1', sentSince: true })
      .when('recover')
      .then({ kind: 'record', confirmed: true });
  });
  it('given an intended attempt the target does not show, then it is sent again', () => {
    open({ intended: true, targetUserId: 'kc-1', sentSince: false }).when('recover').then({ kind: 'resend' });
  });
  it('given an intended attempt without a target account, then there is nobody to ask: it is recorded', () => {
    open({ intended: true, targetUserId: null }).when('recover').then({ kind: 'record', confirmed: false });
  });
});
