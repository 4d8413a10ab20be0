import type { DisagreementField, TargetDisagreementFoundData, TargetDisagreementResolvedData } from '#events';

/** Required actions whose completion the target shows and the ledger records; others are the target's business. */
const comparedActions = ['CONFIGURE_TOTP', 'UPDATE_PASSWORD', 'VERIFY_EMAIL'] as const;

/** A disagreement already in the ledger about this user (TargetDisagreementFound) and whether it is resolved. */
export interface RecordedDisagreement {
  /** The TargetDisagreementFound event id. */
  readonly id: string;
  readonly field: DisagreementField;
  readonly contradicts: string;
  readonly occurrence: number;
  readonly resolved: boolean;
}

/** What the ledger says about one user it calls imported (or migrated), each claim with the fact that makes it. */
export interface LedgerClaims {
  readonly sub: string;
  readonly target: { readonly kind: 'keycloak'; readonly realm: string };
  readonly targetUserId: string;
  /** The UserImported fact: the target has this user. */
  readonly importEventId: string;
  /** Required actions the import set. */
  readonly requiredActions: readonly string[];
  /** Whether the target should let the user sign in, and the fact that says so; null when the ledger has no export. */
  readonly enabled: { readonly value: boolean; readonly eventId: string } | null;
  /** PasswordMigrated facts about this target: each says the target holds the user's password. */
  readonly passwordMigrations: readonly { readonly eventId: string; readonly via: 'jit' | 'reset' }[];
  readonly mfaReenrolled: boolean;
  readonly disagreements: readonly RecordedDisagreement[];
}

/** The user as the target holds them; `credentialTypes` null when they were not read. */
export type TargetHolding =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly enabled: boolean;
      readonly emailVerified: boolean;
      readonly requiredActions: readonly string[];
      readonly credentialTypes: readonly string[] | null;
    };

export interface AgreementDecision {
  readonly found: TargetDisagreementFoundData[];
  readonly resolved: TargetDisagreementResolvedData[];
}

interface Candidate {
  readonly field: DisagreementField;
  readonly contradicts: string;
  readonly ledger: string;
  readonly observed: string;
}

/**
 * Pure: whether the target must be asked for the user's credentials to compare them. Only when a
 * claim rests on them: a password the ledger says was migrated (or a disagreement about one still
 * open), or a required action the ledger still expects that the target no longer lists (its
 * credential may show it was completed).
 */
export function credentialsNeeded(claims: LedgerClaims, holding: TargetHolding): boolean {
  if (!holding.exists) return false;
  if (claims.passwordMigrations.length > 0) return true;
  if (claims.disagreements.some((d) => !d.resolved && d.field === 'password')) return true;
  return expectedActions(claims).some((a) => a !== 'VERIFY_EMAIL' && !holding.requiredActions.includes(a));
}

/**
 * Pure: the ledger-vs-target comparison for one user. Each claim the target contradicts becomes a
 * TargetDisagreementFound unless the same disagreement is already open (so a pass run again adds
 * nothing); each open disagreement the target no longer shows becomes a TargetDisagreementResolved.
 * A field that could not be compared (credentials not read) is neither found nor resolved.
 *
 * The rules:
 * - `exists`: the import says the user is in the target; nothing else is compared without them.
 * - `enabled`: the target's flag equals the one the ledger recorded.
 * - `password`: every PasswordMigrated needs a password credential in the target.
 * - `requiredActions`: an action set at import that the ledger does not record as done
 *   (CONFIGURE_TOTP before MfaReenrolled, UPDATE_PASSWORD before PasswordMigrated) is still
 *   listed, unless the target shows it done (an OTP or password credential, a verified e-mail): the
 *   watcher records that completion later. Actions the target lists beyond these are not the
 *   ledger's claims.
 */
