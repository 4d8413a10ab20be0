import { z } from 'zod';
import { migrationStatuses } from '#domain';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The filters of a user list, from query parameters; every name is a column of the `user_list` view. */
export const userListFilter = z.object({
  status: z.enum(migrationStatuses as [string, ...string[]]).optional(),
  active: flag.optional(),
  mfa_required: flag.optional(),
  mfa_reenrolled: flag.optional(),
  /** Users whose Cognito record links this provider. */
  provider: z.string().min(1).optional(),
  /** With `provider`: whether that link is re-bound in the target yet. */
  provider_rebound: flag.optional(),
  password_migrated_via: z.enum(['jit', 'reset']).optional(),
  /** At least this many reset e-mails sent. */
  min_resets: z.coerce.number().int().min(0).optional(),
  /** Username or e-mail starts with this (e-mail compared lower-cased). */
  search: z.string().min(1).optional(),
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
  if (filter.mfa_required !== undefined) clauses.push(`mfa_required = ${param(filter.mfa_required)}`);
  if (filter.mfa_reenrolled !== undefined)
    clauses.push(`(mfa_reenrolled_at is not null) = ${param(filter.mfa_reenrolled)}`);
  if (filter.provider !== undefined) {
    const provider = param(filter.provider);
    clauses.push(`${provider} = any (expected_providers)`);
    if (filter.provider_rebound !== undefined)
      clauses.push(`(${provider} = any (rebound_providers)) = ${param(filter.provider_rebound)}`);
  }
  if (filter.password_migrated_via !== undefined)
    clauses.push(`password_migrated_via = ${param(filter.password_migrated_via)}`);
  if (filter.min_resets !== undefined) clauses.push(`resets_sent >= ${param(filter.min_resets)}`);
  if (filter.search !== undefined) {
    const prefix = param(`${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    clauses.push(`(username like ${prefix} or email like lower(${prefix}))`);
  }
  return { sql: clauses.length > 0 ? clauses.join(' and ') : 'true', params };
}
