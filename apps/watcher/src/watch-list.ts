import { bridgeMigratesPassword, type RecordedDisagreement } from '#domain';
import type { LedgerEvent, UserImportedData } from '#events';

/** What the ledger says about one imported user that the target may still have to tell us. */
export interface WatchedUser {
  readonly sub: string;
  readonly targetUserId: string;
  /** The name the user signs in with at the target. */
  readonly loginName: string;
  /** Required actions set at import (CONFIGURE_TOTP, UPDATE_PASSWORD, VERIFY_EMAIL). */
  readonly requiredActions: readonly string[];
  /** The UserImported fact (or its latest UserImportRevised); the watcher's facts name it as their cause. */
  readonly importEventId: string;
  /** Imported with CONFIGURE_TOTP: the user had MFA at Cognito and must enrol again. */
  readonly flaggedForMfa: boolean;
  readonly mfaReenrolled: boolean;
  /** Aliases of the target's identity providers the user signed in with at Cognito. */
  readonly providers: readonly string[];
  /** Alias -> the Cognito provider name it stands for. */
  readonly cognitoProviderOf: Readonly<Record<string, string>>;
  /** Providers that already have a FederationRebound (pre-linked at import or seen by the watcher). */
  readonly reboundProviders: ReadonlySet<string>;
  readonly needsPasswordMigration: boolean;
  /** The import's treatment of the user's Cognito status (`UserImported.treatment`). */
  readonly treatment: string;
  /**
   * How the password reached the target so far: `jit` (the bridge), `reset`, or not yet. A
   * PasswordMigrated that an open disagreement contradicts (the target holds no password) does
   * not count: the user's password is still to migrate.
   */
  readonly passwordMigratedVia: ReadonlySet<'jit' | 'reset'>;
  /** Every PasswordMigrated about this realm, contradicted or not: the claims the target is compared with. */
  readonly passwordFacts: readonly { readonly eventId: string; readonly via: 'jit' | 'reset' }[];
  /** `enabled` of the latest export (ledger order), with that fact's id; null before any export. */
  readonly exportedEnabled: { readonly value: boolean; readonly eventId: string } | null;
  /** The user's disagreements with this realm recorded so far. */
  readonly disagreements: readonly RecordedDisagreement[];
}

/** The ledger types that decide whom to watch and what is already recorded. */
export const watchListTypes = new Set([
  'UserExported',
  'UserImported',
  'UserImportRevised',
  'MfaReenrolled',
  'FederationRebound',
  'PasswordMigrated',
  'TargetDisagreementFound',
  'TargetDisagreementResolved',
]);

/**
 * The imported users of one realm as the ledger knows them, built by folding the user topic.
 * Each recorded watcher fact marks its user's item done under the same key as the fact's id
 * (realm + method, realm + provider, realm + via), so a fact shown again (by the poll and the
 * reconciliation pass, or by events re-read after a crash) is no longer pending and is never
 * published twice.
 */
export class WatchList {
  /** The current import outcome of each user: the UserImported fact's, or its highest revision's. */
  private readonly imports = new Map<string, { data: UserImportedData; eventId: string; revision: number }>();
  private readonly subByTargetId = new Map<string, string>();
  private readonly cognitoProviders = new Map<string, Readonly<Record<string, string>>>();
  private readonly rebound = new Map<string, Set<string>>();
  private readonly mfaDone = new Set<string>();
  private readonly passwordFacts = new Map<string, Map<string, 'jit' | 'reset'>>();
  private readonly exportedEnabled = new Map<string, { value: boolean; eventId: string }>();
  private readonly disagreements = new Map<string, Map<string, RecordedDisagreement>>();
  /** Resolutions by the disagreement id they resolve; may arrive before what they resolve is folded. */
  private readonly resolutions = new Set<string>();

  constructor(
    readonly realm: string,
    /** Cognito identity-provider name -> alias of the target's identity provider (the importer's mapping). */
    private readonly providerAliases: Readonly<Record<string, string>>,
  ) {}

