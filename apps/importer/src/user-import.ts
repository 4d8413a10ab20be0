import pMap from 'p-map';
import {
  aloneWriteVia,
  decideBatchWrite,
  decideCaseVariantLoginName,
  decideImportPath,
  decideImportRevision,
  decideMatchLinks,
  decideStoredOutcome,
  decideUnbatchedImport,
  evolveUserMigration,
  initialUserMigration,
  linkHeldElsewhere,
  linksClaimedEarlierInBatch,
  bookkeeping,
  linksToAdd,
  loginPolicyOf,
  routeImportBatch,
  targetKey,
  type ImportMapping,
  type ImportOutcome,
  type ImportRecord,
  type LoginNameClaim,
  type LoginPolicy,
  type TargetLookups,
  UserStateConflictError,
  type CutoverPhase,
  type DeletionPolicy,
} from '#domain';
import {
  createEvent,
  type EventContext,
  type LedgerEvent,
  type LedgerEventOf,
  type PoolSettings,
  type UserExportedData,
} from '#events';
import {
  bootstrapRealm,
  ensurePasswordMigrationStorage,
  KeycloakRequestError,
  type FederatedLink,
  type GroupDirectory,
  type IdentityProviderRepresentation,
  type KeycloakRealm,
  type RealmBootstrapResult,
  type TargetUser,
  type UserBatchWriter,
  type UserDirectory,
} from '#keycloak';
import { importCandidateOf, linkOf, targetAccountOf } from './import-candidate.js';
import { importRealmSpec } from './import-realm-spec.js';
import { mapUser, withLoginName, withoutEmail, withoutLink } from './map-user.js';
import type { MappedUser } from './mapped-user.js';
import { PackedExportTexts } from './packed-export-texts.js';
import { SourceChangeSync, type SyncResult } from './source-change-sync.js';

export const IMPORTER_SOURCE = '/cognito-migration-ledger/importer';

/** The Keycloak side of an import: one realm, its users, groups and the batch writer. */
export interface ImportTarget {
  readonly realm: KeycloakRealm;
  readonly users: UserDirectory;
  readonly groups: GroupDirectory;
  readonly writer: UserBatchWriter;
}

export interface ImportOptions {
  readonly batchSize: number;
  readonly concurrency: number;
  /** What a user confirmed deleted in Cognito becomes in the target (default: disabled). */
  readonly deletionPolicy?: DeletionPolicy;
}

export interface ImportTally {
  /** Users this run wrote into the target, or found there unrecorded (a run that stopped before its facts). */
  created: number;
  /** Users this run matched to an account the target already had. */
  matched: number;
  /** Users already imported whose outcome a later export changed: applied to the target, UserImportRevised recorded. */
  revised: number;
  failed: number;
  /** Users the ledger records as imported with the same outcome: nothing written, nothing recorded. */
  alreadyImported: number;
  /** Federated identities linked by this run. */
  links: number;
  /** Cognito changes (later exports, deletions) applied to users already in the target: UserUpdatedInTarget. */
  updated: number;
  /** Cognito changes refused because the target is the system of record (target-writes on): SourceChangeRejected. */
  rejected: number;
  /** Cognito changes the target refused to take (recorded nothing; tried again by the next run). */
  syncFailed: number;
}

export function emptyTally(): ImportTally {
  return {
    created: 0,
    matched: 0,
    revised: 0,
    failed: 0,
    alreadyImported: 0,
    links: 0,
    updated: 0,
    rejected: 0,
    syncFailed: 0,
  };
}

type Settled =
  | {
      readonly kind: 'imported';
      readonly user: MappedUser;
      readonly targetUserId: string;
      readonly loginName: string;
      readonly outcome: 'created' | 'matched';
      readonly matchedBy: 'username' | 'email' | 'sub' | null;
    }
  | {
      readonly kind: 'revised';
      readonly user: MappedUser;
      readonly outcome: ImportOutcome;
      readonly targetUserId: string;
      readonly revision: number;
      readonly changed: readonly string[];
      readonly requiredActionsAdded: readonly string[];
      readonly requiredActionsRemoved: readonly string[];
      /** Links made by this revision. */
      readonly newLinks: readonly FederatedLink[];
    }
  | { readonly kind: 'unchanged'; readonly user: MappedUser }
  | { readonly kind: 'failed'; readonly user: MappedUser; readonly failure: KeycloakRequestError };

