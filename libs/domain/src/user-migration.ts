import canonicalize from 'canonicalize';
import type { UserFact } from './user-fact.js';
import { UserStateConflictError } from './user-state-conflict-error.js';

/** The user as the latest export saw them in Cognito. */
export interface ExportedProfile {
  readonly poolId: string;
  readonly username: string;
  /** Lower-cased: Cognito and Keycloak both match e-mails case-insensitively. */
  readonly email: string | null;
  readonly phoneNumber: string | null;
  readonly enabled: boolean;
  readonly sourceStatus: string;
  readonly mfa: { readonly sms: boolean; readonly totp: boolean | null; readonly preferred: string | null };
  /** Federated identity providers linked in Cognito, sorted, each once. */
  readonly providers: readonly string[];
  readonly sourceUpdatedAt: string;
  /**
   * When the export run recorded this fact (the event time): runs of a pool follow each other and
   * each reads a user once, so this is the ledger's order of the exports. A profile stored before
   * this field existed has none and counts as the oldest.
   */
  readonly exportedAt?: string;
  readonly contentHash: string;
}

/** `kind/realm` of the target a fact is about. */
export type TargetKey = string;

/**
 * The user's import into one target: when it happened (`at`, the first import fact) and the
 * current outcome, which is the UserImported fact's until a UserImportRevised replaces it.
 */
export interface ImportRecord {
  readonly target: TargetKey;
  readonly targetUserId: string;
  readonly loginName: string;
  readonly outcome: 'created' | 'matched';
  readonly matchedBy: 'username' | 'email' | 'sub' | null;
  readonly needsPasswordMigration: boolean;
  readonly treatment: string;
  readonly requiredActions: readonly string[];
  readonly adjustments: readonly { readonly field: string; readonly reason: string }[];
  /** 0: the UserImported outcome; n: the n-th UserImportRevised. */
  readonly revision: number;
  /** Time of the fact the current outcome comes from. */
  readonly revisedAt: string;
  /** Id of the UserExported fact the current outcome was computed from (the fact's cause). */
  readonly basedOn: string | null;
  /** The first import: never moved by a revision. */
  readonly at: string;
}

export interface ImportFailureRecord {
  readonly target: TargetKey;
  readonly reason: string;
  readonly field: string | null;
  readonly httpStatus: number | null;
  readonly at: string;
}

export interface PasswordMigrationRecord {
  readonly target: TargetKey;
  readonly via: 'jit' | 'reset';
  readonly at: string;
}

export interface MfaReenrolmentRecord {
  readonly target: TargetKey;
  readonly method: string;
  readonly at: string;
}

export interface FederationBindingRecord {
  readonly target: TargetKey;
  readonly provider: string;
  /** The Cognito provider name the binding re-binds: what the exported profile's providers list. */
  readonly cognitoProvider: string;
  readonly providerUserId: string;
  readonly via: 'pre-linked' | 'first-login';
  readonly at: string;
}

export interface ResetRecord {
  readonly target: TargetKey;
  readonly attempt: number;
  readonly reason: string;
  readonly at: string;
}

/** The ledger and the target disagreed about one field (TargetDisagreementFound), keyed by that fact's id. */
export interface DisagreementRecord {
  readonly target: TargetKey;
  readonly targetUserId: string;
  readonly field: 'exists' | 'enabled' | 'requiredActions' | 'password';
  /** The event id of the ledger fact the target contradicted. */
  readonly contradicts: string;
  readonly occurrence: number;
  readonly ledger: string;
  readonly observed: string;
  readonly at: string;
}

/** The user was confirmed gone from the Cognito pool (UserDeletedInSource). */
export interface SourceDeletionRecord {
  readonly poolId: string;
  readonly at: string;
}

/**
 * A change from Cognito the target holds (UserUpdatedInTarget), keyed by that fact's id: what the
 * user's current e-mail and account state are read from, the latest by time.
 */
export interface TargetUpdateRecord {
  readonly target: TargetKey;
  readonly cause: 'source-change' | 'source-deletion';
  readonly fields: readonly string[];
  /** Present only when the update changed it. */
  readonly email?: string | null;
  readonly enabled?: boolean;
  readonly deleted?: true;
  readonly at: string;
}

/** A user that exists only in the target (UserRegisteredInTarget); the state's `sub` is the target id then. */
export interface BornInTargetRecord {
  readonly target: TargetKey;
  readonly username: string;
  /** Lower-cased. */
  readonly email: string | null;
  readonly via: 'self-registration' | 'admin';
  readonly at: string;
}

