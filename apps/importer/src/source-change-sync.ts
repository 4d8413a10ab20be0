import {
  bookkeeping,
  decideTargetSync,
  differences,
  type DeletionPolicy,
  type SourceChange,
  type SyncedProfile,
  type SyncPolicy,
  type TargetChanges,
} from '#domain';
import { createEvent, type EventContext, type LedgerEvent, type LedgerEventOf } from '#events';
import { KeycloakRequestError, type GroupDirectory, type TargetUser, type UserDirectory } from '#keycloak';
import type { MappedUser } from './mapped-user.js';

/** Attributes the import keeps for its own bookkeeping: the sync leaves them to the import. */
const bookkeepingNames: ReadonlySet<string> = new Set(Object.values(bookkeeping));

/** What the sync did with one source fact. */
export type SyncResult = 'updated' | 'rejected' | 'unchanged' | 'failed';

export interface SyncTally {
  updated: number;
  rejected: number;
  failed: number;
}

/**
 * Carries Cognito's changes to users already in the target during the parallel run: a later
 * UserExported (profile, e-mail and its verified flag, attributes, groups, enabled) or a
 * UserDeletedInSource (the deletion policy). decideTargetSync says what to do by cutover phase;
 * the change is written, read back, and only the fields the target then holds are recorded
 * (UserUpdatedInTarget), so the ledger never says more than the target holds. Credentials are
 * never part of it. Each source fact is applied once per target (`handled`), so a second cycle,
 * a re-delivery or a re-run records nothing.
 */
export class SourceChangeSync {
  /** Source facts (UserExported / UserDeletedInSource ids) the ledger records as applied or rejected. */
  private readonly handled = new Set<string>();

  constructor(
    private readonly users: UserDirectory,
    private readonly groups: GroupDirectory,
    private readonly realm: string,
    private readonly deletion: DeletionPolicy,
  ) {}

  learn(event: LedgerEvent): void {
    if (
      (event.type === 'UserUpdatedInTarget' || event.type === 'SourceChangeRejected') &&
      event.data.target.realm === this.realm
    )
      this.handled.add(event.data.basedOn);
  }

  isHandled(sourceFactId: string): boolean {
    return this.handled.has(sourceFactId);
  }

  /** A later export of a user the target holds as `targetUserId`; `previous` is the export before it. */
  async ofExport(
    fact: LedgerEventOf<'UserExported'>,
    desired: MappedUser,
    previous: MappedUser | null,
    targetUserId: string,
    phase: SyncPolicy['phase'],
  ): Promise<{ result: SyncResult; events: LedgerEvent[] }> {
    if (this.handled.has(fact.id)) return { result: 'unchanged', events: [] };
    const wanted = syncedOf(desired);
    const before = previous === null ? null : syncedOf(previous);
    const names = new Set([...Object.keys(wanted.attributes), ...Object.keys(before?.attributes ?? {})]);
    const held = await this.held(targetUserId, names);
    if (held === undefined) return { result: 'unchanged', events: [] };
    const change: SourceChange = { kind: 'source-change', previous: before, desired: wanted };
    return this.carryOut(fact, change, held, targetUserId, phase, (after) =>
      after === undefined ? [] : differences(after, wanted).fields,
    );
  }

  async ofDeletion(
    fact: LedgerEventOf<'UserDeletedInSource'>,
    targetUserId: string,
    phase: SyncPolicy['phase'],
  ): Promise<{ result: SyncResult; events: LedgerEvent[] }> {
    if (this.handled.has(fact.id)) return { result: 'unchanged', events: [] };
    const held = await this.held(targetUserId, new Set());
    // The account is already gone from the target: under `delete` that is what the policy wants.
    if (held === undefined && this.deletion === 'disable') return { result: 'unchanged', events: [] };
    const state = held ?? { ...emptyProfile, enabled: false };
    return this.carryOut(fact, { kind: 'source-deletion' }, state, targetUserId, phase, (after) =>
      // Still differing after the write: deleted means gone, disabled means enabled=false.
      this.deletion === 'delete' ? (after === undefined ? [] : ['deleted']) : after?.enabled ? ['enabled'] : [],
    );
  }

