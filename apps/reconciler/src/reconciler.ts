import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { ReconcilerConfig, ResetMailConfig } from '#config';
import {
  decideAutomaticAdvance,
  decideDueReset,
  decideOpenAttempt,
  decideOperatorChange,
  evolveResetPass,
  initialResetPass,
  planLongTailResets,
  type BridgeTraffic,
  type DueResetFacts,
  type OpenAttemptFacts,
  type OperatorCommand,
  type ReconcilerPolicy,
  type DueReset,
  type ResetPassState,
  type ResetSkipReason,
} from '#domain';
import { createEvent, type CutoverPhaseChangedData, type LedgerEvent } from '#events';
import type { Ledger, LedgerPublisher } from '#ledger';
import { ResetJournal, type ResetAttemptRow, type TargetedCandidate } from '#projections';
import { MigrationStatusReader, type CriteriaReport } from './migration-status-reader.js';
import type { ResetMailer } from './reset-mailer.js';

export const RECONCILER_SOURCE = '/cognito-migration-ledger/reconciler';

export interface ReconcilerDeps {
  readonly ledger: Ledger;
  readonly publisher: LedgerPublisher;
  readonly db: DataSource;
  readonly mailer: ResetMailer;
  readonly config: ReconcilerConfig & { readonly smtp: ResetMailConfig };
  readonly policy: ReconcilerPolicy;
  readonly realm: string;
  readonly logger: Logger;
  /** Where bridge traffic comes from; by default what the ledger shows (see ProjectionReader). */
  readonly bridgeTraffic?: (policy: ReconcilerPolicy, now: Date) => Promise<BridgeTraffic>;
}

export interface PassOptions {
  /** The reconciler's clock: decides who is due and stamps the facts; a demo compresses it. */
  readonly now: Date;
  /** Waits between two e-mails (3600 s / sendRatePerHour); a compressed clock passes a shorter wait. */
  readonly pace?: (ms: number) => Promise<void>;
  /** Called once Keycloak has accepted an e-mail, before anything is recorded: a test's crash point. */
  readonly afterSend?: (sub: string) => void;
}

export interface PassReport extends CriteriaReport {
  /** Attempts a crash had left open, and how each was closed. */
  readonly recovered: { readonly confirmed: number; readonly resent: number; readonly recorded: number };
  readonly due: number;
  readonly sent: number;
  readonly skipped: Readonly<Partial<Record<ResetSkipReason, number>>>;
  /** Due, but claimed by an earlier pass whose `ResetSent` the projection does not show yet. */
  readonly alreadyClaimed: number;
  /** Due, but beyond this pass's send budget (the policy's hourly rate). */
  readonly deferred: number;
  readonly failed: number;
  readonly decision: CutoverPhaseChangedData | null;
}

/** What the steps of one pass share. */
interface PassRun {
  readonly now: Date;
  readonly correlationId: string;
  readonly pace: (ms: number) => Promise<void>;
  readonly afterSend: ((sub: string) => void) | undefined;
}

/**
 * Turns the policy into actions: long-tail resets, then the cutover decision. Each reset goes
 * through the send journal (ResetJournal) so that one attempt is e-mailed at most once, even when
 * the process dies between Keycloak's send and the `ResetSent` fact (docs/reconciler.md).
 */
export class Reconciler {
  readonly status: MigrationStatusReader;
  private readonly journal: ResetJournal;
  private readonly target: { kind: 'keycloak'; realm: string };
  private started: Promise<void> | undefined;

  constructor(private readonly deps: ReconcilerDeps) {
    this.status = new MigrationStatusReader(deps);
    this.journal = new ResetJournal(deps.db, deps.config.schema);
    this.target = this.status.target;
  }

  private get targetKey(): string {
    return `${this.target.kind}/${this.target.realm}`;
  }

  private get lifespanSeconds(): number {
    return this.deps.policy.resets.linkLifetimeHours * 3600;
  }

