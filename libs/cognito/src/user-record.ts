import type { UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { CustomAttribute, FederatedIdentity, PoolSettings, UserExportedData } from '#events';
import type { TotpEnrolment } from './pool-reader.js';

export interface UserRecordContext {
  readonly poolId: string;
  readonly pool: PoolSettings;
  readonly groups: readonly string[];
  /** Known only when the AdminGetUser pass ran. */
  readonly totp?: TotpEnrolment;
}

/** A listed user that cannot become a fact of the ledger (no `sub` to key it by). */
export class UnexportableUserError extends Error {
  constructor(
    readonly username: string,
    readonly problem: string,
  ) {
    super(`user "${username}": ${problem}`);
    this.name = 'UnexportableUserError';
  }
}

/**
 * Translates Cognito's list record into the UserExported payload. Every value Cognito returns is
 * a string; `custom:` values are typed per the pool schema, `identities` is parsed from its JSON
 * string. Anything odd is kept and named in `anomalies` rather than dropped.
 */
export function toUserExported(user: UserType, context: UserRecordContext): UserExportedData {
  const username = user.Username ?? '';
  const anomalies: { field: string; problem: string }[] = [];
  const attributes: Record<string, string> = {};
  const customAttributes: Record<string, CustomAttribute> = {};
  const declared = new Map(context.pool.customAttributes.map((a) => [a.name, a.type]));
  let sub: string | undefined;
  let identities: FederatedIdentity[] = [];

  for (const { Name: name, Value: value = '' } of user.Attributes ?? []) {
    if (!name) continue;
    if (name === 'sub') sub = value;
    else if (name === 'identities') identities = parseIdentities(value, anomalies);
    else if (name.startsWith('custom:')) {
      const short = name.slice('custom:'.length);
      const type = declared.get(short);
      if (type === undefined)
        anomalies.push({ field: name, problem: 'not declared in the pool schema; kept as String' });
      customAttributes[short] = typeCustomAttribute(type ?? 'String', value);
    } else attributes[name] = value;
  }
  if (!username) throw new UnexportableUserError('(no username)', 'the record has no Username');
  if (!sub) throw new UnexportableUserError(username, 'the record has no sub attribute');
  if (!user.UserStatus) anomalies.push({ field: 'UserStatus', problem: 'missing; exported as UNKNOWN' });
  for (const [short, value] of Object.entries(customAttributes)) {
    if (value.type === 'Unparsed') anomalies.push({ field: `custom:${short}`, problem: value.problem });
  }

  return {
    poolId: context.poolId,
    sub,
    username,
    status: user.UserStatus ?? 'UNKNOWN',
    enabled: user.Enabled !== false,
    createdAt: (user.UserCreateDate ?? new Date(0)).toISOString(),
    updatedAt: (user.UserLastModifiedDate ?? user.UserCreateDate ?? new Date(0)).toISOString(),
    attributes,
    customAttributes,
    groups: [...context.groups].sort(),
    mfa: {
      sms: (user.MFAOptions ?? []).some((option) => option.DeliveryMedium === 'SMS'),
      totp: context.totp ? context.totp.totp : null,
      preferred: context.totp ? context.totp.preferred : null,
    },
    identities,
    anomalies,
  };
}

function typeCustomAttribute(type: string, value: string): CustomAttribute {
  const unparsed = (problem: string): CustomAttribute => ({ type: 'Unparsed', declared: type, value, problem });
  switch (type) {
    case 'Number': {
      const number = Number(value);
      return /^\s*-?\d+(\.\d+)?\s*$/.test(value) && Number.isFinite(number)
        ? { type: 'Number', value: number }
        : unparsed(`declared Number, value "${value}" is not a number`);
    }
    case 'Boolean': {
      const normalised = value.trim().toLowerCase();
      if (normalised === 'true' || normalised === '1') return { type: 'Boolean', value: true };
      if (normalised === 'false' || normalised === '0') return { type: 'Boolean', value: false };
      return unparsed(`declared Boolean, value "${value}" is neither true nor false`);
    }
    case 'DateTime':
      return Number.isNaN(Date.parse(value))
        ? unparsed(`declared DateTime, value "${value}" is not a date`)
        : { type: 'DateTime', value };
    case 'String':
      return { type: 'String', value };
    default:
      return unparsed(`declared as unknown type ${type}`);
  }
}

/**
 * `identities` is a JSON string; `primary` and `dateCreated` are seen both as JSON booleans/numbers
 * and as strings in the wild, so both forms are accepted.
 */
function parseIdentities(raw: string, anomalies: { field: string; problem: string }[]): FederatedIdentity[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    anomalies.push({ field: 'identities', problem: 'not valid JSON; no federated link exported' });
    return [];
  }
  if (!Array.isArray(parsed)) {
    anomalies.push({ field: 'identities', problem: 'not a JSON array; no federated link exported' });
    return [];
  }
  const identities: FederatedIdentity[] = [];
  parsed.forEach((entry: Record<string, unknown>, index) => {
    const provider = typeof entry?.providerName === 'string' ? entry.providerName : '';
    const userId = entry?.userId === undefined || entry.userId === null ? '' : String(entry.userId);
    if (!provider || !userId) {
      anomalies.push({ field: `identities[${index}]`, problem: 'missing providerName or userId; link not exported' });
      return;
    }
    const created = Number(entry.dateCreated);
    identities.push({
      provider,
      providerType: typeof entry.providerType === 'string' ? entry.providerType : 'unknown',
      userId,
      issuer: typeof entry.issuer === 'string' ? entry.issuer : null,
      primary: entry.primary === true || entry.primary === 'true',
      linkedAt: Number.isFinite(created) && created > 0 ? new Date(created).toISOString() : null,
    });
  });
  return identities;
}
