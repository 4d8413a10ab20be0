import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { cognitoSub, target } from './shared-fields.js';

/** What the ledger-vs-target reconciliation compares for each user the ledger calls imported or migrated. */
export const disagreementField = z.enum([
  /** The ledger recorded the user imported (UserImported); the target has no user with that id. */
  'exists',
  /** The target's `enabled` differs from what the ledger recorded (the latest export and the import's treatment). */
  'enabled',
  /** A required action the ledger still expects (set at import, not completed per the ledger) is missing in the target. */
  'requiredActions',
  /** The ledger recorded PasswordMigrated; the target holds no password credential. */
  'password',
]);

/** Whom and what a disagreement is about: one user of one target, one field. */
const disagreementSubject = {
  sub: cognitoSub,
  target,
  targetUserId: z.string().min(1),
  field: disagreementField,
};

/**
 * The ledger and the target disagree about one user: a correction of the fact `contradicts`
 * (an event id), recorded by the reconciliation pass. The projection no longer counts the
 * contradicted claim while the disagreement is open (a password the target does not hold puts the
 * user back to "password still to migrate"). `occurrence` counts the disagreements about the same
 * fact and field, so one that comes back after it was resolved is a new fact, and a pass run again
 * over the same disagreement produces the same id.
 */
export const targetDisagreementFound = defineEvent({
  type: 'TargetDisagreementFound',
  version: 1,
  stream: 'user',
  schema: z.object({
    ...disagreementSubject,
    /** The ledger fact (event id) that the target contradicts. */
    contradicts: z.uuid(),
    occurrence: z.number().int().min(1),
    /** What the ledger said, e.g. `true`, `["CONFIGURE_TOTP"]`, `password held (PasswordMigrated jit)`. */
    ledger: z.string().min(1),
    /** What the target holds, e.g. `false`, `[]`, `no password credential`, `no such user`. */
    observed: z.string().min(1),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) =>
    `${data.target.kind}/${data.target.realm}/${data.targetUserId}/${data.field}/${data.contradicts}/${data.occurrence}`,
});

/** A later pass found the target agreeing with the ledger again on a disagreement's field: it is closed. */
export const targetDisagreementResolved = defineEvent({
  type: 'TargetDisagreementResolved',
  version: 1,
  stream: 'user',
  schema: z.object({
    ...disagreementSubject,
    /** The TargetDisagreementFound event id. */
    resolves: z.uuid(),
    /** What the target holds now. */
    observed: z.string().min(1),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.resolves}`,
});

export type DisagreementField = z.infer<typeof disagreementField>;
export type TargetDisagreementFoundData = z.infer<typeof targetDisagreementFound.schema>;
export type TargetDisagreementResolvedData = z.infer<typeof targetDisagreementResolved.schema>;