type Imported = Extract<Settled, { kind: 'imported' }>;
type UserExportedEvent = LedgerEventOf<'UserExported'>;

/**
 * A user's export ids in ledger order, and the data of the last two as JSON text: all a later
 * export is compared against. Text rather than the decoded objects, because this is held for every
 * user of the pool for the whole run, and a decoded export takes several times its JSON's size
 * on the heap (200,000 users took the import over 1 GB).
 */
interface ExportHistory {
  readonly ids: string[];
  /** The export's data as JSON, packed (PackedExportTexts). */
  latest: Uint8Array;
  previous?: Uint8Array;
}

/** Reasons that must read the same on every run: a re-delivered user re-emits an identical fact. */
const emailHeld =
  'another user of the realm holds this e-mail and the realm keeps e-mails unique: kept unverified in attribute cognito_email';
const linkHeld = 'another Keycloak user already has this link: re-bound at the first federated login';
const nameHeld = (name: string, holder: string) =>
  `Keycloak keeps usernames lower-cased and Cognito user ${holder} holds "${name.toLowerCase()}": signs in with its sub (or e-mail)`;
const goneFromTarget = (id: string) =>
  `the ledger records this user imported as ${id}, but the target no longer holds it`;

/**
 * Imports UserExported facts into Keycloak and says what happened to each user as ledger facts:
 * UserImported (created or matched), FederationRebound for each pre-linked identity, or
 * UserImportFailed with Keycloak's own reason. No user of a batch is left without one of them.
 */
export class UserImport {
  private login: LoginPolicy = loginPolicyOf(undefined);
  private realmProviders: ReadonlySet<string> = new Set();
  /** The realm's password-migration component; imported users are linked to it (docs/bridge.md). */
  private passwordStorageId: string | undefined;
  /**
   * What the ledger records about each user's import into this realm: the import record of the
   * user's migration state, the only part this class reads (the rest of a state, kept for every
   * user of a large pool, was most of the importer's memory).
   */
  private readonly recorded = new Map<string, ImportRecord>();
  /** Cognito usernames in the ledger, lower-cased -> sub -> username: who claims which target name. */
  private readonly usernames = new Map<string, Map<string, string>>();
  /** Each user's exports: the one before a later export is what Cognito changed from. */
  private readonly exports = new Map<string, ExportHistory>();
  private readonly exportTexts = new PackedExportTexts();
  private readonly sync: SourceChangeSync;
  /** The cutover phase of this realm, as the ledger last said (ImportRun keeps it current). */
  phase: CutoverPhase = 'parallel-run';

  constructor(
    private readonly target: ImportTarget,
    private readonly mapping: ImportMapping,
    private readonly options: ImportOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.sync = new SourceChangeSync(
      target.users,
      target.groups,
      target.realm.name,
      options.deletionPolicy ?? 'disable',
    );
  }

  get realmName(): string {
    return this.target.realm.name;
  }

  /** Readies the realm for this pool (idempotent) and learns which identity providers it has. */
  async prepare(
    pool: PoolSettings | undefined,
    identityProviders: readonly IdentityProviderRepresentation[] = [],
  ): Promise<RealmBootstrapResult> {
    const result = await bootstrapRealm(this.target.realm, importRealmSpec(pool, this.mapping, identityProviders));
    this.passwordStorageId = await ensurePasswordMigrationStorage(this.target.realm);
    this.login = loginPolicyOf(pool);
    const providers = await this.target.realm.call('identity providers read', (c) => c.identityProviders.find());
    this.realmProviders = new Set(providers.map((p) => p.alias!));
    return result;
  }

