import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pMap from 'p-map';
import type { Logger } from 'pino';
import {
  createEvent,
  jitPasswordMigrated,
  type EventContext,
  type LedgerEvent,
  type UserRegisteredInTargetData,
} from '#events';
import {
  type AdminEventLog,
  type FederatedLink,
  type KeycloakRealm,
  type UserDirectory,
  type UserCreatedAdminEvent,
  type UserEvent,
  type UserEventLog,
} from '#keycloak';
import type { Ledger, LedgerPublisher } from '#ledger';
import { advance, readFrom, unseen, type EventCursor, type StoredEvent } from './event-cursor.js';
import type { CursorLease, EventCursorStore } from './event-cursor-store.js';
import { unlessDeleted } from './unless-deleted.js';
import { LedgerTargetComparison } from './ledger-target-comparison.js';
import { LedgerWatchList } from './read-watch-list.js';
import { decideTargetFacts, type TargetFact } from './target-facts.js';
import {
  credentialEventTypes,
  evidenceOf,
  followedEventTypes,
  observationOfStored,
  type StoredCredential,
  type TargetObservation,
} from './target-observation.js';
import { federationPending, mfaPending, passwordReconcilable, type WatchList, type WatchedUser } from './watch-list.js';

export const WATCHER_SOURCE = '/cognito-migration-ledger/watcher';

/** Keycloak's event for a user who signed up on its registration page. */
const registrationEventType = 'REGISTER';
const bornTypes: ReadonlySet<string> = new Set(['UserRegisteredInTarget']);

export interface WatchSettings {
  /** Cognito identity-provider name -> the target's alias (the importer's mapping). */
  readonly providerAliases: Readonly<Record<string, string>>;
  readonly pageSize: number;
  readonly overlapMs: number;
  readonly reconcileConcurrency: number;
  /** Import treatments that disable the user in the target whatever Cognito said (the importer's mapping). */
  readonly disablingTreatments: ReadonlySet<string>;
}

export interface WatchOptions {
  /** Keep polling until the signal aborts; otherwise stop once the event store is read to its end. */
  readonly follow: boolean;
  /** Run reconciliation passes: one after the events when not following; at start and every interval when following. */
  readonly reconcile: boolean;
  readonly pollIntervalMs: number;
  readonly reconcileIntervalMs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (report: WatchReport) => void;
}

export interface WatchReport {
  readonly realm: string;
  /** Events applied by this run; events re-read within the overlap are not counted. */
  eventsRead: number;
  /** Admin events (user creations) applied by this run, counted the same way. */
  adminEventsRead: number;
  /** UserRegisteredInTarget recorded by this run (registered on the target's pages or created by an administrator). */
  bornInTarget: number;
  /** Users the ledger holds as imported into the realm (at the last fold). */
  usersWatched: number;
  reconciliationPasses: number;
  /** Users whose credentials or links the reconciliation passes read. */
  usersReconciled: number;
  emitted: { MfaReenrolled: number; FederationRebound: number; PasswordMigrated: number };
  /** Of the emitted facts: proved by an event, or found only by reconciliation. */
  fromEvents: number;
  fromReconciliation: number;
  /** The ledger-vs-target comparison of each reconciliation pass: users compared, disagreements recorded and resolved. */
  usersCompared: number;
  disagreementsFound: number;
  disagreementsResolved: number;
  /** Disagreements open in the ledger after the last pass; null before any pass. */
  openDisagreements: number | null;
  durationMs: number;
}

/**
 * The watcher: learns from the target realm what users did there that no service of ours saw
 * (enrolled TOTP again, signed in through an identity provider and got linked, chose a new
 * password) and records it in the ledger, once.
 *
 * Two paths reach the same facts. The poll follows the realm's saved user events with a durable
 * cursor (EventCursorStore); the reconciliation pass reads the pending users' credentials and
 * links directly, for whatever the event store no longer has or never saved (retention, events
 * switched off, watcher down). Both decide with `decideTargetFacts`, and facts have deterministic
 * ids, so a fact seen by both is published once (the ledger's ids are folded before each page).
 */
