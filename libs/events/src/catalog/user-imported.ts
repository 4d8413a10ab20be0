import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { cognitoSub, target } from './shared-fields.js';

export const userImported = defineEvent({
  type: 'UserImported',
  version: 1,
  stream: 'user',
  schema: z.object({
    sub: cognitoSub,
    target,
    targetUserId: z.string().min(1),
    /** `created`: written by the importer; `matched`: the user already existed in the target. */
    outcome: z.enum(['created', 'matched']),
    matchedBy: z.enum(['username', 'email', 'sub']).nullable(),
    requiredActions: z.array(z.string()),
    /** The password still lives only in Cognito: the JIT bridge or a reset will move it. */
    needsPasswordMigration: z.boolean(),
    /** The name the user signs in with at the target (Keycloak keeps it lower-cased). */
    loginName: z.string().min(1),
    /** The documented handling chosen for the user's Cognito status, e.g. `password-via-bridge`, `reset-required`. */
    treatment: z.string().min(1),
    /** Where the target record differs from the Cognito one on purpose (an e-mail another user holds, a link the target cannot take). */
    adjustments: z.array(z.object({ field: z.string().min(1), reason: z.string().min(1) })),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.targetUserId}`,
});

export const userImportFailed = defineEvent({
  type: 'UserImportFailed',
  version: 1,
  stream: 'user',
  schema: z.object({
    sub: cognitoSub,
    target,
    /** The target's own words, e.g. Keycloak's `errorMessage`, or the importer's validation finding. */
    reason: z.string().min(1),
    field: z.string().nullable(),
    httpStatus: z.number().int().nullable(),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.field ?? ''}/${data.reason}`,
});

export type UserImportedData = z.infer<typeof userImported.schema>;
export type UserImportFailedData = z.infer<typeof userImportFailed.schema>;