  /**
   * Learns from ledger facts (a scan before the run, then each batch's published facts): who is
   * already imported and with what outcome, and which Cognito usernames exist. Whether a user is
   * imported is decided from this and the target, never from how far a consumer group has come.
   */
  learn(events: Iterable<LedgerEvent>): void {
    for (const event of events) {
      this.sync.learn(event);
      if (event.type === 'UserExported') {
        const name = event.data.username.toLowerCase();
        const subs = this.usernames.get(name) ?? new Map<string, string>();
        subs.set(event.data.sub, event.data.username);
        this.usernames.set(name, subs);
        const history = this.exports.get(event.subject);
        if (history === undefined) {
          this.exports.set(event.subject, {
            ids: [event.id],
            latest: this.exportTexts.pack(JSON.stringify(event.data)),
          });
        } else if (!history.ids.includes(event.id)) {
          history.ids.push(event.id);
          history.previous = history.latest;
          history.latest = this.exportTexts.pack(JSON.stringify(event.data));
        }
      } else if (
        (event.type === 'UserImported' || event.type === 'UserImportRevised') &&
        event.data.target.realm === this.target.realm.name
      ) {
        const key = this.targetKey();
        const recorded = this.recorded.get(event.subject);
        const initial = initialUserMigration(event.subject);
        const before = recorded === undefined ? initial : { ...initial, imports: { [key]: recorded } };
        try {
          const record = evolveUserMigration(before, event).imports[key];
          if (record !== undefined) this.recorded.set(event.subject, record);
        } catch (error) {
          // A second target id for one user is the projector's dead-letter business; the first one stands.
          if (!(error instanceof UserStateConflictError)) throw error;
        }
      }
    }
  }

  /** Imports a batch of facts; returns the facts to publish and what they count. */
  async importUsers(facts: readonly UserExportedEvent[]): Promise<{ events: LedgerEvent[]; tally: ImportTally }> {
    this.learn(facts);
    // The newest fact about a user wins; events of one user arrive in order (one partition per sub).
    const latest = new Map(facts.map((f) => [f.data.sub, f]));
    const context = {
      realm: this.target.realm.name,
      mapping: this.mapping,
      login: this.login,
      realmProviders: this.realmProviders,
    };
    const settled: Settled[] = [];
    const fresh: MappedUser[] = [];
    const reviews: { user: MappedUser; record: ImportRecord }[] = [];
    for (const fact of latest.values()) {
      const record = this.recordedImport(fact.data.sub);
      const user = this.withLoginNameDecided(mapUser(fact.data, context));
      const path = decideImportPath(record, fact.id);
      if (path === 'unchanged') settled.push({ kind: 'unchanged', user });
      else if (path === 'review') reviews.push({ user, record: record! });
      else fresh.push(user);
    }
    // Cognito's changes first (profile, groups, enabled), then the outcome revision (status, required actions).
    const synced = await pMap(
      reviews,
      ({ user, record }) => this.syncChange(latest.get(user.sub)!, user, record, context),
      { concurrency: 8 },
    );
    settled.push(...(await pMap(reviews, ({ user, record }) => this.review(user, record), { concurrency: 8 })));

    const mapped = withoutSharedLinks(fresh);
    const routes = routeImportBatch(mapped.map(importCandidateOf), this.login);
    const direct = mapped.filter((_, i) => routes[i] === 'batch');
    const alone = mapped.filter((_, i) => routes[i] === 'alone');
    await this.target.groups.ensure(mapped.flatMap((u) => u.groups));

    // Users without links first: their chunks are written while the links of the others are checked.
    const ordered = [...direct.filter((u) => u.links.length === 0), ...direct.filter((u) => u.links.length > 0)];
    const chunks: MappedUser[][] = [];
    for (let i = 0; i < ordered.length; i += this.options.batchSize)
      chunks.push(ordered.slice(i, i + this.options.batchSize));
    const written = await pMap(
      chunks,
      async (chunk) => this.writeChunk(await pMap(chunk, (u) => this.withoutLinksHeldElsewhere(u), { concurrency: 8 })),
      { concurrency: this.options.concurrency },
    );

    const followUps: MappedUser[] = [];
    for (const results of written) {
      for (const { user, outcome } of results) {
        if (outcome === 'added') settled.push(this.created(user, user.id));
        else if (outcome === 'written-before') settled.push(await this.asWritten(user));
        else followUps.push(user);
      }
    }
    // One at a time and in arrival order: of two users that collide, the first one keeps the name.
    for (const user of [...followUps, ...alone])
      settled.push(await this.settleAlone(await this.withoutLinksHeldElsewhere(user)));

    const bySub = new Map([...latest.values()].map((f) => [f.data.sub, f]));
    const events = [
      ...synced.flatMap((s) => s.events),
      ...settled.flatMap((s) => this.factsOf(s, bySub.get(s.user.sub)!)),
    ];
    return {
      events,
      tally: withSyncResults(
        tallyOf(settled),
        synced.map((s) => s.result),
      ),
    };
  }