  /**
   * The reconciler's start, on its first pass and never before: the send journal's table, and the
   * realm's SMTP and admin events (ResetMailer.prepareRealm). Reading the status or recording an
   * operator's decision changes neither.
   */
  private start(): Promise<void> {
    this.started ??= (async () => {
      await this.journal.ensure();
      await this.deps.mailer.prepareRealm(this.deps.config.smtp);
    })().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return this.started;
  }

  /** One pass: close what a crash left open, send the due resets at the policy's rate, decide the phase. */
  async pass(options: PassOptions): Promise<PassReport> {
    await this.start();
    const { now } = options;
    const pace = options.pace ?? ((ms: number) => sleep(ms).then(() => undefined));
    const correlationId = randomUUID();
    const recovered = await this.recover(now, correlationId);

    const candidates = await this.status.projection.resetCandidates(this.deps.policy, now);
    const bySub = new Map(candidates.filter((c) => c.target === this.targetKey).map((c) => [c.sub, c]));
    const plan = planLongTailResets(bySub.values(), this.deps.policy, now);
    const run = { now, correlationId, pace, afterSend: options.afterSend };
    let tally = initialResetPass(this.deps.policy);
    for (const s of plan.skipped) {
      await this.recordSkip(bySub.get(s.sub)!, s.attempt, s.reason, run);
      tally = evolveResetPass(tally, { type: 'skipped', reason: s.reason });
    }
    for (const due of plan.due)
      tally = evolveResetPass(tally, await this.settleDue(due, bySub.get(due.sub)!, tally, run));

    const report = await this.criteria(now);
    const decision = decideAutomaticAdvance(report.cutover, report.criteria, this.deps.policy, this.target, now);
    if (decision) await this.publish([createEvent('CutoverPhaseChanged', decision, this.context(now, correlationId))]);
    return {
      ...report,
      recovered,
      due: plan.due.length,
      sent: tally.sent,
      skipped: tally.skipped,
      alreadyClaimed: tally.alreadyClaimed,
      deferred: tally.deferred,
      failed: tally.failed,
      decision,
    };
  }

  /**
   * One due reset, step by step as decideDueReset says: the account is looked up, the attempt
   * claimed in the send journal, the e-mail sent and recorded; returns what happened to it.
   */
  private async settleDue(due: DueReset, user: TargetedCandidate, pass: ResetPassState, run: PassRun) {
    const row = { sub: due.sub, target: this.targetKey, attempt: due.attempt, reason: due.reason };
    let facts: DueResetFacts = { due, email: user.email, targetUserId: user.targetUserId };
    for (;;) {
      const decision = decideDueReset(facts, pass);
      switch (decision.kind) {
        case 'defer':
          return { type: 'deferred' } as const;
        case 'skip':
          await this.recordSkip(user, due.attempt, decision.reason, run);
          return { type: 'skipped', reason: decision.reason } as const;
        case 'look-up-account':
          facts = { ...facts, account: await this.deps.mailer.account(user.targetUserId!) };
          continue;
        case 'claim': {
          const claim = { ...row, targetUserId: user.targetUserId };
          facts = {
            ...facts,
            claimed: (await this.journal.intend(claim)) || (await this.journal.reclaimSkipped(claim)),
          };
          continue;
        }
        case 'already-claimed':
          return { type: 'already-claimed' } as const;
        case 'send':
          if (decision.waitMs > 0) await run.pace(decision.waitMs);
          try {
            await this.deps.mailer.send(user.targetUserId!, this.lifespanSeconds);
          } catch (error) {
            // The intent stays open: the next pass asks Keycloak whether it left, and sends it if not.
            this.deps.logger.warn(
              { sub: due.sub, attempt: due.attempt, err: (error as Error).message },
              'reset e-mail failed',
            );
            return { type: 'failed' } as const;
          }
          run.afterSend?.(due.sub);
          await this.record(
            { ...row, targetUserId: user.targetUserId, state: 'intended', intendedAt: run.now },
            run.now,
            run.correlationId,
          );
          return { type: 'sent' } as const;
      }
    }
  }

