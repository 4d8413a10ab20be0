import { randomUUID } from 'node:crypto';
import pMap from 'p-map';
import type { UserType } from '@aws-sdk/client-cognito-identity-provider';
import { toUserExported, UnexportableUserError, type CognitoPoolReader, type MeteredCognitoClient } from '#cognito';
import { createEvent, type ExportRunCompletedData, type LedgerEvent, type PoolSettings } from '#events';
import { decideDeletion, decideRescan, type ListedUser } from '#domain';
import type { Ledger, LedgerPublisher, ScanPosition } from '#ledger';
import { exportDigest } from './export-digest.js';
import { ExportLedgerState, type OpenRun } from './export-ledger-state.js';

export const EXPORTER_SOURCE = '/cognito-migration-ledger/exporter';

export interface ExportProgress {
  readonly phase: 'ledger' | 'groups' | 'users';
  readonly done: number;
  readonly total: number | null;
}

export interface ExportOptions {
  /** Run AdminGetUser per user to learn TOTP enrolment (each call makes the user a billable MAU). */
  readonly totpLookup: boolean;
  /**
   * After a complete listing, look up each user the ledger knows and the listing did not return,
   * one AdminGetUser each, and record UserDeletedInSource for those Cognito says are gone (the
   * change-capture cycles of `export --follow`).
   */
  readonly detectDeletions?: boolean;
  readonly onProgress?: (progress: ExportProgress) => void;
}

/** What a rescan found, besides the run's own counts. */
export interface ChangeCapture {
  readonly added: number;
  readonly changed: number;
  readonly unchanged: number;
  /** Known users the listing did not return, each looked up once. */
  readonly suspects: number;
  /** Of them, confirmed gone and recorded (UserDeletedInSource written by this cycle). */
  readonly deleted: number;
  /** Of them, still in the pool or not answered for: nothing recorded. */
  readonly kept: number;
}

export interface ExportSummary extends ExportRunCompletedData {
  /** True when this invocation continued a run left open by an earlier crash. */
  readonly resumed: boolean;
  readonly capture: ChangeCapture;
}

/** Concurrent group listings and AdminGetUser calls; the quota pacing, not this, bounds the rate. */
const CONCURRENCY = 4;

/**
 * Exports a whole pool as one run of facts: ExportRunStarted, one UserExported per user,
 * ExportRunCompleted. Groups are joined in memory from ListGroups + ListUsersInGroup instead of one
 * AdminListGroupsForUser per user. Re-running is safe: a run left open by a crash is continued
 * under the same run id, and users whose identical fact is already in the ledger are not written
 * again, so the ledger never holds a second copy of a fact.
 */
export class PoolExport {
  /** Kept between runs of one process (the cycles of `export --follow`): each scan goes on from the last. */
  private known: { state: ExportLedgerState; position: ScanPosition } | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly reader: CognitoPoolReader,
    private readonly cognito: MeteredCognitoClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async run(options: ExportOptions): Promise<ExportSummary> {
    const began = Date.now();
    const report = options.onProgress ?? (() => undefined);
    await this.ledger.probe();
    // Read the pool first: a wrong pool id or an unreachable endpoint fails before anything is written.
    const pool = await this.reader.describe();
    await this.ledger.ensureTopics();
    const state = await this.readLedger(report);
    const callsBefore = { ...this.cognito.calls };
    const publisher = await this.ledger.publisher();
    try {
      const open = state.openRun();
      const run = open ?? (await this.startRun(publisher, pool, options.totpLookup));
      const memberships = await this.memberships(report);
      const viewBefore = new Map(state.view);
      const tally = await this.exportUsers(publisher, state, run, pool, memberships, options, report);
      // The listing ran to its last page (an interrupted one threw above): only now may absence mean anything.
      const rescan = decideRescan({ listed: tally.listed, complete: true }, viewBefore);
      const deletions = options.detectDeletions
        ? await this.confirmDeletions(publisher, state, run, rescan.suspects)
        : { deleted: 0, kept: 0 };
      const completed = createEvent(
        'ExportRunCompleted',
        {
          runId: run.runId,
          poolId: this.reader.poolId,
          completedAt: this.clock().toISOString(),
          users: tally.ids.length,
          published: tally.published,
          alreadyInLedger: tally.ids.length - tally.published,
          groups: memberships.groups,
          disabled: tally.disabled,
          byStatus: tally.byStatus,
          withAnomalies: tally.withAnomalies,
          rejected: tally.rejected,
          digest: exportDigest(tally.ids),
          apiCalls: callsSince(callsBefore, this.cognito.calls),
          durationMs: Date.now() - began,
        },
        this.context(run),
      );
      await publisher.publish([completed]);
      return {
        ...completed.data,
        // The deletion lookups come after the run's summary: the cycle's whole cost.
        apiCalls: callsSince(callsBefore, this.cognito.calls),
        resumed: open !== undefined,
        capture: {
          added: rescan.added.length,
          changed: rescan.changed.length,
          unchanged: rescan.unchanged,
          suspects: options.detectDeletions ? rescan.suspects.length : 0,
          ...deletions,
        },
      };
    } finally {
      await publisher.close();
    }
  }

  private async readLedger(report: (p: ExportProgress) => void): Promise<ExportLedgerState> {
    const state = this.known?.state ?? new ExportLedgerState(this.reader.poolId);
    let read = 0;
    const position = await this.ledger.scan(
      [this.ledger.topics.controlEvents, this.ledger.topics.userEvents],
      (record) => {
        state.add(record);
        if (++read % 10000 === 0) report({ phase: 'ledger', done: read, total: null });
      },
      this.known?.position,
    );
    this.known = { state, position };
    return state;
  }