  /**
   * Users confirmed deleted in Cognito: the deletion policy applied to those the target holds
   * (before target-writes), or the deletion recorded as rejected (from target-writes on).
   */
  async applyDeletions(
    facts: readonly LedgerEventOf<'UserDeletedInSource'>[],
  ): Promise<{ events: LedgerEvent[]; tally: ImportTally }> {
    const results = await pMap(
      facts,
      async (fact) => {
        const record = this.recordedImport(fact.subject);
        // Never imported: there is nothing in the target to change.
        if (record === undefined) return { result: 'unchanged' as const, events: [] };
        return this.sync.ofDeletion(fact, record.targetUserId, this.phase);
      },
      { concurrency: 8 },
    );
    return {
      events: results.flatMap((r) => r.events),
      tally: withSyncResults(
        emptyTally(),
        results.map((r) => r.result),
      ),
    };
  }

  /** A later export of an imported user: Cognito's change carried to the target, by phase. */
  private async syncChange(
    fact: UserExportedEvent,
    user: MappedUser,
    record: ImportRecord,
    context: Parameters<typeof mapUser>[1],
  ): Promise<{ result: SyncResult; events: LedgerEvent[] }> {
    if (this.sync.isHandled(fact.id)) return { result: 'unchanged', events: [] };
    const history = this.exports.get(fact.subject);
    // An older export read again (a replay under a new group) must not take the target back: the latest one decides.
    if (history !== undefined && history.ids.at(-1) !== fact.id) return { result: 'unchanged', events: [] };
    const before = history?.previous;
    const previous =
      before === undefined ? null : mapUser(JSON.parse(this.exportTexts.unpack(before)) as UserExportedData, context);
    return this.sync.ofExport(fact, user, previous, record.targetUserId, this.phase);
  }

  private recordedImport(sub: string): ImportRecord | undefined {
    return this.recorded.get(sub);
  }

  private targetKey(): ReturnType<typeof targetKey> {
    return targetKey({ kind: 'keycloak', realm: this.target.realm.name });
  }

  /**
   * In a pool with free-form usernames, case variants (`user.19`, `USER.19`) are distinct users
   * that Keycloak would give one name: decideLoginName says who keeps it, from the ledger.
   */
  private withLoginNameDecided(user: MappedUser): MappedUser {
    const claims: LoginNameClaim[] = [...(this.usernames.get(user.loginName.toLowerCase()) ?? new Map())].map(
      ([sub, username]: [string, string]) => ({
        sub,
        loginName: username,
        holds: this.recordedImport(sub)?.loginName === username.toLowerCase(),
      }),
    );
    const decision = decideCaseVariantLoginName(user, claims, this.login);
    return decision.heldBy === null
      ? user
      : withLoginName(user, decision.loginName, nameHeld(user.loginName, decision.heldBy));
  }

