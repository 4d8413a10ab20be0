import pMap from 'p-map';
import { createEvent, type LedgerEvent, type LedgerEventOf, type PoolSettings } from '#events';
import {
  bootstrapRealm,
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
import { bookkeeping, type ImportMapping } from './import-mapping.js';
import { importRealmSpec } from './import-realm-spec.js';
import { loginPolicyOf, type LoginPolicy } from './login-policy.js';
import { mapUser, withoutEmail, withoutLink } from './map-user.js';
import type { MappedUser } from './mapped-user.js';

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
}

export interface ImportTally {
  created: number;
  matched: number;
  failed: number;
  /** Of created + matched: users an earlier run or delivery had already imported (nothing written now). */
  alreadyImported: number;
  /** Federated identities pre-linked. */
  links: number;
}

type Settled =
  | {
      readonly kind: 'imported';
      /** Imported by an earlier run or delivery; the facts are recorded again, identical. */
      readonly before: boolean;
      readonly user: MappedUser;
      readonly targetUserId: string;
      readonly loginName: string;
      readonly outcome: 'created' | 'matched';
      readonly matchedBy: 'username' | 'email' | 'sub' | null;
    }
  | { readonly kind: 'failed'; readonly user: MappedUser; readonly failure: KeycloakRequestError };

type UserExportedEvent = LedgerEventOf<'UserExported'>;

/** Reasons that must read the same on every run: a re-delivered user re-emits an identical fact. */
const emailHeld =
  'another user of the realm holds this e-mail and the realm keeps e-mails unique: kept unverified in attribute cognito_email';
const linkHeld = 'another Keycloak user already has this link: re-bound at the first federated login';

/**
 * Imports UserExported facts into Keycloak and says what happened to each user as ledger facts:
 * UserImported (created or matched), FederationRebound for each pre-linked identity, or
 * UserImportFailed with Keycloak's own reason. No user of a batch is left without one of them.
 */
export class UserImport {
  private login: LoginPolicy = loginPolicyOf(undefined);
  private realmProviders: ReadonlySet<string> = new Set();

