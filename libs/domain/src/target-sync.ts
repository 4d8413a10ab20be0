import type { CutoverPhase } from './cutover.js';
import { cutoverPhases } from './cutover.js';

/**
 * The part of a target account that follows Cognito during the parallel run. Passwords and other
 * credentials are not part of it: the sync never touches them (the JIT bridge moves passwords).
 */
export interface SyncedProfile {
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly enabled: boolean;
  /** Only the attributes the mapping writes (bookkeeping excluded); an absent name is no value. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /** Group names. */
  readonly groups: readonly string[];
}

/** What to do to a target account when a user is deleted in Cognito (`SYNC_DELETION_POLICY`). */
export type DeletionPolicy = 'disable' | 'delete';

export interface SyncPolicy {
  readonly phase: CutoverPhase;
  readonly deletion: DeletionPolicy;
}

export type SourceChange =
  /** A later UserExported: `previous` is the export the target last followed (null: unknown). */
  | {
      readonly kind: 'source-change';
      readonly previous: SyncedProfile | null;
      readonly desired: SyncedProfile;
    }
  | { readonly kind: 'source-deletion' };

/** The changes to make to the target account, as UserUpdatedInTarget records them. */
export interface TargetChanges {
  /** Changed fields, sorted: `email`, `emailVerified`, `firstName`, `lastName`, `enabled`, `attributes.<name>`, `groups`, `deleted`. */
  readonly fields: readonly string[];
  readonly values: {
    readonly email?: string | null;
    readonly emailVerified?: boolean;
    readonly firstName?: string | null;
    readonly lastName?: string | null;
    readonly enabled?: boolean;
    readonly deleted?: true;
    /** New values of changed attributes; `[]`: removed. */
    readonly attributes?: Readonly<Record<string, readonly string[]>>;
  };
  readonly groupsJoined: readonly string[];
  readonly groupsLeft: readonly string[];
}

export type TargetSyncDecision =
  | { readonly kind: 'apply'; readonly changes: TargetChanges }
  /** The target already holds Cognito's state: nothing to write, nothing to record. */
  | { readonly kind: 'unchanged' }
  /** From `target-writes` on the target wins: the Cognito change is recorded as a conflict, not applied. */
  | { readonly kind: 'reject'; readonly fields: readonly string[]; readonly phase: CutoverPhase };

const plainFields = ['email', 'emailVerified', 'firstName', 'lastName', 'enabled'] as const;

/**
 * Who wins is a policy by cutover phase. Before `target-writes` the application still writes to
 * Cognito, so Cognito is the system of record: the target is brought to Cognito's state, field
 * by field (whatever the target holds, so drift heals too). From `target-writes` on the target is
 * the system of record: a Cognito change is recorded as rejected and the target keeps its value.
 * Only fields Cognito changed count as a conflict then (compared with the previous export), so a
 * value the user changed in the target is never reported as one.
 */
export function decideTargetSync(
  change: SourceChange,
  state: { held: SyncedProfile; policy: SyncPolicy },
): TargetSyncDecision {
  const { held, policy } = state;
  const targetWins = cutoverPhases.indexOf(policy.phase) >= cutoverPhases.indexOf('target-writes');
  if (change.kind === 'source-deletion') {
    if (targetWins) return { kind: 'reject', fields: ['deleted'], phase: policy.phase };
    if (policy.deletion === 'delete')
      return {
        kind: 'apply',
        changes: { fields: ['deleted'], values: { deleted: true }, groupsJoined: [], groupsLeft: [] },
      };
    if (!held.enabled) return { kind: 'unchanged' };
    return {
      kind: 'apply',
      changes: { fields: ['enabled'], values: { enabled: false }, groupsJoined: [], groupsLeft: [] },
    };
  }
  const wanted = differences(held, change.desired);
  if (targetWins) {
    const bySource = change.previous === null ? wanted : differences(change.previous, change.desired);
    const fields = bySource.fields.filter((f) => wanted.fields.includes(f));
    return fields.length === 0 ? { kind: 'unchanged' } : { kind: 'reject', fields, phase: policy.phase };
  }
  return wanted.fields.length === 0 ? { kind: 'unchanged' } : { kind: 'apply', changes: wanted };
}

/** Field by field, `to` where it differs from `from`; lists compare as sets. */
export function differences(from: SyncedProfile, to: SyncedProfile): TargetChanges {
  const fields: string[] = [];
  const values: Record<string, unknown> = {};
  for (const field of plainFields) {
    // Keycloak and Cognito both treat e-mails case-insensitively; a case-only change is still written.
    if (from[field] !== to[field]) {
      fields.push(field);
      values[field] = to[field];
    }
  }
  const attributes: Record<string, readonly string[]> = {};
  for (const name of new Set([...Object.keys(from.attributes), ...Object.keys(to.attributes)])) {
    const before = from.attributes[name] ?? [];
    const after = to.attributes[name] ?? [];
    if (!sameSet(before, after)) {
      fields.push(`attributes.${name}`);
      attributes[name] = [...after];
    }
  }
  if (Object.keys(attributes).length > 0) values.attributes = attributes;
  const had = new Set(from.groups);
  const wants = new Set(to.groups);
  const groupsJoined = [...wants].filter((g) => !had.has(g)).sort();
  const groupsLeft = [...had].filter((g) => !wants.has(g)).sort();
  if (groupsJoined.length > 0 || groupsLeft.length > 0) fields.push('groups');
  return { fields: fields.sort(), values: values as TargetChanges['values'], groupsJoined, groupsLeft };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((v) => right.has(v));
}
