import type { DueReset, ResetSkipReason } from './long-tail-resets.js';
import type { ReconcilerPolicy } from './reconciler-policy.js';

/*
 * One reconciler pass over the due resets (planLongTailResets says who is due): which of them get
 * an e-mail now, which are skipped and why, which wait for a later pass. A decider in Emmett's
 * shape: the pass so far is the fold of what happened in it (`evolveResetPass`), and for each due
 * reset `decideDueReset` names the next step from what the reconciler has learned about the user
 * so far: the reconciler performs that step (a Keycloak lookup, a journal claim, the e-mail) and
 * asks again, until the reset is settled.
 */

/** The pass so far: its send budget and what happened to each due reset settled in it. */
export interface ResetPassState {
  /** E-mails this pass may send: the policy's hourly rate, a pass running at most once an hour at full rate. */
  readonly budget: number;
  /** Wait between two e-mails of the pass, so that the rate holds within the hour too. */
  readonly spacingMs: number;
  readonly sent: number;
  readonly failed: number;
  /** Due, but beyond the budget: the next pass sends them. */
  readonly deferred: number;
  /** Due, but claimed by an earlier pass whose `ResetSent` the projection does not show yet. */
  readonly alreadyClaimed: number;
  readonly skipped: Readonly<Partial<Record<ResetSkipReason, number>>>;
}

/** What happened to one due reset in the pass. */
export type ResetPassEvent =
  | { readonly type: 'sent' }
  /** Keycloak did not send it; the journal's intent stays open and the next pass asks again. */
  | { readonly type: 'failed' }
  | { readonly type: 'deferred' }
  | { readonly type: 'already-claimed' }
  | { readonly type: 'skipped'; readonly reason: ResetSkipReason };

export function initialResetPass(policy: ReconcilerPolicy): ResetPassState {
  const budget = policy.resets.sendRatePerHour;
  return { budget, spacingMs: 3_600_000 / budget, sent: 0, failed: 0, deferred: 0, alreadyClaimed: 0, skipped: {} };
}

export function evolveResetPass(state: ResetPassState, event: ResetPassEvent): ResetPassState {
  switch (event.type) {
    case 'sent':
      return { ...state, sent: state.sent + 1 };
    case 'failed':
      return { ...state, failed: state.failed + 1 };
    case 'deferred':
      return { ...state, deferred: state.deferred + 1 };
    case 'already-claimed':
      return { ...state, alreadyClaimed: state.alreadyClaimed + 1 };
    case 'skipped':
      return { ...state, skipped: { ...state.skipped, [event.reason]: (state.skipped[event.reason] ?? 0) + 1 } };
  }
}

/** A due reset with what the reconciler has learned about its user so far. */
export interface DueResetFacts {
  readonly due: DueReset;
  /** From the projection: where the e-mail goes and which target account executes the reset. */
  readonly email: string | null;
  readonly targetUserId: string | null;
  /** The target account's state, once asked (the projection does not follow the target's accounts). */
  readonly account?: 'enabled' | 'disabled' | 'deleted';
  /** Whether the send journal let this pass claim the attempt, once asked. */
  readonly claimed?: boolean;
}

export type DueResetDecision =
  /** The pass's budget is spent: left for the next pass, nothing recorded. */
  | { readonly kind: 'defer' }
  /** Never e-mailed; the reconciler records a `ResetSkipped` once per attempt. */
  | { readonly kind: 'skip'; readonly reason: ResetSkipReason }
  | { readonly kind: 'look-up-account' }
  /** Claim the attempt in the send journal (a new intent, or one a skip had closed). */
  | { readonly kind: 'claim' }
  | { readonly kind: 'already-claimed' }
  /** Send the e-mail after waiting `waitMs` (the spacing, from the pass's second e-mail on). */
  | { readonly kind: 'send'; readonly waitMs: number };

/**
 * The budget is looked at first, so that a pass whose budget is spent asks Keycloak nothing more.
 * A user without an e-mail or a target account cannot be sent the e-mail; a target account that
 * is disabled or gone must not be (a reset would enable a login the target refuses). Only then is
 * the attempt claimed, so that a crash between Keycloak's send and the `ResetSent` fact never
 * sends one attempt twice (docs/reconciler.md).
 */
export function decideDueReset(facts: DueResetFacts, pass: ResetPassState): DueResetDecision {
  if (pass.sent >= pass.budget) return { kind: 'defer' };
  if (facts.email === null || facts.targetUserId === null) return { kind: 'skip', reason: 'no-email' };
  if (facts.account === undefined) return { kind: 'look-up-account' };
  if (facts.account !== 'enabled')
    return { kind: 'skip', reason: facts.account === 'disabled' ? 'disabled-in-target' : 'deleted-in-target' };
  if (facts.claimed === undefined) return { kind: 'claim' };
  if (!facts.claimed) return { kind: 'already-claimed' };
  return { kind: 'send', waitMs: pass.sent > 0 ? pass.spacingMs : 0 };
}

/** An attempt the send journal holds open from an earlier pass (a crash, or a failed send). */
export interface OpenAttemptFacts {
  /** Claimed, and the e-mail may or may not have left; false: it left, only the fact may be missing. */
  readonly intended: boolean;
  readonly targetUserId: string | null;
  /** Whether the target's admin events show the e-mail sent since the intent, once asked. */
  readonly sentSince?: boolean;
  /** For an attempt already sent: whether the projection shows its `ResetSent` (it is in the ledger), once asked. */
  readonly projected?: boolean;
}

export type OpenAttemptDecision =
  | { readonly kind: 'ask-target' }
  | { readonly kind: 'ask-projection' }
  /** Record `ResetSent` (and close the attempt); `confirmed`: the target showed it left. */
  | { readonly kind: 'record'; readonly confirmed: boolean }
  /** The fact is in the ledger already: only the journal is closed, nothing is published again. */
  | { readonly kind: 'close' }
  /** The e-mail never left: send it now, then record it. */
  | { readonly kind: 'resend' };

/**
 * Closes what a crash left open: an intended e-mail whose send the target's admin events show is
 * recorded, one they do not show is sent again (its user never got it); one without a target
 * account to ask about only lacks its fact. An attempt already sent may have lost only the
 * journal's last step (a crash or a database outage between the publish and `recorded`): when the
 * projection shows its fact, the journal is closed and the fact not published a second time.
 */
export function decideOpenAttempt(facts: OpenAttemptFacts): OpenAttemptDecision {
  if (!facts.intended) {
    if (facts.projected === undefined) return { kind: 'ask-projection' };
    return facts.projected ? { kind: 'close' } : { kind: 'record', confirmed: false };
  }
  if (facts.targetUserId === null) return { kind: 'record', confirmed: false };
  if (facts.sentSince === undefined) return { kind: 'ask-target' };
  return facts.sentSince ? { kind: 'record', confirmed: true } : { kind: 'resend' };
}
