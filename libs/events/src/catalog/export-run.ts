import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { isoTime, poolId } from './shared-fields.js';

export const poolSettings = z.object({
  name: z.string(),
  /** Attributes that serve as the username (`email`, `phone_number`); empty: a free-form username. */
  usernameAttributes: z.array(z.string()),
  /** Attributes accepted as sign-in aliases alongside the username. */
  aliasAttributes: z.array(z.string()),
  mfaConfiguration: z.string(),
  customAttributes: z.array(z.object({ name: z.string(), type: z.string() })),
  /**
   * Standard attributes the pool's schema marks `Required` (without `sub`), sorted. Absent in runs
   * recorded before it was exported: the pool's requirements are then unknown and taken as none.
   */
  requiredAttributes: z.array(z.string()).optional(),
  estimatedUsers: z.number().int().nonnegative().nullable(),
});

export const exportRunStarted = defineEvent({
  type: 'ExportRunStarted',
  version: 1,
  stream: 'control',
  schema: z.object({
    runId: z.uuid(),
    poolId,
    startedAt: isoTime,
    /** Whether the per-user AdminGetUser pass for TOTP enrolment runs (it makes each user a billable MAU). */
    totpLookup: z.boolean(),
    /** How the pool was configured: targets need it to choose the login name and map attributes. */
    pool: poolSettings,
  }),
  subjectOf: (data) => data.poolId,
  factKeyOf: (data) => data.runId,
});

export const exportRunCompleted = defineEvent({
  type: 'ExportRunCompleted',
  version: 1,
  stream: 'control',
  schema: z.object({
    runId: z.uuid(),
    poolId,
    completedAt: isoTime,
    /** Users in the pool as listed by this run. */
    users: z.number().int().nonnegative(),
    /** UserExported events this run added to the ledger; the rest were already there, unchanged. */
    published: z.number().int().nonnegative(),
    alreadyInLedger: z.number().int().nonnegative(),
    groups: z.number().int().nonnegative(),
    disabled: z.number().int().nonnegative(),
    byStatus: z.record(z.string(), z.number().int().nonnegative()),
    withAnomalies: z.number().int().nonnegative(),
    /** Listed users that could not become facts (e.g. a record without `sub`), by username. */
    rejected: z.array(z.object({ username: z.string(), problem: z.string() })),
    /** sha256 over the sorted ids of every UserExported of the exported set, one per line. */
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    apiCalls: z.record(z.string(), z.number().int().nonnegative()),
    durationMs: z.number().int().nonnegative(),
  }),
  subjectOf: (data) => data.poolId,
  factKeyOf: (data) => data.runId,
});

export type PoolSettings = z.infer<typeof poolSettings>;
export type ExportRunStartedData = z.infer<typeof exportRunStarted.schema>;
export type ExportRunCompletedData = z.infer<typeof exportRunCompleted.schema>;