  /**
   * A user the ledger records as imported, from an earlier export: the target user is read and
   * the new outcome compared with the recorded one. A different outcome is applied to the target
   * (required actions, status, new links) before it is recorded as a UserImportRevised.
   */
  private async review(user: MappedUser, record: ImportRecord): Promise<Settled> {
    const stored = await this.target.users.byId(record.targetUserId);
    if (!stored)
      return {
        kind: 'failed',
        user,
        failure: new KeycloakRequestError('user lookup by id', 404, goneFromTarget(record.targetUserId), null),
      };
    const candidate = await this.withoutLinksHeldElsewhere(user);
    const present = candidate.links.length > 0 ? await this.target.users.links(stored.id) : [];
    const newLinks = linksToAdd(importCandidateOf(candidate), present).map((l) => linkOf(candidate, l));
    const proposed = this.asStored(candidate, stored, present, newLinks);
    const outcome = outcomeOf(proposed);
    const decision = decideImportRevision(record, outcome);
    if (decision.kind === 'unchanged') return { kind: 'unchanged', user };
    // The target first: a fact is recorded only once the target holds what it says.
    await this.target.users.amend(
      stored.id,
      { [bookkeeping.status]: user.representation.attributes![bookkeeping.status] as string[] },
      decision.requiredActionsAdded,
      decision.requiredActionsRemoved,
    );
    for (const link of newLinks) await this.target.users.link(stored.id, link);
    return {
      kind: 'revised',
      user: proposed.user,
      outcome,
      targetUserId: stored.id,
      revision: decision.revision,
      changed: decision.changed,
      requiredActionsAdded: decision.requiredActionsAdded,
      requiredActionsRemoved: decision.requiredActionsRemoved,
      newLinks,
    };
  }

  /** Keycloak does not refuse a link another user already has (measured), so the import looks first. */
  private async withoutLinksHeldElsewhere(user: MappedUser): Promise<MappedUser> {
    const candidate = importCandidateOf(user);
    let result = user;
    for (const link of user.links) {
      const holders = await this.target.users.byIdentity(link.identityProvider, link.userId);
      if (linkHeldElsewhere(candidate, holders.map(targetAccountOf))) result = withoutLink(result, link, linkHeld);
    }
    return result;
  }

  /** `look-closer`: refused, or a different user has this user's login name. */
  private async writeChunk(
    chunk: readonly MappedUser[],
  ): Promise<{ user: MappedUser; outcome: 'added' | 'written-before' | 'look-closer' }[]> {
    const results = await this.target.writer.write(
      chunk.map((user) => ({ key: user.sub, user: this.forTarget(user) })),
    );
    return results.map((result, index) => {
      const user = chunk[index]!;
      return { user, outcome: decideBatchWrite(importCandidateOf(user), result) };
    });
  }

  /**
   * A user with the id derived from its sub is one this importer wrote, now or on an earlier
   * delivery. Its stored state decides the recorded fact, so a re-delivery records the same fact.
   */
  private async asWritten(user: MappedUser): Promise<Settled> {
    const stored = await this.target.users.byId(user.id);
    return stored ? this.asFound(user, stored) : this.created(user, user.id);
  }

  /** A user the target already holds, settled by what its account holds (links read only when the user has some). */
  private async asFound(user: MappedUser, stored: TargetUser): Promise<Settled> {
    const links = user.links.length > 0 ? await this.target.users.links(stored.id) : [];
    return this.asStored(user, stored, links);
  }

  private asStored(
    user: MappedUser,
    stored: TargetUser,
    storedLinks: readonly FederatedLink[],
    /** Links the caller makes right after; counted as held. */
    making: readonly FederatedLink[] = [],
  ): Imported {
    const decided = decideStoredOutcome(importCandidateOf(user), targetAccountOf(stored), storedLinks, making);
    let result = decided.withoutEmail ? withoutEmail(user, emailHeld) : user;
    for (const link of decided.linksNotHeld) result = withoutLink(result, link, linkHeld);
    return {
      kind: 'imported',
      user: result,
      targetUserId: stored.id,
      loginName: decided.loginName,
      outcome: decided.outcome,
      matchedBy: decided.matchedBy,
    };
  }

  /**
   * A new user as written: linked to the password-migration component, so that every flow that
   * checks a password asks the bridge until Keycloak holds the user's own, and with the realm's
   * default roles, which partialImport (unlike `POST /users`) does not grant: without them the
   * account console refuses the user (measured on 26.7.3).
   */
  private forTarget(
    user: MappedUser,
  ): MappedUser['representation'] & { federationLink?: string; realmRoles: string[] } {
    return {
      ...user.representation,
      ...(this.passwordStorageId ? { federationLink: this.passwordStorageId } : {}),
      realmRoles: [`default-roles-${this.target.realm.name.toLowerCase()}`],
    };
  }