  /** Folds one fact in; facts about other realms change nothing. */
  add(event: LedgerEvent): void {
    switch (event.type) {
      case 'UserExported':
        // Facts of one user arrive in order (one partition per sub): the latest export wins.
        this.exportedEnabled.set(event.data.sub, { value: event.data.enabled, eventId: event.id });
        this.cognitoProviders.set(
          event.data.sub,
          Object.fromEntries(
            event.data.identities.map((i) => [this.providerAliases[i.provider] ?? i.provider, i.provider]),
          ),
        );
        return;
      case 'UserImported':
      case 'UserImportRevised': {
        if (event.data.target.realm !== this.realm) return;
        // A revision (e.g. CONFIGURE_TOTP learnt from a later export) replaces what is watched for.
        const revision = event.type === 'UserImportRevised' ? event.data.revision : 0;
        const known = this.imports.get(event.data.sub);
        if (known && known.revision > revision) return;
        this.imports.set(event.data.sub, { data: event.data, eventId: event.id, revision });
        this.subByTargetId.set(event.data.targetUserId, event.data.sub);
        return;
      }
      case 'MfaReenrolled':
        if (event.data.target.realm === this.realm && event.data.method === 'totp') this.mfaDone.add(event.data.sub);
        return;
      case 'FederationRebound':
        if (event.data.target.realm !== this.realm) return;
        setOf(this.rebound, event.data.sub).add(event.data.provider);
        return;
      case 'PasswordMigrated':
        if (event.data.target.realm !== this.realm) return;
        mapOf(this.passwordFacts, event.data.sub).set(event.id, event.data.via);
        return;
      case 'TargetDisagreementFound':
        if (event.data.target.realm !== this.realm) return;
        mapOf(this.disagreements, event.data.sub).set(event.id, {
          id: event.id,
          field: event.data.field,
          contradicts: event.data.contradicts,
          occurrence: event.data.occurrence,
          resolved: false,
        });
        return;
      case 'TargetDisagreementResolved':
        if (event.data.target.realm !== this.realm) return;
        this.resolutions.add(event.data.resolves);
        return;
      default:
        return;
    }
  }

  get size(): number {
    return this.imports.size;
  }

  byTargetUserId(targetUserId: string): WatchedUser | undefined {
    const sub = this.subByTargetId.get(targetUserId);
    return sub === undefined ? undefined : this.user(sub);
  }

  /** Every user the ledger holds as imported into the realm: the ledger-vs-target comparison reads these. */
  imported(): WatchedUser[] {
    return [...this.imports.keys()].map((sub) => this.user(sub)!);
  }

  /** Users the target may still have news about; the reconciliation pass reads exactly these. */
  pending(): WatchedUser[] {
    return [...this.imports.keys()].map((sub) => this.user(sub)!).filter((user) => isPending(user));
  }

  private user(sub: string): WatchedUser | undefined {
    const imported = this.imports.get(sub);
    if (!imported) return undefined;
    const disagreements = [...(this.disagreements.get(sub)?.values() ?? [])].map((d) => ({
      ...d,
      resolved: this.resolutions.has(d.id),
    }));
    const contradicted = new Set(
      disagreements.filter((d) => !d.resolved && d.field === 'password').map((d) => d.contradicts),
    );
    const passwordFacts = [...(this.passwordFacts.get(sub) ?? [])].map(([eventId, via]) => ({ eventId, via }));
    return {
      sub,
      targetUserId: imported.data.targetUserId,
      loginName: imported.data.loginName,
      requiredActions: imported.data.requiredActions,
      importEventId: imported.eventId,
      flaggedForMfa: imported.data.requiredActions.includes('CONFIGURE_TOTP'),
      mfaReenrolled: this.mfaDone.has(sub),
      providers: Object.keys(this.cognitoProviders.get(sub) ?? {}),
      cognitoProviderOf: this.cognitoProviders.get(sub) ?? {},
      reboundProviders: this.rebound.get(sub) ?? new Set(),
      needsPasswordMigration: imported.data.needsPasswordMigration,
      treatment: imported.data.treatment,
      passwordMigratedVia: new Set(passwordFacts.filter((p) => !contradicted.has(p.eventId)).map((p) => p.via)),
      passwordFacts,
      exportedEnabled: this.exportedEnabled.get(sub) ?? null,
      disagreements,
    };
  }
}

export function mfaPending(user: WatchedUser): boolean {
  return user.flaggedForMfa && !user.mfaReenrolled;
}

export function federationPending(user: WatchedUser): boolean {
  return user.providers.some((p) => !user.reboundProviders.has(p));
}

export function passwordPending(user: WatchedUser): boolean {
  return user.passwordMigratedVia.size === 0;
}

/** The bridge may have stored this user's password (the same rule the bridge decides by). */
export function bridgeMigrates(user: WatchedUser): boolean {
  return bridgeMigratesPassword(user);
}

/**
 * Every user whose password the ledger has not recorded yet: a stored password is the bridge's
 * migration (its confirmation may have been lost) or, for users the bridge will not migrate, a
 * reset. The reconciliation pass reads their credentials.
 */
export function passwordReconcilable(user: WatchedUser): boolean {
  return passwordPending(user);
}

function isPending(user: WatchedUser): boolean {
  return mfaPending(user) || federationPending(user) || passwordReconcilable(user);
}

function mapOf<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}

function setOf<T>(map: Map<string, Set<T>>, key: string): Set<T> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}