  constructor(
    private readonly target: ImportTarget,
    private readonly mapping: ImportMapping,
    private readonly options: ImportOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get realmName(): string {
    return this.target.realm.name;
  }

  /** Readies the realm for this pool (idempotent) and learns which identity providers it has. */
  async prepare(
    pool: PoolSettings | undefined,
    identityProviders: readonly IdentityProviderRepresentation[] = [],
  ): Promise<RealmBootstrapResult> {
    const result = await bootstrapRealm(this.target.realm, importRealmSpec(pool, this.mapping, identityProviders));
    this.login = loginPolicyOf(pool);
    const providers = await this.target.realm.call('identity providers read', (c) => c.identityProviders.find());
    this.realmProviders = new Set(providers.map((p) => p.alias!));
    return result;
  }

  /** Imports a batch of facts; returns the facts to publish and what they count. */
  async importUsers(facts: readonly UserExportedEvent[]): Promise<{ events: LedgerEvent[]; tally: ImportTally }> {
    // The newest fact about a user wins; events of one user arrive in order (one partition per sub).
    const latest = new Map(facts.map((f) => [f.data.sub, f]));
    const context = {
      realm: this.target.realm.name,
      mapping: this.mapping,
      login: this.login,
      realmProviders: this.realmProviders,
    };
    const mapped = this.withoutSharedLinks([...latest.values()].map((f) => mapUser(f.data, context)));
    const { direct, alone } = this.route(mapped);
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

    const settled: Settled[] = [];
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
    const events = settled.flatMap((s) => this.factsOf(s, bySub.get(s.user.sub)!));
    return { events, tally: tallyOf(settled) };
  }

  /** Users that would make a whole partialImport fail or need Keycloak's validation go alone. */
  private route(users: readonly MappedUser[]): { direct: MappedUser[]; alone: MappedUser[] } {
    const direct: MappedUser[] = [];
    const alone: MappedUser[] = [];
    const names = new Set<string>();
    const emails = new Set<string>();
    for (const user of users) {
      const name = user.loginName.toLowerCase();
      const email = this.login.emailSignIn && user.email ? user.email.toLowerCase() : null;
      const collides = names.has(name) || (email !== null && emails.has(email));
      (user.findings.length > 0 || collides ? alone : direct).push(user);
      names.add(name);
      if (email !== null) emails.add(email);
    }
    return { direct, alone };
  }

  /** Keycloak accepts one identity linked to several users (measured); the first user of a batch keeps it. */
  private withoutSharedLinks(users: MappedUser[]): MappedUser[] {
    const seen = new Set<string>();
    return users.map((user) => {
      let result = user;
      for (const link of user.links) {
        const key = `${link.identityProvider}/${link.userId}`;
        if (seen.has(key)) result = withoutLink(result, link, linkHeld);
        seen.add(key);
      }
      return result;
    });
  }

  /** Keycloak does not refuse a link another user already has (measured), so the import looks first. */
  private async withoutLinksHeldElsewhere(user: MappedUser): Promise<MappedUser> {
    let result = user;
    for (const link of user.links) {
      const holders = await this.target.users.byIdentity(link.identityProvider, link.userId);
      if (holders.some((h) => h.id !== user.id && h.attributes[bookkeeping.sub]?.[0] !== user.sub))
        result = withoutLink(result, link, linkHeld);
    }
    return result;
  }

  /** `look-closer`: refused, or a different user has this user's login name. */
  private async writeChunk(
    chunk: readonly MappedUser[],
  ): Promise<{ user: MappedUser; outcome: 'added' | 'written-before' | 'look-closer' }[]> {
    const results = await this.target.writer.write(chunk.map((user) => ({ key: user.sub, user: user.representation })));
    return results.map((result, index) => {
      const user = chunk[index]!;
      if (result.outcome === 'refused' || result.id !== user.id) return { user, outcome: 'look-closer' };
      return { user, outcome: result.outcome === 'added' ? 'added' : 'written-before' };
    });
  }

  /**
   * A user with the id derived from its sub is one this importer wrote, now or on an earlier
   * delivery. Its stored state decides the recorded fact, so a re-delivery records the same fact.
   */
  private async asWritten(user: MappedUser): Promise<Settled> {
    const stored = await this.target.users.byId(user.id);
    return stored ? this.asStored(user, stored) : this.created(user, user.id);
  }

  private async asStored(user: MappedUser, stored: TargetUser): Promise<Settled> {
    let result = user;
    if (stored.attributes[bookkeeping.withheldEmail] !== undefined) result = withoutEmail(result, emailHeld);
    if (result.links.length > 0) {
      const links = await this.target.users.links(stored.id);
      for (const link of result.links) {
        if (!links.some((l) => l.identityProvider === link.identityProvider && l.userId === link.userId))
          result = withoutLink(result, link, linkHeld);
      }
    }
    const matchedBy = stored.attributes[bookkeeping.matchedBy]?.[0] as 'username' | 'email' | undefined;
    const imported = {
      kind: 'imported',
      before: true,
      user: result,
      targetUserId: stored.id,
      loginName: stored.username,
    } as const;
    return matchedBy
      ? { ...imported, outcome: 'matched', matchedBy }
      : { ...imported, outcome: 'created', matchedBy: null };
  }

  private created(user: MappedUser, id: string): Settled {
    return {
      kind: 'imported',
      before: false,
      user,
      targetUserId: id,
      loginName: user.loginName.toLowerCase(),
      outcome: 'created',
      matchedBy: null,
    };
  }

  /**
   * A user that could not go in a batch: already imported (by id or by its `cognito_sub`), or its
   * login name or e-mail is taken. Taken by a user that came from Cognito too (another sub): two
   * Cognito users, one e-mail; this one is imported without it. Taken by a user that did not come
   * from Cognito: the same person already has a Keycloak account, which is matched and marked.
   */
  private async settleAlone(user: MappedUser): Promise<Settled> {
    const mine = await this.findMine(user);
    if (mine) return this.asStored(user, mine);
    const byName = await this.target.users.byUsername(user.loginName);
    if (byName) {
      if (!isFromCognito(byName)) return this.match(user, byName, 'username');
      if (user.email !== null && user.loginName === user.email) return this.writeAlone(withoutEmail(user, emailHeld));
      return this.writeAlone(user);
    }
    if (this.login.emailSignIn && user.email !== null) {
      const [holder] = await this.target.users.byEmail(user.email);
      if (holder)
        return isFromCognito(holder)
          ? this.writeAlone(withoutEmail(user, emailHeld))
          : this.match(user, holder, 'email');
    }
    return this.writeAlone(user);
  }

  private async findMine(user: MappedUser): Promise<TargetUser | undefined> {
    const byId = await this.target.users.byId(user.id);
    if (byId) return byId;
    // Cognito subs are UUIDs, unique across pools: the sub alone identifies the user.
    const [bySub] = await this.target.users.byAttribute(bookkeeping.sub, user.sub);
    return bySub;
  }

  /**
   * partialImport keeps the derived id; a user with findings, or one partialImport still refuses,
   * goes through `POST /users` so that Keycloak validates it and, when it refuses, says why.
   */
  private async writeAlone(user: MappedUser): Promise<Settled> {
    if (user.findings.length === 0) {
      const [result] = await this.target.writer.write([{ key: user.sub, user: user.representation }]);
      if (result && result.outcome !== 'refused' && result.id === user.id) return this.created(user, user.id);
    }
    try {
      return this.created(user, await this.target.users.create(user.representation));
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
    const present = await this.target.users.links(holder.id);
    let result = user;
    for (const link of user.links) {
      if (present.some((l) => l.identityProvider === link.identityProvider)) {
        if (!present.some((l) => l.identityProvider === link.identityProvider && l.userId === link.userId))
          result = withoutLink(result, link, linkHeld);
        continue;
      }
      await this.target.users.link(holder.id, link);
    }
    // Read back: in a realm with e-mail as username, Keycloak answers with the e-mail as username.
    const loginName = (await this.target.users.byId(holder.id))?.username ?? holder.username;
    return {
      kind: 'imported',
      before: false,
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
    if (settled.kind === 'failed') {
      const { failure } = settled;
      return [
        createEvent(
          'UserImportFailed',
          { sub: user.sub, target, reason: failure.reason, field: failure.field, httpStatus: failure.status },
          context,
        ),
      ];
    }
    const imported = createEvent(
      'UserImported',
      {
        sub: user.sub,
        target,
        targetUserId: settled.targetUserId,
        outcome: settled.outcome,
        matchedBy: settled.matchedBy,
        requiredActions: [...user.requiredActions],
        needsPasswordMigration: user.treatment.needsPasswordMigration,
        loginName: settled.loginName,
        treatment: user.treatment.name,
        adjustments: [...user.adjustments],
      },
      context,
    );
    const links = user.links.map((link: FederatedLink) =>
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
        { ...context, causationId: imported.id },
      ),
    );
    return [imported, ...links];
  }
}

function isFromCognito(user: TargetUser): boolean {
  return user.attributes[bookkeeping.sub] !== undefined;
}

function tallyOf(settled: readonly Settled[]): ImportTally {
  const tally: ImportTally = { created: 0, matched: 0, failed: 0, alreadyImported: 0, links: 0 };
  for (const s of settled) {
    if (s.kind === 'failed') tally.failed++;
    else {
      tally[s.outcome]++;
      if (s.before) tally.alreadyImported++;
      tally.links += s.user.links.length;
    }
  }
  return tally;
}
