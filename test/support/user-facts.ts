import type { UserFact } from '#domain';
import { createEvent, type UserExportedData } from '#events';

/** Builders for a user's facts in tests: realistic defaults, one override each. */
export const sub = '1b1e0b6a-0000-4000-8000-000000000001';
const target = { kind: 'keycloak' as const, realm: 'acme' };

export function at(time: string) {
  return { source: '/test', correlationId: 'run-1', time: new Date(time) };
}

export function exported(time: string, overrides: Partial<UserExportedData> = {}): UserFact {
  return createEvent(
    'UserExported',
    {
      poolId: 'us-east-1_Test01',
      sub,
      username: 'zoe',
      status: 'CONFIRMED',
      enabled: true,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:00.000Z',
      attributes: { email: 'Zoe@Example.com', phone_number: '+12125550100' },
      customAttributes: {},
      groups: [],
      mfa: { sms: false, totp: null, preferred: null },
      identities: [],
      anomalies: [],
      ...overrides,
    },
    at(time),
  );
}

export function imported(time: string, targetUserId = 'kc-1', realm: string = target.realm): UserFact {
  return createEvent(
    'UserImported',
    {
      sub,
      target: { ...target, realm },
      targetUserId,
      outcome: 'created',
      matchedBy: null,
      requiredActions: [],
      needsPasswordMigration: true,
      loginName: 'zoe',
      treatment: 'password-via-bridge',
      adjustments: [],
    },
    at(time),
  );
}

/** A revision of `imported(…, targetUserId)`: the outcome a later export led to. */
export function importRevised(
  time: string,
  revision: number,
  requiredActions: readonly string[],
  targetUserId = 'kc-1',
  realm: string = target.realm,
): UserFact {
  return createEvent(
    'UserImportRevised',
    {
      sub,
      target: { ...target, realm },
      targetUserId,
      outcome: 'created',
      matchedBy: null,
      requiredActions: [...requiredActions],
      needsPasswordMigration: true,
      loginName: 'zoe',
      treatment: 'password-via-bridge',
      adjustments: [],
      revision,
      requiredActionsAdded: [...requiredActions],
      requiredActionsRemoved: [],
      changed: ['requiredActions'],
    },
    { ...at(time), causationId: `export-${revision}` },
  );
}

export function importFailed(time: string, reason = 'User exists with same email'): UserFact {
  return createEvent('UserImportFailed', { sub, target, reason, field: 'email', httpStatus: 409 }, at(time));
}

export function passwordMigrated(time: string, via: 'jit' | 'reset' = 'jit'): UserFact {
  return createEvent('PasswordMigrated', { sub, target, via }, at(time));
}

export function mfaReenrolled(time: string, method: 'totp' | 'webauthn' | 'sms' = 'totp'): UserFact {
  return createEvent('MfaReenrolled', { sub, target, method }, at(time));
}

export function federationRebound(
  time: string,
  provider = 'Google',
  via: 'pre-linked' | 'first-login' = 'pre-linked',
): UserFact {
  // The target names its provider differently (a Keycloak alias), as the importer's mapping does.
  return createEvent(
    'FederationRebound',
    { sub, target, provider: provider.toLowerCase(), cognitoProvider: provider, providerUserId: `${provider}-1`, via },
    at(time),
  );
}

export function resetSent(time: string, attempt = 1): UserFact {
  return createEvent(
    'ResetSent',
    { sub, target, attempt, reason: 'no login 60 days after import', linkLifetimeSeconds: 86400 },
    at(time),
  );
}

export function identity(provider: string) {
  return {
    provider,
    providerType: provider === 'Google' ? 'Google' : 'SAML',
    userId: `${provider}-1`,
    issuer: null,
    primary: true,
    linkedAt: null,
  };
}

export function disagreementFound(
  time: string,
  contradicts: UserFact,
  field: 'exists' | 'enabled' | 'requiredActions' | 'password' = 'password',
): UserFact {
  return createEvent(
    'TargetDisagreementFound',
    {
      sub,
      target,
      targetUserId: 'kc-1',
      field,
      contradicts: contradicts.id,
      occurrence: 1,
      ledger: 'password held (PasswordMigrated jit)',
      observed: 'no password credential',
    },
    at(time),
  );
}

export function disagreementResolved(time: string, found: UserFact): UserFact {
  if (found.type !== 'TargetDisagreementFound') throw new Error('resolves a TargetDisagreementFound');
  return createEvent(
    'TargetDisagreementResolved',
    {
      sub,
      target,
      targetUserId: found.data.targetUserId,
      field: found.data.field,
      resolves: found.id,
      observed: 'password credential held',
    },
    at(time),
  );
}

/** The parallel run's sync: a deletion confirmed in Cognito. */
export function deletedInSource(time: string, lastExported: string): UserFact {
  return createEvent(
    'UserDeletedInSource',
    { poolId: 'us-east-1_Test01', sub, username: 'zoe', lastExported },
    at(time),
  );
}

/** A Cognito change the target took; `values` as UserUpdatedInTarget records them. */
export function updatedInTarget(
  time: string,
  basedOn: string,
  values: { email?: string | null; enabled?: boolean; deleted?: true },
  cause: 'source-change' | 'source-deletion' = 'source-change',
): UserFact {
  const fields = Object.keys(values).sort();
  return createEvent(
    'UserUpdatedInTarget',
    { sub, target, targetUserId: 'kc-1', basedOn, cause, fields, values, groupsJoined: [], groupsLeft: [] },
    at(time),
  );
}

/** A Cognito change kept out of the target after writes moved there. */
export function sourceChangeRejected(
  time: string,
  basedOn: string,
  kept: { email: string | null; enabled: boolean },
  fields: readonly string[] = ['email'],
): UserFact {
  return createEvent(
    'SourceChangeRejected',
    {
      sub,
      target,
      targetUserId: 'kc-1',
      basedOn,
      cause: 'source-change',
      phase: 'target-writes',
      fields: [...fields],
      kept,
    },
    at(time),
  );
}
