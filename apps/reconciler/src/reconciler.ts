import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { ReconcilerConfig } from '#config';
import {
  decideAutomaticAdvance,
  decideOperatorChange,
  planLongTailResets,
  type BridgeTraffic,
  type OperatorCommand,
  type ReconcilerPolicy,
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
  readonly config: ReconcilerConfig;
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
    const skipped: Partial<Record<ResetSkipReason, number>> = {};
    const skip = async (user: TargetedCandidate, attempt: number, reason: ResetSkipReason) => {
      skipped[reason] = (skipped[reason] ?? 0) + 1;
      const row = { sub: user.sub, target: this.targetKey, attempt, reason, targetUserId: user.targetUserId };
      if (await this.journal.intend(row, 'skipped')) {
        await this.publish([
          createEvent(
            'ResetSkipped',
            { sub: user.sub, target: this.target, attempt, reason },
            this.context(now, correlationId),
          ),
        ]);
      }
    };
    for (const s of plan.skipped) await skip(bySub.get(s.sub)!, s.attempt, s.reason);

    const budget = this.deps.policy.resets.sendRatePerHour;
    const spacingMs = 3_600_000 / budget;
    let sent = 0;
    let alreadyClaimed = 0;
    let failed = 0;
    let deferred = 0;
    for (const due of plan.due) {
      if (sent >= budget) {
        deferred++;
        continue;
      }
      const user = bySub.get(due.sub)!;
      if (user.email === null || user.targetUserId === null) {
        await skip(user, due.attempt, 'no-email');
        continue;
      }
      const account = await this.deps.mailer.account(user.targetUserId);
      if (account !== 'enabled') {
        await skip(user, due.attempt, account === 'disabled' ? 'disabled-in-target' : 'deleted-in-target');
        continue;
      }
      const row = {
        sub: due.sub,
        target: this.targetKey,
        attempt: due.attempt,
        reason: due.reason,
        targetUserId: user.targetUserId,
      };
      if (!(await this.journal.intend(row)) && !(await this.journal.reclaimSkipped(row))) {
        alreadyClaimed++;
        continue;
      }
      if (sent > 0) await pace(spacingMs);
      try {
        await this.deps.mailer.send(user.targetUserId, this.lifespanSeconds);
      } catch (error) {
        // The intent stays open: the next pass asks Keycloak whether it left, and sends it if not.
        failed++;
        this.deps.logger.warn(
          { sub: due.sub, attempt: due.attempt, err: (error as Error).message },
          'reset e-mail failed',
        );
        continue;
      }
      sent++;
      options.afterSend?.(due.sub);
      await this.record({ ...row, state: 'intended', intendedAt: now }, now, correlationId);
    }

    const report = await this.criteria(now);
    const decision = decideAutomaticAdvance(report.cutover, report.criteria, this.deps.policy, this.target, now);
    if (decision) await this.publish([createEvent('CutoverPhaseChanged', decision, this.context(now, correlationId))]);
    return {
      ...report,
      recovered,
      due: plan.due.length,
      sent,
      skipped,
      alreadyClaimed,
      deferred,
      failed,
      decision,
    };
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
   * execute-actions e-mail decides. A `sent` one only lacks its fact.
   */
  private async recover(now: Date, correlationId: string) {
    const recovered = { confirmed: 0, resent: 0, recorded: 0 };
    for (const row of await this.journal.unfinished()) {
      if (row.state === 'intended' && row.targetUserId !== null) {
        if (await this.deps.mailer.sentSince(row.targetUserId, row.intendedAt)) {
          recovered.confirmed++;
        } else {
          try {
            await this.deps.mailer.send(row.targetUserId, this.lifespanSeconds);
          } catch (error) {
            // Still not sent: the intent stays open for the next pass.
            this.deps.logger.warn(
              { sub: row.sub, attempt: row.attempt, err: (error as Error).message },
              'reset e-mail failed',
            );
            continue;
          }
          recovered.resent++;
        }
      }
      await this.record(row, now, correlationId);
      recovered.recorded++;
    }
    return recovered;
  }

  private async record(row: ResetAttemptRow, now: Date, correlationId: string): Promise<void> {
    await this.journal.advance(row, 'sent');
    await this.publish([
      createEvent(
        'ResetSent',
        {
          sub: row.sub,
          target: this.target,
          attempt: row.attempt,
          reason: row.reason,
          linkLifetimeSeconds: this.lifespanSeconds,
        },
        this.context(now, correlationId),
      ),
    ]);
    await this.journal.advance(row, 'recorded');
  }

  private publish(events: LedgerEvent[]): Promise<void> {
    return this.deps.publisher.publish(events);
  }

  private context(now: Date, correlationId: string) {
    return { source: RECONCILER_SOURCE, correlationId, time: now };
  }
}