export function compareWithTarget(claims: LedgerClaims, holding: TargetHolding): AgreementDecision {
  const compared = new Set<DisagreementField>(['exists']);
  const candidates: Candidate[] = [];
  if (!holding.exists) {
    candidates.push({
      field: 'exists',
      contradicts: claims.importEventId,
      ledger: `imported as ${claims.targetUserId}`,
      observed: 'no such user',
    });
  } else {
    compared.add('enabled');
    if (claims.enabled !== null && claims.enabled.value !== holding.enabled) {
      candidates.push({
        field: 'enabled',
        contradicts: claims.enabled.eventId,
        ledger: String(claims.enabled.value),
        observed: String(holding.enabled),
      });
    }
    const credentials = holding.credentialTypes;
    if (credentials !== null) {
      compared.add('password');
      compared.add('requiredActions');
      if (!credentials.includes('password')) {
        for (const migration of claims.passwordMigrations) {
          candidates.push({
            field: 'password',
            contradicts: migration.eventId,
            ledger: `password held (PasswordMigrated ${migration.via})`,
            observed: 'no password credential',
          });
        }
      }
    }
    const missing = expectedActions(claims).filter(
      (action) => !holding.requiredActions.includes(action) && !shownDone(action, holding),
    );
    const undecidable = missing.some((a) => a !== 'VERIFY_EMAIL') && credentials === null;
    if (!undecidable) compared.add('requiredActions');
    if (missing.length > 0 && !undecidable) {
      candidates.push({
        field: 'requiredActions',
        contradicts: claims.importEventId,
        ledger: JSON.stringify(expectedActions(claims)),
        observed: JSON.stringify([...holding.requiredActions].sort()),
      });
    }
  }

  const found: TargetDisagreementFoundData[] = [];
  for (const candidate of candidates) {
    const same = claims.disagreements.filter(
      (d) => d.field === candidate.field && d.contradicts === candidate.contradicts,
    );
    if (same.some((d) => !d.resolved)) continue;
    found.push({
      sub: claims.sub,
      target: claims.target,
      targetUserId: claims.targetUserId,
      field: candidate.field,
      contradicts: candidate.contradicts,
      occurrence: Math.max(0, ...same.map((d) => d.occurrence)) + 1,
      ledger: candidate.ledger,
      observed: candidate.observed,
    });
  }

  const resolved: TargetDisagreementResolvedData[] = claims.disagreements
    .filter(
      (d) =>
        !d.resolved &&
        compared.has(d.field) &&
        !candidates.some((c) => c.field === d.field && c.contradicts === d.contradicts),
    )
    .map((d) => ({
      sub: claims.sub,
      target: claims.target,
      targetUserId: claims.targetUserId,
      field: d.field,
      resolves: d.id,
      observed: observedNow(d.field, holding),
    }));
  return { found, resolved };
}

/** Actions set at import that the ledger does not record as completed, sorted. */
function expectedActions(claims: LedgerClaims): string[] {
  return claims.requiredActions
    .filter((action): action is (typeof comparedActions)[number] =>
      (comparedActions as readonly string[]).includes(action),
    )
    .filter((action) => {
      if (action === 'CONFIGURE_TOTP') return !claims.mfaReenrolled;
      if (action === 'UPDATE_PASSWORD') return claims.passwordMigrations.length === 0;
      return true;
    })
    .sort();
}

function shownDone(action: string, holding: Extract<TargetHolding, { exists: true }>): boolean {
  const credentials = holding.credentialTypes ?? [];
  if (action === 'CONFIGURE_TOTP') return credentials.includes('otp');
  if (action === 'UPDATE_PASSWORD') return credentials.includes('password');
  return holding.emailVerified;
}

function observedNow(field: DisagreementField, holding: TargetHolding): string {
  if (!holding.exists) return 'no such user';
  switch (field) {
    case 'exists':
      return 'user exists';
    case 'enabled':
      return String(holding.enabled);
    case 'password':
      return 'password credential held';
    case 'requiredActions':
      return JSON.stringify([...holding.requiredActions].sort());
  }
}