  /**
   * Each suspect is looked up on its own (AdminGetUser, paced to the UserRead quota); only
   * `UserNotFoundException` for that user records a deletion, so a listing that missed users
   * deletes nobody.
   */
  private async confirmDeletions(
    publisher: LedgerPublisher,
    state: ExportLedgerState,
    run: OpenRun,
    suspects: ReturnType<typeof decideRescan>['suspects'],
  ): Promise<{ deleted: number; kept: number }> {
    const decisions = await pMap(
      suspects,
      async (suspect) => decideDeletion(suspect, await this.reader.userPresence(suspect.username)),
      { concurrency: CONCURRENCY },
    );
    const events: LedgerEvent[] = [];
    for (const decision of decisions) {
      if (decision.kind !== 'record-deletion') continue;
      const { suspect } = decision;
      events.push(
        createEvent(
          'UserDeletedInSource',
          {
            poolId: this.reader.poolId,
            sub: suspect.sub,
            username: suspect.username,
            lastExported: suspect.lastExported,
          },
          this.context(run),
        ),
      );
    }
    await publisher.publish(events);
    for (const event of events) state.learn(event);
    return { deleted: events.length, kept: decisions.length - events.length };
  }

  private async startRun(publisher: LedgerPublisher, pool: PoolSettings, totpLookup: boolean): Promise<OpenRun> {
    const runId = randomUUID();
    const started = createEvent(
      'ExportRunStarted',
      { runId, poolId: this.reader.poolId, startedAt: this.clock().toISOString(), totpLookup, pool },
      { source: EXPORTER_SOURCE, correlationId: runId, time: this.clock() },
    );
    await publisher.publish([started]);
    return { runId, startedEventId: started.id };
  }

  private async memberships(
    report: (p: ExportProgress) => void,
  ): Promise<{ byUser: Map<string, string[]>; groups: number }> {
    const groups: string[] = [];
    for await (const name of this.reader.groupNames()) groups.push(name);
    const byUser = new Map<string, string[]>();
    let done = 0;
    await pMap(
      groups,
      async (group) => {
        for await (const username of this.reader.usernamesInGroup(group)) {
          const list = byUser.get(username);
          if (list) list.push(group);
          else byUser.set(username, [group]);
        }
        report({ phase: 'groups', done: ++done, total: groups.length });
      },
      { concurrency: CONCURRENCY },
    );
    return { byUser, groups: groups.length };
  }

  private async exportUsers(
    publisher: LedgerPublisher,
    state: ExportLedgerState,
    run: OpenRun,
    pool: PoolSettings,
    memberships: { byUser: Map<string, string[]> },
    options: ExportOptions,
    report: (p: ExportProgress) => void,
  ) {
    const tally = {
      ids: [] as string[],
      published: 0,
      disabled: 0,
      withAnomalies: 0,
      byStatus: {} as Record<string, number>,
      rejected: [] as { username: string; problem: string }[],
      listed: [] as ListedUser[],
    };
    for await (const page of this.reader.userPages()) {
      const fresh: LedgerEvent[] = [];
      const events = await pMap(
        page,
        (user) => this.toEvent(user, run, pool, memberships.byUser, options.totpLookup, tally),
        {
          concurrency: CONCURRENCY,
        },
      );
      for (const event of events) {
        if (!event || event.type !== 'UserExported') continue;
        tally.ids.push(event.id);
        tally.listed.push({ sub: event.subject, exportId: event.id });
        tally.byStatus[event.data.status] = (tally.byStatus[event.data.status] ?? 0) + 1;
        if (!event.data.enabled) tally.disabled++;
        if (event.data.anomalies.length > 0) tally.withAnomalies++;
        if (state.exportedIds.has(event.id)) continue;
        state.exportedIds.add(event.id);
        state.learn(event);
        fresh.push(event);
      }
      await publisher.publish(fresh);
      tally.published += fresh.length;
      report({ phase: 'users', done: tally.ids.length + tally.rejected.length, total: pool.estimatedUsers });
    }
    return tally;
  }

  private async toEvent(
    user: UserType,
    run: OpenRun,
    pool: PoolSettings,
    byUser: Map<string, string[]>,
    totpLookup: boolean,
    tally: { rejected: { username: string; problem: string }[] },
  ): Promise<LedgerEvent | undefined> {
    const username = user.Username ?? '';
    try {
      const totp = totpLookup && username ? await this.reader.totpEnrolment(username) : undefined;
      const data = toUserExported(user, {
        poolId: this.reader.poolId,
        pool,
        groups: byUser.get(username) ?? [],
        ...(totp ? { totp } : {}),
      });
      return createEvent('UserExported', data, this.context(run));
    } catch (error) {
      if (!(error instanceof UnexportableUserError)) throw error;
      tally.rejected.push({ username: error.username, problem: error.problem });
      return undefined;
    }
  }

  private context(run: OpenRun) {
    return { source: EXPORTER_SOURCE, correlationId: run.runId, causationId: run.startedEventId, time: this.clock() };
  }
}

/** Calls made since `before`: the counter is the client's, shared by every cycle of a process. */
function callsSince(before: Readonly<Record<string, number>>, now: Readonly<Record<string, number>>) {
  const out: Record<string, number> = {};
  for (const [operation, count] of Object.entries(now)) {
    const made = count - (before[operation] ?? 0);
    if (made > 0) out[operation] = made;
  }
  return out;
}
