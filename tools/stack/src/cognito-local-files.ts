import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CustomAttributeType, SyntheticPool, SyntheticUser } from './synthetic-pool.js';

/*
 * cognito-local 5.3 keeps each pool in `.cognito/db/<poolId>.json` and every app client in
 * `.cognito/db/clients.json` (StormDB, see node_modules/cognito-local/lib/services/dataStore/stormDb.js).
 * It reads them only at start-up, so these files are written while it is stopped. Its reviver
 * throws unless every key ending in `Date` holds an ISO string or epoch milliseconds. It stores
 * passwords in plain text: these files belong in the git-ignored stack directory or a temp dir.
 */

interface SchemaAttribute {
  Name: string;
  AttributeDataType: CustomAttributeType;
  DeveloperOnlyAttribute: false;
  Mutable: boolean;
  Required: boolean;
  StringAttributeConstraints?: { MinLength: string; MaxLength: string };
  NumberAttributeConstraints?: { MinValue: string };
}

function schemaAttribute(
  Name: string,
  AttributeDataType: CustomAttributeType,
  overrides: Partial<SchemaAttribute> = {},
): SchemaAttribute {
  const constraints =
    AttributeDataType === 'String'
      ? { StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' } }
      : AttributeDataType === 'Number'
        ? { NumberAttributeConstraints: { MinValue: '0' } }
        : {};
  return {
    Name,
    AttributeDataType,
    DeveloperOnlyAttribute: false,
    Mutable: true,
    Required: false,
    ...constraints,
    ...overrides,
  };
}

/** The standard attributes of every AWS pool, as DescribeUserPool lists them. */
const standardSchema: SchemaAttribute[] = [
  schemaAttribute('sub', 'String', {
    Mutable: false,
    Required: true,
    StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' },
  }),
  ...[
    'name',
    'given_name',
    'family_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'email',
  ].map((name) => schemaAttribute(name, 'String')),
  schemaAttribute('email_verified', 'Boolean'),
  schemaAttribute('gender', 'String'),
  schemaAttribute('birthdate', 'String', { StringAttributeConstraints: { MinLength: '10', MaxLength: '10' } }),
  schemaAttribute('zoneinfo', 'String'),
  schemaAttribute('locale', 'String'),
  schemaAttribute('phone_number', 'String'),
  schemaAttribute('phone_number_verified', 'Boolean'),
  schemaAttribute('address', 'String'),
  schemaAttribute('updated_at', 'Number'),
  schemaAttribute('identities', 'String'),
];

function iso(date: Date): string {
  return date.toISOString();
}

function poolOptions(pool: SyntheticPool, created: Date, modified: Date): Record<string, unknown> {
  return {
    Id: pool.poolId,
    Name: pool.poolName,
    Arn: `arn:aws:cognito-idp:${pool.poolId.split('_')[0]}:000000000000:userpool/${pool.poolId}`,
    CreationDate: iso(created),
    LastModifiedDate: iso(modified),
    Policies: {
      PasswordPolicy: {
        MinimumLength: 8,
        RequireUppercase: true,
        RequireLowercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
        TemporaryPasswordValidityDays: 7,
      },
    },
    UsernameAttributes: pool.usernameAttributes,
    UsernameConfiguration: { CaseSensitive: false },
    AutoVerifiedAttributes: ['email'],
    MfaConfiguration: pool.mfaConfiguration,
    SoftwareTokenMfaConfiguration: { Enabled: true },
    SchemaAttributes: [
      ...standardSchema,
      ...pool.customAttributes.map((a) => schemaAttribute(`custom:${a.name}`, a.type)),
    ],
    EstimatedNumberOfUsers: pool.users.length,
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
  };
}

function userRecord(user: SyntheticUser): Record<string, unknown> {
  const record: Record<string, unknown> = {
    Username: user.username,
    ...(user.password === null ? {} : { Password: user.password }),
    Attributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
    Enabled: user.enabled,
    UserStatus: user.status,
    UserCreateDate: iso(user.createdAt),
    UserLastModifiedDate: iso(user.updatedAt),
    RefreshTokens: [],
  };
  const settings: string[] = [];
  if (user.mfa.sms) {
    // ListUsers shows SMS MFA only through the legacy MFAOptions; the settings list is AdminGetUser's.
    record.MFAOptions = [{ DeliveryMedium: 'SMS', AttributeName: 'phone_number' }];
    settings.push('SMS_MFA');
  }
  if (user.mfa.totp) settings.push('SOFTWARE_TOKEN_MFA');
  if (settings.length > 0) {
    record.UserMFASettingList = settings;
    if (user.mfa.preferred) record.PreferredMfaSetting = user.mfa.preferred;
  }
  return record;
}

function groupRecords(pool: SyntheticPool, created: Date): Record<string, unknown> {
  const members = new Map<string, string[]>(pool.groups.map((g) => [g.name, []]));
  for (const user of pool.users) {
    for (const group of user.groups) members.get(group)?.push(user.username);
  }
  return Object.fromEntries(
    pool.groups.map((g) => [
      g.name,
      {
        GroupName: g.name,
        ...(g.description === undefined ? {} : { Description: g.description }),
        ...(g.precedence === undefined ? {} : { Precedence: g.precedence }),
        CreationDate: iso(created),
        LastModifiedDate: iso(created),
        members: members.get(g.name),
      },
    ]),
  );
}

/** The pool's creation and last change, taken from its users so the files depend on nothing else. */
function lifespan(pool: SyntheticPool): { created: Date; modified: Date } {
  let created = Infinity;
  let modified = -Infinity;
  for (const user of pool.users) {
    created = Math.min(created, user.createdAt.getTime());
    modified = Math.max(modified, user.updatedAt.getTime());
  }
  return pool.users.length === 0
    ? { created: new Date(0), modified: new Date(0) }
    : { created: new Date(created), modified: new Date(modified) };
}

/** The pool file as JSON text in pieces of about 1 MB, so 100k+ users never sit in one string. */
function* poolFileText(pool: SyntheticPool, createdAt: Date, modifiedAt: Date): Generator<string> {
  yield `{"Options":${JSON.stringify(poolOptions(pool, createdAt, modifiedAt))},`;
  yield `"Groups":${JSON.stringify(groupRecords(pool, createdAt))},"Users":{`;
  let piece = '';
  for (const [i, user] of pool.users.entries()) {
    piece += `${i === 0 ? '' : ','}${JSON.stringify(user.username)}:${JSON.stringify(userRecord(user))}`;
    if (piece.length >= 1 << 20) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}}}`;
}

/** Write then rename, so cognito-local never starts on half a file. */
async function writeWhole(file: string, text: Iterable<string>): Promise<void> {
  const partial = `${file}.${process.pid}.partial`;
  try {
    await pipeline(Readable.from(text), createWriteStream(partial));
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

type ClientRecords = Record<string, { UserPoolId?: string }>;

async function readClients(file: string): Promise<ClientRecords> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return (JSON.parse(text) as { Clients?: ClientRecords }).Clients ?? {};
  } catch (error) {
    throw new SyntaxError(`${file}: not a cognito-local clients file (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Seeds cognito-local's data directory (`<cognitoDir>/.cognito/db`) with `pool` and its app
 * client. Replaces a pool file of the same id and that pool's clients; other pools and their
 * clients stay. Call it while cognito-local is stopped.
 */
export async function writeCognitoLocalData(cognitoDir: string, pool: SyntheticPool): Promise<void> {
  const dbDir = path.join(cognitoDir, '.cognito', 'db');
  await mkdir(dbDir, { recursive: true });
  const { created, modified } = lifespan(pool);
  await writeWhole(path.join(dbDir, `${pool.poolId}.json`), poolFileText(pool, created, modified));

  const clientsFile = path.join(dbDir, 'clients.json');
  const otherPools = Object.entries(await readClients(clientsFile)).filter(([, c]) => c.UserPoolId !== pool.poolId);
  const client = {
    ClientId: pool.clientId,
    ClientName: 'migration-bridge',
    UserPoolId: pool.poolId,
    ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AccessTokenValidity: 60,
    IdTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    CreationDate: iso(created),
    LastModifiedDate: iso(created),
  };
  const clients = Object.fromEntries([...otherPools, [client.ClientId, client]]);
  await writeWhole(clientsFile, [JSON.stringify({ Clients: clients }, null, 2)]);
}
