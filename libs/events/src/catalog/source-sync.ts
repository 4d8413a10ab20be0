import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { cognitoSub, poolId, target } from './shared-fields.js';

/** Matches a ledger event id (a name-based UUID). */
const eventIdField = z.uuid();

/**
 * A user the ledger had exported is gone from the pool: a rescan did not list them and
 * `AdminGetUser` then answered `UserNotFoundException` for them alone. Never recorded from a
 * listing's absence only, so an interrupted or short listing deletes nobody.
 */
export const userDeletedInSource = defineEvent({
  type: 'UserDeletedInSource',
  version: 1,
  stream: 'user',
  schema: z.object({
    poolId,
    sub: cognitoSub,
    /** The username that AdminGetUser was asked for. */
    username: z.string().min(1),
    /** Id of the UserExported fact that was the ledger's last view of the user. */
    lastExported: eventIdField,
  }),
  subjectOf: (data) => data.sub,
  // A sub is never reused: one deletion per user and pool.
  factKeyOf: (data) => data.poolId,
});

/** A user field as the sync names it: `email`, `emailVerified`, `firstName`, `lastName`, `enabled`, `attributes.<name>`, `groups`, `deleted`. */
const syncedField = z.string().min(1);

/**
 * A change from Cognito that the target now holds (written and read back before this is recorded).
 * `values` has the new value of each changed field (never a password: the sync does not touch
 * credentials); an attribute removed is `[]`. `deleted` means the account was removed from the
 * target (deletion policy `delete`); with policy `disable` a deletion in Cognito is `enabled: false`.
 */
export const userUpdatedInTarget = defineEvent({
  type: 'UserUpdatedInTarget',
  version: 1,
  stream: 'user',
  schema: z.object({
    sub: cognitoSub,
    target,
    targetUserId: z.string().min(1),
    /** The UserExported (source-change) or UserDeletedInSource (source-deletion) fact applied. */
    basedOn: eventIdField,
    cause: z.enum(['source-change', 'source-deletion']),
    /** Changed fields, sorted. */
    fields: z.array(syncedField).min(1),
    values: z.object({
      email: z.string().nullable().optional(),
      emailVerified: z.boolean().optional(),
      firstName: z.string().nullable().optional(),
      lastName: z.string().nullable().optional(),
      enabled: z.boolean().optional(),
      deleted: z.literal(true).optional(),
      attributes: z.record(z.string(), z.array(z.string())).optional(),
    }),
    groupsJoined: z.array(z.string().min(1)),
    groupsLeft: z.array(z.string().min(1)),
  }),
  subjectOf: (data) => data.sub,
  // One application of a source fact per target.
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.basedOn}`,
});

/**
 * A change from Cognito arrived after writes moved to the target (`target-writes` or later): the
 * target is the system of record then, so the change is recorded here and not applied.
 */
export const sourceChangeRejected = defineEvent({
  type: 'SourceChangeRejected',
  version: 1,
  stream: 'user',
  schema: z.object({
    sub: cognitoSub,
    target,
    targetUserId: z.string().min(1),
    basedOn: eventIdField,
    cause: z.enum(['source-change', 'source-deletion']),
    /** The cutover phase that decided it. */
    phase: z.string().min(1),
    /** The fields Cognito changed that the target keeps as it has them, sorted. */
    fields: z.array(syncedField).min(1),
    /** What the target holds and keeps, of the fields the ledger follows (e-mail, enabled). */
    kept: z.object({ email: z.string().nullable(), enabled: z.boolean() }),
  }),
  subjectOf: (data) => data.sub,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}/${data.basedOn}`,
});

/**
 * A user that exists only in the target: registered on its pages or created there, never exported
 * from Cognito. Such a user has no Cognito `sub`; the target's user id stands in as the ledger
 * subject, so the projections count them and a rollback report lists them (Cognito would need
 * them created, and a password reset, since the target's password hash cannot go back).
 */
export const userRegisteredInTarget = defineEvent({
  type: 'UserRegisteredInTarget',
  version: 1,
  stream: 'user',
  schema: z.object({
    target,
    targetUserId: z.string().min(1).max(128),
    username: z.string().min(1),
    email: z.string().nullable(),
    /** `self-registration`: Keycloak's REGISTER event. */
    via: z.enum(['self-registration', 'admin']),
  }),
  subjectOf: (data) => data.targetUserId,
  factKeyOf: (data) => `${data.target.kind}/${data.target.realm}`,
});

export type UserRegisteredInTargetData = z.infer<typeof userRegisteredInTarget.schema>;
export type UserDeletedInSourceData = z.infer<typeof userDeletedInSource.schema>;
export type UserUpdatedInTargetData = z.infer<typeof userUpdatedInTarget.schema>;
export type SourceChangeRejectedData = z.infer<typeof sourceChangeRejected.schema>;