  private created(user: MappedUser, id: string): Settled {
    return {
      kind: 'imported',
      user,
      targetUserId: id,
      loginName: user.loginName.toLowerCase(),
      outcome: 'created',
      matchedBy: null,
    };
  }

  /**
   * A user that could not go in a batch: the target is asked what decideUnbatchedImport needs,
   * one lookup at a time, and its decision is carried out.
   */
  private async settleAlone(user: MappedUser): Promise<Settled> {
    const command = { user: importCandidateOf(user), policy: this.login };
    const accounts = new Map<string, TargetUser>();
    let known: TargetLookups = {};
    for (;;) {
      const decision = decideUnbatchedImport(command, known);
      switch (decision.kind) {
        case 'look-up': {
          const account = await this.lookUp(user, decision.by);
          if (account) accounts.set(account.id, account);
          known = { ...known, [lookupKey[decision.by]]: account ? targetAccountOf(account) : null };
          continue;
        }
        case 'already-in-target':
          return this.asFound(user, accounts.get(decision.account.id)!);
        case 'match':
          return this.match(user, accounts.get(decision.account.id)!, decision.by);
        case 'write': {
          const { adjust } = decision;
          if (adjust.kind === 'none') return this.writeAlone(user);
          if (adjust.kind === 'without-email') return this.writeAlone(withoutEmail(user, emailHeld));
          return this.writeAlone(withLoginName(user, adjust.loginName, nameHeld(user.loginName, adjust.heldBy)));
        }
      }
    }
  }

  private async lookUp(user: MappedUser, by: 'id' | 'sub' | 'username' | 'email'): Promise<TargetUser | undefined> {
    switch (by) {
      case 'id':
        return this.target.users.byId(user.id);
      case 'sub':
        // Cognito subs are UUIDs, unique across pools: the sub alone identifies the user.
        return (await this.target.users.byAttribute(bookkeeping.sub, user.sub))[0];
      case 'username':
        return this.target.users.byUsername(user.loginName);
      case 'email':
        return (await this.target.users.byEmail(user.email!))[0];
    }
  }

  /**
   * partialImport keeps the derived id; a user with findings, or one partialImport still refuses,
   * goes through `POST /users` so that Keycloak validates it and, when it refuses, says why.
   */
  private async writeAlone(user: MappedUser): Promise<Settled> {
    if (aloneWriteVia(importCandidateOf(user)) === 'partial-import') {
      const [result] = await this.target.writer.write([{ key: user.sub, user: this.forTarget(user) }]);
      if (decideBatchWrite(importCandidateOf(user), result) !== 'look-closer') return this.created(user, user.id);
    }
    try {
      return this.created(user, await this.target.users.create(this.forTarget(user)));
    } catch (error) {
      if (error instanceof KeycloakRequestError) return { kind: 'failed', user, failure: error };
      throw error;
    }
  }

  /** The existing account gets the migration bookkeeping, the groups, the links and the required actions; nothing of its own is overwritten. */
  private async match(user: MappedUser, holder: TargetUser, by: 'username' | 'email'): Promise<Settled> {
    const marks = Object.fromEntries(
      [bookkeeping.sub, bookkeeping.username, bookkeeping.status].map((name) => [
        name,
        user.representation.attributes![name] as string[],
      ]),
    );
    await this.target.users.amend(holder.id, { ...marks, [bookkeeping.matchedBy]: [by] }, user.requiredActions);
    for (const name of user.groups) {
      const groupId = await this.target.groups.idOf(name);
      if (groupId) await this.target.users.joinGroup(holder.id, groupId);
    }
    const links = decideMatchLinks(importCandidateOf(user), await this.target.users.links(holder.id));
    for (const link of links.link) await this.target.users.link(holder.id, linkOf(user, link));
    let result = user;
    for (const link of links.held) result = withoutLink(result, link, linkHeld);
    // Read back: in a realm with e-mail as username, Keycloak answers with the e-mail as username.
    const loginName = (await this.target.users.byId(holder.id))?.username ?? holder.username;
    return {
      kind: 'imported',
      user: result,
      targetUserId: holder.id,
      loginName,
      outcome: 'matched',
      matchedBy: by,
    };
  }