  private async carryOut(
    fact: LedgerEventOf<'UserExported'> | LedgerEventOf<'UserDeletedInSource'>,
    change: SourceChange,
    held: SyncedProfile,
    targetUserId: string,
    phase: SyncPolicy['phase'],
    stillDiffering: (after: SyncedProfile | undefined) => readonly string[],
  ): Promise<{ result: SyncResult; events: LedgerEvent[] }> {
    const decision = decideTargetSync(change, { held, policy: { phase, deletion: this.deletion } });
    const cause = change.kind;
    const target = { kind: 'keycloak' as const, realm: this.realm };
    const context: EventContext = {
      source: '/cognito-migration-ledger/importer',
      correlationId: fact.correlationid,
      causationId: fact.id,
      time: new Date(),
    };
    if (decision.kind === 'unchanged') return { result: 'unchanged', events: [] };
    if (decision.kind === 'reject') {
      const rejected = createEvent(
        'SourceChangeRejected',
        {
          sub: fact.subject,
          target,
          targetUserId,
          basedOn: fact.id,
          cause,
          phase: decision.phase,
          fields: [...decision.fields],
          kept: { email: held.email, enabled: held.enabled },
        },
        context,
      );
      return { result: 'rejected', events: [rejected] };
    }
    try {
      await this.write(targetUserId, decision.changes);
    } catch (error) {
      // Keycloak refused (e.g. the new e-mail belongs to another user): nothing is recorded, the next cycle tries again.
      if (error instanceof KeycloakRequestError) return { result: 'failed', events: [] };
      throw error;
    }
    const names = new Set(Object.keys(decision.changes.values.attributes ?? {}));
    const differing = new Set(stillDiffering(await this.held(targetUserId, names)));
    const applied = decision.changes.fields.filter((field) => !differing.has(field));
    if (applied.length === 0) return { result: 'failed', events: [] };
    const updated = createEvent(
      'UserUpdatedInTarget',
      { sub: fact.subject, target, targetUserId, basedOn: fact.id, cause, ...recorded(decision.changes, applied) },
      context,
    );
    return { result: 'updated', events: [updated] };
  }

  private async write(id: string, changes: TargetChanges): Promise<void> {
    if (changes.values.deleted) {
      await this.users.remove(id);
      return;
    }
    const { email, emailVerified, firstName, lastName, enabled, attributes } = changes.values;
    const profile = { email, emailVerified, firstName, lastName, enabled, attributes };
    if (Object.values(profile).some((v) => v !== undefined)) await this.users.updateProfile(id, profile);
    await this.groups.ensure(changes.groupsJoined);
    for (const name of changes.groupsJoined) {
      const groupId = await this.groups.idOf(name);
      if (groupId) await this.users.joinGroup(id, groupId);
    }
    for (const name of changes.groupsLeft) {
      const groupId = await this.groups.idOf(name);
      if (groupId) await this.users.leaveGroup(id, groupId);
    }
  }

  /** What the target holds of the synced fields; `attributes` limited to `names`. */
  private async held(id: string, names: ReadonlySet<string>): Promise<SyncedProfile | undefined> {
    const user = await this.users.byId(id);
    if (!user) return undefined;
    return heldOf(user, await this.users.groupNames(id), names);
  }
}

const emptyProfile: SyncedProfile = {
  email: null,
  emailVerified: false,
  firstName: null,
  lastName: null,
  enabled: true,
  attributes: {},
  groups: [],
};

/** The synced part of a mapped user: bookkeeping attributes are the import's, not the sync's. */
export function syncedOf(user: MappedUser): SyncedProfile {
  const rep = user.representation;
  return {
    email: rep.email ?? null,
    emailVerified: rep.emailVerified ?? false,
    firstName: rep.firstName ?? null,
    lastName: rep.lastName ?? null,
    enabled: rep.enabled ?? true,
    attributes: Object.fromEntries(
      Object.entries(rep.attributes ?? {}).filter(([name]) => !bookkeepingNames.has(name)),
    ) as Record<string, string[]>,
    groups: [...user.groups],
  };
}

function heldOf(user: TargetUser, groups: readonly string[], names: ReadonlySet<string>): SyncedProfile {
  return {
    email: user.email,
    emailVerified: user.emailVerified,
    firstName: user.firstName,
    lastName: user.lastName,
    enabled: user.enabled,
    attributes: Object.fromEntries(
      Object.entries(user.attributes).filter(([name]) => names.has(name) && !bookkeepingNames.has(name)),
    ),
    groups,
  };
}

/** The fact's content: only the fields the target was seen to hold. */
function recorded(changes: TargetChanges, applied: readonly string[]) {
  const has = new Set(applied);
  const v = changes.values;
  const attributes = Object.fromEntries(
    Object.entries(v.attributes ?? {})
      .filter(([name]) => has.has(`attributes.${name}`))
      .map(([name, values]) => [name, [...values]]),
  );
  return {
    fields: [...applied],
    values: {
      ...(has.has('email') ? { email: v.email ?? null } : {}),
      ...(has.has('emailVerified') ? { emailVerified: v.emailVerified! } : {}),
      ...(has.has('firstName') ? { firstName: v.firstName ?? null } : {}),
      ...(has.has('lastName') ? { lastName: v.lastName ?? null } : {}),
      ...(has.has('enabled') ? { enabled: v.enabled! } : {}),
      ...(has.has('deleted') ? { deleted: true as const } : {}),
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    },
    groupsJoined: has.has('groups') ? [...changes.groupsJoined] : [],
    groupsLeft: has.has('groups') ? [...changes.groupsLeft] : [],
  };
}