export class TargetWatch {
  private readonly runId = randomUUID();
  private ledgerWatchList: LedgerWatchList | undefined;
  /** The credential event types this server knows (asking for others is an HTTP 500). */
  private credentialTypes: readonly string[] = [];
  /** Target ids of users the ledger records as born in the target (read once, then kept). */
  private bornRecorded: Set<string> | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly realm: KeycloakRealm,
    private readonly users: UserDirectory,
    private readonly events: UserEventLog,
    private readonly adminEvents: AdminEventLog,
    private readonly cursors: EventCursorStore,
    private readonly settings: WatchSettings,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async run(options: WatchOptions): Promise<WatchReport> {
    const began = Date.now();
    const report: WatchReport = {
      realm: this.realm.name,
      eventsRead: 0,
      adminEventsRead: 0,
      bornInTarget: 0,
      usersWatched: 0,
      reconciliationPasses: 0,
      usersReconciled: 0,
      emitted: { MfaReenrolled: 0, FederationRebound: 0, PasswordMigrated: 0 },
      fromEvents: 0,
      fromReconciliation: 0,
      usersCompared: 0,
      disagreementsFound: 0,
      disagreementsResolved: 0,
      openDisagreements: null,
      durationMs: 0,
    };
    // Only `export` creates the ledger's topics: a wrong prefix or an unreachable broker is refused here.
    await this.ledger.requireTopics();
    await this.realm.probe();
    const known = await this.events.knownTypes();
    const types = followedEventTypes.filter((t) => known.has(t));
    this.credentialTypes = credentialEventTypes.filter((t) => known.has(t));
    const source = `${this.realm.config.url}/realms/${this.realm.name}`;
    const lease = await this.cursors.lease(source);
    // Users created by an administrator are saved as admin events only, which are off by default.
    // Switched on here, by their reader, and not by the importer's realm bootstrap: an admin event
    // per imported user costs partialImport about a quarter of its throughput (docs/benchmarks.md).
    let adminLease: CursorLease | undefined;
    let publisher: LedgerPublisher | undefined;
    try {
      adminLease = await this.cursors.lease(`${source}/admin-events`);
      if (await this.adminEvents.ensureEnabled())
        this.logger.warn(
          { realm: this.realm.name },
          'admin events switched on: users an administrator creates from now on are recorded',
        );
      publisher = await this.ledger.publisher();
      let nextReconciliation = options.follow ? 0 : Number.POSITIVE_INFINITY;
      for (;;) {
        await this.readEvents(lease, types, publisher, report, options.signal);
        await this.readAdminEvents(adminLease, publisher, report, options.signal);
        if (options.reconcile && (!options.follow || Date.now() >= nextReconciliation)) {
          await this.reconcile(publisher, report);
          nextReconciliation = Date.now() + options.reconcileIntervalMs;
        }
        report.durationMs = Date.now() - began;
        options.onProgress?.({ ...report });
        if (!options.follow || options.signal?.aborted) break;
        try {
          await sleep(options.pollIntervalMs, undefined, { signal: options.signal });
        } catch {
          break; // aborted while waiting
        }
      }
    } finally {
      await publisher?.close().catch(() => undefined);
      await adminLease?.release().catch(() => undefined);
      await lease.release().catch(() => undefined);
    }
    report.durationMs = Date.now() - began;
    return report;
  }

  /** Reads the event store from the cursor to its end, page by page; the cursor moves after each page's facts are published. */
  private async readEvents(
    lease: CursorLease,
    types: readonly string[],
    publisher: LedgerPublisher,
    report: WatchReport,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let watchList: WatchList | undefined;
    await readPages(
      lease,
      (since, max) => this.events.page({ types, since, max }),
      async (fresh: UserEvent[]) => {
        // Folded after the page was read, so the ledger is at least as new as the events applied.
        watchList ??= await this.watchList(report);
        await this.apply(watchList, fresh, publisher, report);
        report.eventsRead += fresh.length;
      },
      { pageSize: this.settings.pageSize, overlapMs: this.settings.overlapMs, signal },
    );
  }

  /**
   * Reads the users created by an administrator since the admin cursor, with the same discipline
   * as the user events (overlap, ids read, publish before the cursor moves, larger page on a burst).
   */
  private async readAdminEvents(
    lease: CursorLease,
    publisher: LedgerPublisher,
    report: WatchReport,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    await readPages(
      lease,
      (since, max) => this.adminEvents.usersCreated({ since, max }),
      async (fresh: UserCreatedAdminEvent[]) => {
        const found: LedgerEvent[] = [];
        for (const created of fresh) {
          found.push(...(await this.bornInTarget(created.userId, created.time, 'admin')));
        }
        await publisher.publish(found);
        report.adminEventsRead += fresh.length;
        report.bornInTarget += found.length;
        this.count(found, report, 'fromEvents');
      },
      { pageSize: this.settings.pageSize, overlapMs: this.settings.overlapMs, signal },
    );
  }

