import { z } from 'zod';
import { migrationStatuses } from '#domain';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * Free text that goes to PostgreSQL as a parameter: bounded, and without control characters
 * (PostgreSQL refuses a NUL byte in text, which must be the client's 400, not the server's 500).
 */
export const queryText = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/** A whole number in decimal digits within [min, max] (no `1e3`, `0x10`, blanks or signs). */
export const queryInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be a whole number from ${min} to ${max}`)
        .max(max, `must be a whole number from ${min} to ${max}`),
    );

/**
 * The filters of a user list, from query parameters (camelCase, like every name the API answers);
 * each is a column of the `user_list` view.
 */
export const userListFilter = z.object({
  status: z.enum(migrationStatuses as [string, ...string[]]).optional(),
  /** Enabled in Cognito. */
  active: flag.optional(),
  mfaRequired: flag.optional(),
  mfaReenrolled: flag.optional(),
  /** Users whose Cognito record links this provider. */
  provider: queryText(128).optional(),
  /** With `provider`: whether that link is re-bound in the target yet. */
  providerRebound: flag.optional(),
  passwordMigratedVia: z.enum(['jit', 'reset']).optional(),
  /** At least this many reset e-mails sent. */
  minResets: queryInteger(0, 1000).optional(),
  /** Username or e-mail starts with this (e-mail compared lower-cased). */
  search: queryText(256).optional(),
});

export type UserListFilter = z.infer<typeof userListFilter>;

/** `where` clause over `user_list` and its parameters, numbered from `first`. */
export function userListWhere(filter: UserListFilter, first = 1): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  if (filter.status !== undefined) clauses.push(`status = ${param(filter.status)}`);
  if (filter.active !== undefined) clauses.push(`active = ${param(filter.active)}`);
  if (filter.mfaRequired !== undefined) clauses.push(`mfa_required = ${param(filter.mfaRequired)}`);
  if (filter.mfaReenrolled !== undefined)
    clauses.push(`(mfa_reenrolled_at is not null) = ${param(filter.mfaReenrolled)}`);
  if (filter.provider !== undefined) {
    const provider = param(filter.provider);
    clauses.push(`${provider} = any (expected_providers)`);
    if (filter.providerRebound !== undefined)
      clauses.push(`(${provider} = any (rebound_providers)) = ${param(filter.providerRebound)}`);
  }
  if (filter.passwordMigratedVia !== undefined)
    clauses.push(`password_migrated_via = ${param(filter.passwordMigratedVia)}`);
  if (filter.minResets !== undefined) clauses.push(`resets_sent >= ${param(filter.minResets)}`);
  if (filter.search !== undefined) {
    const prefix = param(`${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    clauses.push(`(username like ${prefix} or email like lower(${prefix}))`);
  }
  return { sql: clauses.length > 0 ? clauses.join(' and ') : 'true', params };
}
