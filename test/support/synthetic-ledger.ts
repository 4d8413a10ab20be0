import { createHash } from 'node:crypto';
import type { AttributeType, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { toUserExported } from '#cognito';
import { createEvent, type LedgerEvent, type PoolSettings } from '#events';
import { generateSyntheticPool, type SyntheticPool, type SyntheticUser } from '#stack';

/**
 * A synthetic ledger for tests and benchmarks: the users of a synthetic Cognito pool exported as
 * the exporter would (`toUserExported` on the same record shape), then a realistic migration
 * history per user: re-exports, imports and failures, JIT and reset password migrations, MFA
 * re-enrolments, federated re-binding and long-tail resets. Every choice is a hash of the user's
 * sub, so the same pool always gives the same ledger.
 */
export interface SyntheticLedgerOptions {
  readonly users: number;
  readonly seed?: number;
  readonly poolId?: string;
  /** Only `UserExported` facts: the ledger right after an export. */
  readonly exportOnly?: boolean;
  /** Share of users exported a second time after a change in Cognito; default 0.35. */
  readonly reexportRate?: number;
}

const target = { kind: 'keycloak' as const, realm: 'migration' };
const day = 86_400_000;
const start = Date.parse('2026-01-05T08:00:00Z');

export function syntheticPoolSettings(pool: SyntheticPool): PoolSettings {
  return {
    name: pool.poolName,
    usernameAttributes: pool.usernameAttributes,
    aliasAttributes: [],
    mfaConfiguration: pool.mfaConfiguration,
    customAttributes: pool.customAttributes.map((a) => ({ name: a.name, type: a.type })),
    estimatedUsers: pool.users.length,
  };
}

/** The user's facts, in the order a real migration would record them. */
export function* syntheticLedger(options: SyntheticLedgerOptions): Generator<LedgerEvent[]> {
  const pool = generateSyntheticPool({
    users: options.users,
    seed: options.seed ?? 1,
    poolId: options.poolId ?? 'us-east-1_Synth01',
  });
  const settings = syntheticPoolSettings(pool);
  for (const user of pool.users) yield userHistory(user, pool.poolId, settings, options);
}

function userHistory(
  user: SyntheticUser,
  poolId: string,
  pool: PoolSettings,
  options: SyntheticLedgerOptions,
): LedgerEvent[] {
  const p = (label: string) => fraction(user.sub, label);
  const at = (offsetMs: number) => ({
    source: '/synthetic',
    correlationId: 'synthetic-run',
    time: new Date(start + offsetMs),
  });
  const record = cognitoRecord(user);
  // As after the exporter's AdminGetUser pass, which is what reveals TOTP enrolment.
  const totp = { totp: user.mfa.totp, preferred: user.mfa.preferred ?? null };
  const exportedData = toUserExported(record, { poolId, pool, groups: user.groups, totp });
  const events: LedgerEvent[] = [createEvent('UserExported', exportedData, at(p('export-time') * 3600_000))];
  if (options.exportOnly) return events;

  // A second export after the user changed in Cognito (new updatedAt; sometimes disabled since).
  if (p('re-export') < (options.reexportRate ?? 0.35)) {
    const updatedAt = new Date(Date.parse(exportedData.updatedAt) + day).toISOString();
    const enabled = exportedData.enabled && p('disabled-later') > 0.05;
    events.push(createEvent('UserExported', { ...exportedData, updatedAt, enabled }, at(2 * day)));
  }
  if (p('import-fails') < 0.03) {
    events.push(
      createEvent(
        'UserImportFailed',
        { sub: user.sub, target, reason: 'User exists with same email', field: 'email', httpStatus: 409 },
        at(day + p('fail-time') * day),
      ),
    );
    return events;
  }
  const importedAt = day + p('import-time') * 2 * day;
  events.push(
    createEvent(
      'UserImported',
      {
        sub: user.sub,
        target,
        targetUserId: uuidOf(user.sub),
        outcome: 'created',
        matchedBy: null,
        requiredActions: user.mfa.sms || user.mfa.totp ? ['CONFIGURE_TOTP'] : [],
        needsPasswordMigration: user.password !== null,
        loginName: user.username.toLowerCase(),
        treatment: user.password === null ? 'federated-only' : 'password-via-bridge',
        adjustments: [],
      },
      at(importedAt),
    ),
  );
  for (const identity of exportedData.identities) {
    if (p(`rebound-${identity.provider}`) < 0.7) {
      const prelinked = p(`prelink-${identity.provider}`) < 0.5;
      events.push(
        createEvent(
          'FederationRebound',
          {
            sub: user.sub,
            target,
            provider: identity.provider,
            cognitoProvider: identity.provider,
            providerUserId: identity.userId,
            via: prelinked ? 'pre-linked' : 'first-login',
          },
          at(prelinked ? importedAt : importedAt + p('login-time') * 40 * day),
        ),
      );
    }
  }
  const logsIn = user.password !== null && user.enabled && p('logs-in') < 0.62;
  if (logsIn) {
    const loginAt = importedAt + p('login-time') * 40 * day;
    events.push(createEvent('PasswordMigrated', { sub: user.sub, target, via: 'jit' }, at(loginAt)));
    if ((user.mfa.sms || user.mfa.totp) && p('mfa') < 0.8) {
      events.push(
        createEvent(
          'MfaReenrolled',
          { sub: user.sub, target, method: user.mfa.totp ? 'totp' : 'sms' },
          at(loginAt + 60_000),
        ),
      );
    }
  } else if (user.password !== null && user.enabled) {
    // The long tail: reset e-mails after 60 days, a reminder two weeks later; some then reset.
    const attempts = p('reminder') < 0.6 ? 2 : 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      events.push(
        createEvent(
          'ResetSent',
          { sub: user.sub, target, attempt, reason: 'no login 60 days after import', linkLifetimeSeconds: 86_400 },
          at(importedAt + (60 + 14 * (attempt - 1)) * day),
        ),
      );
    }
    if (p('resets') < 0.4) {
      events.push(createEvent('PasswordMigrated', { sub: user.sub, target, via: 'reset' }, at(importedAt + 62 * day)));
    }
  }
  return events;
}

/** The record ListUsers returns for this user (the shape `toUserExported` reads). */
export function cognitoRecord(user: SyntheticUser): UserType {
  const attributes: AttributeType[] = [
    { Name: 'sub', Value: user.sub },
    ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
  ];
  return {
    Username: user.username,
    Attributes: attributes,
    UserStatus: user.status,
    Enabled: user.enabled,
    UserCreateDate: user.createdAt,
    UserLastModifiedDate: user.updatedAt,
    MFAOptions: user.mfa.sms ? [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }] : [],
  };
}

function fraction(sub: string, label: string): number {
  return createHash('sha1').update(`${label}:${sub}`).digest().readUInt32BE(0) / 4294967296;
}

function uuidOf(sub: string): string {
  const hex = createHash('sha1').update(`target:${sub}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