  private async apply(
    watchList: WatchList,
    events: readonly UserEvent[],
    publisher: LedgerPublisher,
    report: WatchReport,
  ): Promise<void> {
    const byUser = new Map<string, UserEvent[]>();
    for (const event of events) {
      if (event.userId === null) continue;
      byUser.set(event.userId, [...(byUser.get(event.userId) ?? []), event]);
    }
    const found: LedgerEvent[] = [];
    for (const [userId, userEvents] of byUser) {
      const user = watchList.byTargetUserId(userId);
      if (!user) {
        // Not a user the migration imported: one that registered in the target is recorded as born there.
        const registered = userEvents.find((e) => e.type === registrationEventType);
        if (registered) found.push(...(await this.bornInTarget(userId, registered.time, 'self-registration')));
        continue;
      }
      const evidence = evidenceOf(userEvents);
      const links = evidence.linkedAt && federationPending(user) ? await this.links(userId) : null;
      const seen: TargetObservation = {
        otpConfiguredAt: evidence.otpConfiguredAt,
        passwordChosenAt: evidence.passwordChosenAt,
        passwordStoredAt: null,
        links,
        linksSeenAt: evidence.linkedAt ?? this.clock(),
      };
      found.push(...this.newFacts(watchList, user, decideTargetFacts(user, this.realm.name, seen)));
    }
    await publisher.publish(found);
    report.bornInTarget += found.filter((e) => e.type === 'UserRegisteredInTarget').length;
    this.count(found, report, 'fromEvents');
  }

  /**
   * A user that registered on the target's pages, or that an administrator created there, and
   * carries no Cognito bookkeeping (`cognito_sub`: the importer sets it on every user it creates)
   * exists only in the target: recorded once (UserRegisteredInTarget), so the projections count
   * them and the rollback report lists them. A user deleted since is not recorded. The username
   * and e-mail are read from the user itself, never from the event.
   */
  private async bornInTarget(
    userId: string,
    at: number,
    via: UserRegisteredInTargetData['via'],
  ): Promise<LedgerEvent[]> {
    if (this.bornRecorded === undefined) {
      const recorded = new Set<string>();
      await this.ledger.scanEvents([this.ledger.topics.userEvents], bornTypes, (event) => {
        if (event.type === 'UserRegisteredInTarget' && event.data.target.realm === this.realm.name)
          recorded.add(event.subject);
      });
      this.bornRecorded = recorded;
    }
    if (this.bornRecorded.has(userId)) return [];
    const account = await this.users.byId(userId);
    if (!account || (account.attributes.cognito_sub ?? []).length > 0) return [];
    this.bornRecorded.add(userId);
    return [
      createEvent(
        'UserRegisteredInTarget',
        {
          target: { kind: 'keycloak', realm: this.realm.name },
          targetUserId: userId,
          username: account.username,
          email: account.email,
          via,
        },
        { source: WATCHER_SOURCE, correlationId: this.runId, time: new Date(at) },
      ),
    ];
  }

  /** Reads every pending user's credentials and links and records what the events did not tell. */
  private async reconcile(publisher: LedgerPublisher, report: WatchReport): Promise<void> {
    const watchList = await this.watchList(report);
    const pending = watchList.pending();
    const decided = await pMap(
      pending,
      async (user) => {
        const credentials = mfaPending(user) || passwordReconcilable(user) ? await this.credentials(user) : null;
        const links = federationPending(user) ? await this.links(user.targetUserId) : null;
        const stored = observationOfStored(credentials, links, this.clock());
        // A stored password is the bridge's unless the user chose it on Keycloak's pages: ask the events.
        const chosen = passwordReconcilable(user) && stored.passwordStoredAt ? await this.passwordChosenAt(user) : null;
        return decideTargetFacts(user, this.realm.name, { ...stored, passwordChosenAt: chosen });
      },
      { concurrency: this.settings.reconcileConcurrency },
    );
    const found = pending.flatMap((user, index) => this.newFacts(watchList, user, decided[index]!));
    await publisher.publish(found);
    report.reconciliationPasses++;
    report.usersReconciled += pending.length;
    this.count(found, report, 'fromReconciliation');
    await this.compareWithTarget(watchList, publisher, report);
  }

  /**
   * After the facts the target proved are recorded (so that, e.g., a TOTP set up since the last
   * pass is not mistaken for a missing required action), every imported user is compared with
   * the target and each disagreement is recorded once.
   */
  private async compareWithTarget(
    watchList: WatchList,
    publisher: LedgerPublisher,
    report: WatchReport,
  ): Promise<void> {
    const comparison = new LedgerTargetComparison(this.realm, this.users, {
      concurrency: this.settings.reconcileConcurrency,
      disablingTreatments: this.settings.disablingTreatments,
    });
    const { events, report: compared } = await comparison.run(watchList, {
      source: WATCHER_SOURCE,
      correlationId: this.runId,
      time: this.clock(),
    });
    await publisher.publish(events);
    report.usersCompared += compared.compared;
    report.disagreementsFound += compared.found;
    report.disagreementsResolved += compared.resolved;
    report.openDisagreements = compared.open;
    if (events.length > 0)
      this.logger.warn(
        { found: compared.found, resolved: compared.resolved, open: compared.open },
        'the ledger and the target disagree',
      );
  }

