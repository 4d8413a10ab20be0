import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { cognitoSub, target } from './shared-fields.js';

/** What one import outcome says about the user in the target; shared by UserImported and its revisions. */
const importOutcome = {
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
};

export const userImported = defineEvent({
  type: 'UserImported',
  version: 1,
  stream: 'user',
  schema: z.object(importOutcome),
  subjectOf: (data) => data.sub,
  // One fact per user and target: a changed outcome is a UserImportRevised, never a second version of this one.
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.targetUserId}`,
});

/**
 * A later export changed the import outcome of a user already in the target (e.g. `export --totp`
 * showed TOTP enrolment, the Cognito status changed): the importer applied the change to the
 * target, then recorded this. UserImported stays as it was; the highest `revision` is the current
 * outcome. The content hash is part of the fact key, so another outcome is always another fact.
 */
export const userImportRevised = defineEvent({
  type: 'UserImportRevised',
  version: 1,
  stream: 'user',
  schema: z.object({
    ...importOutcome,
    /** 1 for the first revision of the user's import into this target, then 2, 3, ... */
    revision: z.number().int().min(1),
    /** Required actions the importer added to / removed from the target user for this revision. */
    requiredActionsAdded: z.array(z.string()),
    requiredActionsRemoved: z.array(z.string()),
    /** Names of the outcome fields that differ from the previous outcome, sorted. */
    changed: z.array(z.string().min(1)),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data, contentHash) =>
    `${data.target.kind}/${data.target.realm}/${data.targetUserId}/${data.revision}/${contentHash}`,
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
export type UserImportRevisedData = z.infer<typeof userImportRevised.schema>;
export type UserImportFailedData = z.infer<typeof userImportFailed.schema>;