/** A Cognito change the target did not take (SourceChangeRejected), keyed by that fact's id. */
export interface RejectedSourceChangeRecord {
  readonly target: TargetKey;
  readonly cause: 'source-change' | 'source-deletion';
  readonly fields: readonly string[];
  readonly phase: string;
  /** The target's e-mail (lower-cased) and enabled flag, which it keeps. */
  readonly keptEmail: string | null;
  readonly keptEnabled: boolean;
  readonly at: string;
}

export interface DisagreementResolutionRecord {
  readonly observed: string;
  readonly at: string;
}

/**
 * Everything the ledger says about one user, as a join-semilattice: each kind of fact is a set
 * keyed like the event's fact key, a fact seen twice keeps its earliest time, and the profile is
 * the latest export: by Cognito `updatedAt`, then by the ledger's order of the export runs. Merging is therefore commutative, associative
 * and idempotent, so redelivery, replay and facts that arrive late (a `PasswordMigrated` recorded
 * before its `UserImported`) all give the same state. Plain JSON, so it can be stored as is.
 */
export interface UserMigrationState {
  readonly sub: string;
  readonly profile: ExportedProfile | null;
  readonly firstExportedAt: string | null;
  readonly imports: Readonly<Record<TargetKey, ImportRecord>>;
  readonly importFailures: Readonly<Record<string, ImportFailureRecord>>;
  readonly passwordMigrations: Readonly<Record<string, PasswordMigrationRecord>>;
  readonly mfaReenrolments: Readonly<Record<string, MfaReenrolmentRecord>>;
  readonly federationBindings: Readonly<Record<string, FederationBindingRecord>>;
  readonly resets: Readonly<Record<string, ResetRecord>>;
  /**
   * Disagreements with the target (by TargetDisagreementFound id) and their resolutions (by the id
   * they resolve). Absent until the first one: states stored before these facts existed, and
   * every state without one, stay byte for byte what they were.
   */
  readonly targetDisagreements?: Readonly<Record<string, DisagreementRecord>>;
  readonly resolvedDisagreements?: Readonly<Record<string, DisagreementResolutionRecord>>;
  /** The parallel run's sync (absent until its first fact, like the disagreements). */
  readonly sourceDeletion?: SourceDeletionRecord;
  readonly targetUpdates?: Readonly<Record<string, TargetUpdateRecord>>;
  readonly rejectedSourceChanges?: Readonly<Record<string, RejectedSourceChangeRecord>>;
  readonly bornInTarget?: BornInTargetRecord;
}

export function initialUserMigration(sub: string): UserMigrationState {
  return {
    sub,
    profile: null,
    firstExportedAt: null,
    imports: {},
    importFailures: {},
    passwordMigrations: {},
    mfaReenrolments: {},
    federationBindings: {},
    resets: {},
  };
}