  /**
   * Turns decided facts into ledger events and folds them into the watch list at once, so that a
   * fact shown again later in the run (by another event, or by reconciliation) is no longer pending.
   */
  private newFacts(watchList: WatchList, user: WatchedUser, facts: readonly TargetFact[]): LedgerEvent[] {
    return facts.flatMap((fact) => {
      const event = toEvent(fact, {
        source: WATCHER_SOURCE,
        correlationId: this.runId,
        causationId: user.importEventId,
        time: fact.at,
      });
      // A password fact the ledger holds already, contradicted by an open disagreement (Keycloak lost
      // the password, e.g. a crash undid a commit, and holds one again since the user's next
      // sign-in): its id is the same (one PasswordMigrated per user, target and path) but its time
      // is the new credential's, so writing it would put a second, different copy of one fact in
      // the ledger. The comparison after these facts resolves the disagreement instead.
      if (event.type === 'PasswordMigrated' && user.passwordFacts.some((p) => p.eventId === event.id)) return [];
      watchList.add(event);
      return [event];
    });
  }

  private count(events: readonly LedgerEvent[], report: WatchReport, path: 'fromEvents' | 'fromReconciliation'): void {
    for (const event of events) {
      if (event.type === 'MfaReenrolled' || event.type === 'FederationRebound' || event.type === 'PasswordMigrated')
        report.emitted[event.type]++;
    }
    report[path] += events.length;
    if (events.length > 0) this.logger.info({ facts: events.length, path }, 'recorded what the target showed');
  }

  /** The ledger's user topic folded up to now: whom to watch and what is recorded already. */
  private async watchList(report: WatchReport): Promise<WatchList> {
    this.ledgerWatchList ??= new LedgerWatchList(this.ledger, this.realm.name, this.settings.providerAliases);
    const watchList = await this.ledgerWatchList.catchUp();
    report.usersWatched = watchList.size;
    return watchList;
  }

  private async credentials(user: WatchedUser): Promise<StoredCredential[] | null> {
    const found = await unlessDeleted(() =>
      this.realm.call('credentials read', (c) =>
        c.users.getCredentials({ realm: this.realm.name, id: user.targetUserId }),
      ),
    );
    return found?.map((c) => ({ type: c.type ?? '', createdDate: c.createdDate ?? null })) ?? null;
  }

  /** When the user chose a password on Keycloak's pages, from the events the realm still keeps. */
  private async passwordChosenAt(user: WatchedUser): Promise<Date | null> {
    if (this.credentialTypes.length === 0) return null;
    const events = await this.events.page({
      types: this.credentialTypes,
      since: 0,
      max: this.settings.pageSize,
      userId: user.targetUserId,
    });
    return evidenceOf(events).passwordChosenAt;
  }

  private async links(targetUserId: string): Promise<FederatedLink[] | null> {
    return unlessDeleted(() => this.users.links(targetUserId));
  }
}

/**
 * Reads an event store from the lease's cursor to its end, page by page: events already read
 * within the overlap are dropped, the fresh ones applied (their facts published), and only then
 * the cursor moves. A page holding only events read before that is full (a burst within the
 * overlap) is read again twice as large, so the cursor never stalls.
 */
async function readPages<E extends StoredEvent>(
  lease: CursorLease,
  read: (since: number, max: number) => Promise<E[]>,
  applyFresh: (fresh: E[]) => Promise<void>,
  options: { readonly pageSize: number; readonly overlapMs: number; readonly signal: AbortSignal | undefined },
): Promise<void> {
  let cursor: EventCursor = await lease.load();
  let max = options.pageSize;
  while (!options.signal?.aborted) {
    const page = await read(readFrom(cursor, options.overlapMs), max);
    const fresh = unseen(cursor, page);
    if (fresh.length > 0) {
      await applyFresh(fresh);
      cursor = advance(cursor, page, options.overlapMs);
      await lease.save(cursor, fresh.length);
      max = options.pageSize;
      continue;
    }
    if (page.length < max) return;
    max *= 2;
  }
}

function toEvent(fact: TargetFact, context: EventContext): LedgerEvent {
  switch (fact.type) {
    case 'MfaReenrolled':
      return createEvent('MfaReenrolled', fact.data, context);
    case 'FederationRebound':
      return createEvent('FederationRebound', fact.data, context);
    case 'PasswordMigrated':
      // The bridge's own fact, found because its confirmation was lost: built as the bridge builds
      // it, so either path records the same event (id and bytes).
      if (fact.data.via === 'jit') return jitPasswordMigrated(fact.data.sub, fact.data.target.realm, fact.at);
      return createEvent('PasswordMigrated', fact.data, context);
  }
}