  /** A reset that must not be e-mailed: `ResetSkipped` is recorded once per attempt (the journal says whether it was). */
  private async recordSkip(user: TargetedCandidate, attempt: number, reason: ResetSkipReason, run: PassRun) {
    const row = { sub: user.sub, target: this.targetKey, attempt, reason, targetUserId: user.targetUserId };
    if (await this.journal.intend(row, 'skipped')) {
      await this.publish([
        createEvent(
          'ResetSkipped',
          { sub: user.sub, target: this.target, attempt, reason },
          this.context(run.now, run.correlationId),
        ),
      ]);
    }
  }

  /** The criteria with values and thresholds, the phase, what blocks the next one, the projected done date. */
  criteria(now: Date): Promise<CriteriaReport> {
    return this.status.criteria(now);
  }

  /** An operator's advance or rollback, recorded with the criteria as they stand; CutoverRefusedError when not allowed. */
  async operatorChange(command: OperatorCommand, now: Date): Promise<CutoverPhaseChangedData> {
    const report = await this.criteria(now);
    const decision = decideOperatorChange(report.cutover, command, report.criteria, this.target, now);
    await this.publish([createEvent('CutoverPhaseChanged', decision, this.context(now, randomUUID()))]);
    return decision;
  }

  async journalCounts() {
    return this.journal.counts();
  }

  /**
   * An `intended` attempt may or may not have left: Keycloak's admin event for the user's
   * execute-actions e-mail decides. A `sent` one lacks at most its fact: the projection says whether
   * the ledger holds it already.
   */
  private async recover(now: Date, correlationId: string) {
    const recovered = { confirmed: 0, resent: 0, recorded: 0 };
    for (const row of await this.journal.unfinished()) {
      let facts: OpenAttemptFacts = { intended: row.state === 'intended', targetUserId: row.targetUserId };
      let decision = decideOpenAttempt(facts);
      if (decision.kind === 'ask-target') {
        facts = { ...facts, sentSince: await this.deps.mailer.sentSince(row.targetUserId!, row.intendedAt) };
        decision = decideOpenAttempt(facts);
      }
      if (decision.kind === 'ask-projection') {
        const fact = this.resetSent(row, now, correlationId);
        facts = { ...facts, projected: await this.status.projection.holdsFact(row.sub, fact.id) };
        decision = decideOpenAttempt(facts);
      }
      if (decision.kind === 'close') {
        await this.journal.advance(row, 'recorded');
        recovered.recorded++;
        continue;
      }
      if (decision.kind === 'resend') {
        try {
          await this.deps.mailer.send(row.targetUserId!, this.lifespanSeconds);
        } catch (error) {
          // Still not sent: the intent stays open for the next pass.
          this.deps.logger.warn(
            { sub: row.sub, attempt: row.attempt, err: (error as Error).message },
            'reset e-mail failed',
          );
          continue;
        }
        recovered.resent++;
      } else if (decision.kind === 'record' && decision.confirmed) recovered.confirmed++;
      await this.record(row, now, correlationId);
      recovered.recorded++;
    }
    return recovered;
  }

  private async record(row: ResetAttemptRow, now: Date, correlationId: string): Promise<void> {
    await this.journal.advance(row, 'sent');
    await this.publish([this.resetSent(row, now, correlationId)]);
    await this.journal.advance(row, 'recorded');
  }

  /** The attempt's `ResetSent`; its id is derived from (user, target, attempt), whichever pass builds it. */
  private resetSent(row: ResetAttemptRow, now: Date, correlationId: string) {
    return createEvent(
      'ResetSent',
      {
        sub: row.sub,
        target: this.target,
        attempt: row.attempt,
        reason: row.reason,
        linkLifetimeSeconds: this.lifespanSeconds,
      },
      this.context(now, correlationId),
    );
  }

  private publish(events: LedgerEvent[]): Promise<void> {
    return this.deps.publisher.publish(events);
  }

  private context(now: Date, correlationId: string) {
    return { source: RECONCILER_SOURCE, correlationId, time: now };
  }
}