export function evolveUserMigration(state: UserMigrationState, fact: UserFact): UserMigrationState {
  if (fact.subject !== state.sub) {
    throw new UserStateConflictError(state.sub, 'subject', `a fact about "${fact.subject}" cannot change this user`);
  }
  const at = new Date(fact.time).toISOString();
  switch (fact.type) {
    case 'UserExported': {
      const d = fact.data;
      const profile: ExportedProfile = {
        poolId: d.poolId,
        username: d.username,
        email: d.attributes.email?.toLowerCase() ?? null,
        phoneNumber: d.attributes.phone_number ?? null,
        enabled: d.enabled,
        sourceStatus: d.status,
        mfa: { sms: d.mfa.sms, totp: d.mfa.totp, preferred: d.mfa.preferred },
        providers: [...new Set(d.identities.map((i) => i.provider))].sort(),
        sourceUpdatedAt: new Date(d.updatedAt).toISOString(),
        exportedAt: at,
        contentHash: fact.contenthash,
      };
      return {
        ...state,
        profile: state.profile === null || newerProfile(profile, state.profile) ? profile : state.profile,
        firstExportedAt: state.firstExportedAt === null || at < state.firstExportedAt ? at : state.firstExportedAt,
      };
    }
    case 'UserImported':
    case 'UserImportRevised': {
      const d = fact.data;
      const target = targetKey(d.target);
      const known = state.imports[target];
      if (known && known.targetUserId !== d.targetUserId) {
        throw new UserStateConflictError(
          state.sub,
          'targetUserId',
          `imported into ${target} as ${d.targetUserId}, but already recorded as ${known.targetUserId}`,
        );
      }
      const record: ImportRecord = {
        target,
        targetUserId: d.targetUserId,
        loginName: d.loginName,
        outcome: d.outcome,
        matchedBy: d.matchedBy,
        needsPasswordMigration: d.needsPasswordMigration,
        treatment: d.treatment,
        requiredActions: [...d.requiredActions],
        adjustments: d.adjustments.map((a) => ({ field: a.field, reason: a.reason })),
        revision: fact.type === 'UserImportRevised' ? fact.data.revision : 0,
        revisedAt: at,
        basedOn: fact.causationid ?? null,
        at,
      };
      const merged = known === undefined ? record : mergeImports(known, record);
      return merged === known ? state : { ...state, imports: { ...state.imports, [target]: merged } };
    }
    case 'UserImportFailed': {
      const d = fact.data;
      const record: ImportFailureRecord = {
        target: targetKey(d.target),
        reason: d.reason,
        field: d.field,
        httpStatus: d.httpStatus,
        at,
      };
      return { ...state, importFailures: withEarliest(state.importFailures, fact.id, record) };
    }
    case 'PasswordMigrated': {
      const d = fact.data;
      const target = targetKey(d.target);
      const record: PasswordMigrationRecord = { target, via: d.via, at };
      return { ...state, passwordMigrations: withEarliest(state.passwordMigrations, `${target}/${d.via}`, record) };
    }
    case 'MfaReenrolled': {
      const d = fact.data;
      const target = targetKey(d.target);
      const record: MfaReenrolmentRecord = { target, method: d.method, at };
      return { ...state, mfaReenrolments: withEarliest(state.mfaReenrolments, `${target}/${d.method}`, record) };
    }
    case 'FederationRebound': {
      const d = fact.data;
      const target = targetKey(d.target);
      const record: FederationBindingRecord = {
        target,
        provider: d.provider,
        cognitoProvider: d.cognitoProvider,
        providerUserId: d.providerUserId,
        via: d.via,
        at,
      };
      const key = `${target}/${d.provider}/${d.providerUserId}`;
      return { ...state, federationBindings: withEarliest(state.federationBindings, key, record) };
    }
    case 'ResetSent': {
      const d = fact.data;
      const target = targetKey(d.target);
      const record: ResetRecord = { target, attempt: d.attempt, reason: d.reason, at };
      return { ...state, resets: withEarliest(state.resets, `${target}/${d.attempt}`, record) };
    }
    case 'TargetDisagreementFound': {
      const d = fact.data;
      const record: DisagreementRecord = {
        target: targetKey(d.target),
        targetUserId: d.targetUserId,
        field: d.field,
        contradicts: d.contradicts,
        occurrence: d.occurrence,
        ledger: d.ledger,
        observed: d.observed,
        at,
      };
      return { ...state, targetDisagreements: withEarliest(state.targetDisagreements ?? {}, fact.id, record) };
    }
    case 'UserDeletedInSource': {
      const record: SourceDeletionRecord = { poolId: fact.data.poolId, at };
      const kept = state.sourceDeletion === undefined ? record : earliestOf(state.sourceDeletion, record);
      return kept === state.sourceDeletion ? state : { ...state, sourceDeletion: kept };
    }
    case 'UserUpdatedInTarget': {
      const d = fact.data;
      const record: TargetUpdateRecord = {
        target: targetKey(d.target),
        cause: d.cause,
        fields: [...d.fields],
        ...(d.values.email !== undefined ? { email: d.values.email?.toLowerCase() ?? null } : {}),
        ...(d.values.enabled !== undefined ? { enabled: d.values.enabled } : {}),
        ...(d.values.deleted ? { deleted: true as const } : {}),
        at,
      };
      return { ...state, targetUpdates: withEarliest(state.targetUpdates ?? {}, fact.id, record) };
    }
    case 'SourceChangeRejected': {
      const d = fact.data;
      const record: RejectedSourceChangeRecord = {
        target: targetKey(d.target),
        cause: d.cause,
        fields: [...d.fields],
        phase: d.phase,
        keptEmail: d.kept.email?.toLowerCase() ?? null,
        keptEnabled: d.kept.enabled,
        at,
      };
      return { ...state, rejectedSourceChanges: withEarliest(state.rejectedSourceChanges ?? {}, fact.id, record) };
    }
    case 'UserRegisteredInTarget': {
      const d = fact.data;
      const record: BornInTargetRecord = {
        target: targetKey(d.target),
        username: d.username,
        email: d.email?.toLowerCase() ?? null,
        via: d.via,
        at,
      };
      const kept = state.bornInTarget === undefined ? record : earliestOf(state.bornInTarget, record);
      return kept === state.bornInTarget ? state : { ...state, bornInTarget: kept };
    }
    case 'TargetDisagreementResolved': {
      const record: DisagreementResolutionRecord = { observed: fact.data.observed, at };
      return {
        ...state,
        resolvedDisagreements: withEarliest(state.resolvedDisagreements ?? {}, fact.data.resolves, record),
      };
    }
  }
}

