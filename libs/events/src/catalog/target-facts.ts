import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { federationReboundV1 } from './federation-rebound-v1.js';
import { cognitoSub, target } from './shared-fields.js';

export const passwordMigrated = defineEvent({
  type: 'PasswordMigrated',
  version: 1,
  stream: 'user',
  schema: z.object({
    sub: cognitoSub,
    target,
    /** `jit`: verified against Cognito at login; `reset`: the user set a new password in the target. */
    via: z.enum(['jit', 'reset']),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.via}`,
});

export const mfaReenrolled = defineEvent({
  type: 'MfaReenrolled',
  version: 1,
  stream: 'user',
  schema: z.object({ sub: cognitoSub, target, method: z.enum(['totp', 'webauthn', 'sms']) }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.method}`,
});

const federationReboundSchema = z.object({
  sub: cognitoSub,
  target,
  /** The target's identity provider (a Keycloak alias). */
  provider: z.string().min(1),
  /** The Cognito provider name (as in UserExported.identities) this link re-binds; progress is counted against it. */
  cognitoProvider: z.string().min(1),
  providerUserId: z.string().min(1),
  via: z.enum(['pre-linked', 'first-login']),
});

/**
 * v2: `cognitoProvider` is required. v1 (without it, or with it once writers added it without a
 * new version) is read through `federationReboundV1ToV2`.
 */
export const federationRebound = defineEvent({
  type: 'FederationRebound',
  version: 2,
  stream: 'user',
  schema: federationReboundSchema,
  olderVersions: [federationReboundV1],
  subjectOf: (data) => data.sub,
  // One fact per provider link, however it was made: a pre-link and a later first login are the same binding.
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.provider}/${data.providerUserId}`,
});

export const resetSent = defineEvent({
  type: 'ResetSent',
  version: 1,
  stream: 'user',
  schema: z.object({
    sub: cognitoSub,
    target,
    attempt: z.number().int().min(1),
    reason: z.string().min(1),
    linkLifetimeSeconds: z.number().int().positive(),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.attempt}`,
});

export type PasswordMigratedData = z.infer<typeof passwordMigrated.schema>;
export type MfaReenrolledData = z.infer<typeof mfaReenrolled.schema>;
export type FederationReboundData = z.infer<typeof federationReboundSchema>;
export type ResetSentData = z.infer<typeof resetSent.schema>;
