import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { cognitoSub, isoTime, poolId } from './shared-fields.js';

/** Cognito's documented statuses plus any future value, kept verbatim rather than rejected. */
export const cognitoUserStatus = z.string().min(1);

/**
 * A federated identity from the `identities` attribute. Cognito stores it as a JSON string with
 * `providerName`, `providerType`, `userId`, `issuer`, `primary` and `dateCreated` (epoch ms); see
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-identity-federation-consolidate-users.html
 */
export const federatedIdentity = z.object({
  provider: z.string().min(1),
  providerType: z.string().min(1),
  userId: z.string().min(1),
  issuer: z.string().nullable(),
  primary: z.boolean(),
  linkedAt: isoTime.nullable(),
});

/**
 * A `custom:` attribute typed per the pool schema. Cognito sends every value as a string; a value
 * that does not parse as its declared type is kept verbatim as `Unparsed` with the reason, so odd
 * data is visible instead of lost.
 */
export const customAttribute = z.discriminatedUnion('type', [
  z.object({ type: z.literal('String'), value: z.string() }),
  z.object({ type: z.literal('Number'), value: z.number() }),
  z.object({ type: z.literal('Boolean'), value: z.boolean() }),
  z.object({ type: z.literal('DateTime'), value: z.string() }),
  z.object({ type: z.literal('Unparsed'), declared: z.string(), value: z.string(), problem: z.string() }),
]);

export const userExported = defineEvent({
  type: 'UserExported',
  version: 1,
  stream: 'user',
  schema: z.object({
    poolId,
    sub: cognitoSub,
    username: z.string().min(1),
    status: cognitoUserStatus,
    enabled: z.boolean(),
    createdAt: isoTime,
    updatedAt: isoTime,
    /** Standard attributes exactly as Cognito holds them (strings); `sub`, `identities` and `custom:*` are lifted out. */
    attributes: z.record(z.string(), z.string()),
    customAttributes: z.record(z.string(), customAttribute),
    groups: z.array(z.string().min(1)),
    mfa: z.object({
      sms: z.boolean(),
      /** null: not looked up (the per-user AdminGetUser pass was not run). */
      totp: z.boolean().nullable(),
      preferred: z.string().nullable(),
    }),
    identities: z.array(federatedIdentity),
    /** Data in the source record that looked wrong, named by field; the record is exported anyway. */
    anomalies: z.array(z.object({ field: z.string(), problem: z.string() })),
  }),
  subjectOf: (data) => data.sub,
  // The content itself is the fact: an unchanged user exported again is the same event.
  factKeyOf: (_data, hash) => hash,
});

export type UserExportedData = z.infer<typeof userExported.schema>;
export type FederatedIdentity = z.infer<typeof federatedIdentity>;
export type CustomAttribute = z.infer<typeof customAttribute>;