/** Folds a user's facts, in any order, into their state. */
export function userMigrationOf(sub: string, facts: Iterable<UserFact>): UserMigrationState {
  let state = initialUserMigration(sub);
  for (const fact of facts) state = evolveUserMigration(state, fact);
  return state;
}

export function targetKey(target: { readonly kind: string; readonly realm: string }): TargetKey {
  return `${target.kind}/${target.realm}`;
}

/**
 * Two records of one import: the outcome of the highest revision (for equal revisions, the
 * earliest fact, then the smaller canonical form), and the earliest import time. Each part is
 * chosen by a total order of its own, so the merge stays commutative, associative, idempotent.
 */
function mergeImports(a: ImportRecord, b: ImportRecord): ImportRecord {
  const outcome = newerOutcome(a, b);
  const at = a.at <= b.at ? a.at : b.at;
  return outcome.at === at ? outcome : { ...outcome, at };
}

function newerOutcome(a: ImportRecord, b: ImportRecord): ImportRecord {
  // Projections stored before revisions existed hold records without them: revision 0 at `at`.
  const ra = a.revision ?? 0;
  const rb = b.revision ?? 0;
  if (ra !== rb) return ra > rb ? a : b;
  const ta = a.revisedAt ?? a.at;
  const tb = b.revisedAt ?? b.at;
  if (ta !== tb) return ta < tb ? a : b;
  return canonicalize(withoutAt(a))! <= canonicalize(withoutAt(b))! ? a : b;
}

/** A record's outcome alone: `at` is merged on its own and must not sway the choice. */
function withoutAt(record: ImportRecord): Omit<ImportRecord, 'at'> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => key !== 'at')) as Omit<ImportRecord, 'at'>;
}

/**
 * Cognito's `updatedAt` orders exports of one user first. Cognito does not stamp every change
 * (a TOTP enrolment, or a plain export followed by `export --totp`, sees the same `updatedAt`), so
 * equal stamps are ordered by when the export run recorded them: the later run saw the user last.
 * Both are maxima, so the fold stays the same in any delivery order and with duplicates (a
 * redelivered fact carries the same time, a re-published one a later time of the same content).
 * The hash only separates two different contents recorded in the same millisecond, which one run
 * never does for one user; any fixed order would do there.
 */
function newerProfile(candidate: ExportedProfile, current: ExportedProfile): boolean {
  if (candidate.sourceUpdatedAt !== current.sourceUpdatedAt) return candidate.sourceUpdatedAt > current.sourceUpdatedAt;
  const candidateAt = candidate.exportedAt ?? '';
  const currentAt = current.exportedAt ?? '';
  if (candidateAt !== currentAt) return candidateAt > currentAt;
  return candidate.contentHash > current.contentHash;
}

/**
 * The same fact delivered twice (or re-published by a re-run) keeps its first time. When two
 * versions of one fact carry the same time, the smaller canonical (RFC 8785) serialisation wins:
 * any total order would do, it only has to be the same in every replay, whether a record comes
 * from memory or back from a jsonb column with its keys reordered.
 */
export function earliestOf<R extends { readonly at: string }>(a: R, b: R): R {
  if (a.at !== b.at) return a.at < b.at ? a : b;
  return canonicalize(a)! <= canonicalize(b)! ? a : b;
}

function withEarliest<R extends { readonly at: string }>(
  records: Readonly<Record<string, R>>,
  key: string,
  record: R,
): Readonly<Record<string, R>> {
  const known = records[key];
  const kept = known === undefined ? record : earliestOf(known, record);
  return kept === known ? records : { ...records, [key]: kept };
}