  private factsOf(settled: Settled, cause: UserExportedEvent): LedgerEvent[] {
    const target = { kind: 'keycloak' as const, realm: this.target.realm.name };
    const context = {
      source: IMPORTER_SOURCE,
      correlationId: cause.correlationid,
      causationId: cause.id,
      time: this.clock(),
    };
    const { user } = settled;
    switch (settled.kind) {
      case 'unchanged':
        return [];
      case 'failed': {
        const { failure } = settled;
        return [
          createEvent(
            'UserImportFailed',
            { sub: user.sub, target, reason: failure.reason, field: failure.field, httpStatus: failure.status },
            context,
          ),
        ];
      }
      case 'revised': {
        const revised = createEvent(
          'UserImportRevised',
          {
            sub: user.sub,
            target,
            targetUserId: settled.targetUserId,
            ...settled.outcome,
            requiredActions: [...settled.outcome.requiredActions],
            adjustments: [...settled.outcome.adjustments],
            revision: settled.revision,
            requiredActionsAdded: [...settled.requiredActionsAdded],
            requiredActionsRemoved: [...settled.requiredActionsRemoved],
            changed: [...settled.changed],
          },
          context,
        );
        return [revised, ...this.linkFacts(user, settled.newLinks, { ...context, causationId: revised.id })];
      }
      case 'imported': {
        const outcome = outcomeOf(settled);
        const imported = createEvent(
          'UserImported',
          {
            sub: user.sub,
            target,
            targetUserId: settled.targetUserId,
            ...outcome,
            requiredActions: [...outcome.requiredActions],
            adjustments: [...outcome.adjustments],
          },
          context,
        );
        return [imported, ...this.linkFacts(user, user.links, { ...context, causationId: imported.id })];
      }
    }
  }

  private linkFacts(user: MappedUser, links: readonly FederatedLink[], context: EventContext): LedgerEvent[] {
    const target = { kind: 'keycloak' as const, realm: this.target.realm.name };
    return links.map((link) =>
      createEvent(
        'FederationRebound',
        {
          sub: user.sub,
          target,
          provider: link.identityProvider,
          cognitoProvider: user.linkedFrom[link.identityProvider] ?? link.identityProvider,
          providerUserId: link.userId,
          via: 'pre-linked',
        },
        context,
      ),
    );
  }
}

/** Which lookup answers which question of decideUnbatchedImport. */
const lookupKey = { id: 'byId', sub: 'bySub', username: 'byUsername', email: 'byEmail' } as const satisfies Record<
  string,
  keyof TargetLookups
>;

/** Keycloak accepts one identity linked to several users (measured); the first user of a batch keeps it. */
function withoutSharedLinks(users: readonly MappedUser[]): MappedUser[] {
  const taken = linksClaimedEarlierInBatch(users.map(importCandidateOf));
  return users.map((user, i) => taken[i]!.reduce((u, link) => withoutLink(u, link, linkHeld), user));
}

/** What UserImported (and a revision) says of a settled user. */
function outcomeOf(settled: Imported): ImportOutcome {
  const { user } = settled;
  return {
    outcome: settled.outcome,
    matchedBy: settled.matchedBy,
    requiredActions: [...user.requiredActions],
    needsPasswordMigration: user.treatment.needsPasswordMigration,
    loginName: settled.loginName,
    treatment: user.treatment.name,
    adjustments: [...user.adjustments],
  };
}

function withSyncResults(tally: ImportTally, results: readonly SyncResult[]): ImportTally {
  for (const result of results) {
    if (result === 'updated') tally.updated++;
    else if (result === 'rejected') tally.rejected++;
    else if (result === 'failed') tally.syncFailed++;
  }
  return tally;
}

function tallyOf(settled: readonly Settled[]): ImportTally {
  const tally = emptyTally();
  for (const s of settled) {
    switch (s.kind) {
      case 'failed':
        tally.failed++;
        break;
      case 'unchanged':
        tally.alreadyImported++;
        break;
      case 'revised':
        tally.revised++;
        tally.links += s.newLinks.length;
        break;
      case 'imported':
        tally[s.outcome]++;
        tally.links += s.user.links.length;
        break;
    }
  }
  return tally;
}
