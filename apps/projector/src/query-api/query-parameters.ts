import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import {
  queryInteger,
  queryText,
  stuckKinds,
  stuckUserPosition,
  userListCursorSub,
  userListFilter,
} from '#projections';

/** The body of every 400 the query API answers: which parameter, and what is wrong with it. */
export interface BadParameter {
  readonly statusCode: 400;
  readonly error: 'Bad Request';
  readonly parameter: string;
  readonly message: string;
}

/** The query of `GET /api/users`: the filters, the page and the format. Unknown names are refused. */
export const userListQuery = userListFilter
  .extend({
    after: z
      .string()
      .transform((cursor, context) => {
        const sub = userListCursorSub(cursor);
        if (sub === null) {
          context.addIssue({ code: 'custom', message: 'is not a cursor this API handed out (`nextCursor`)' });
          return z.NEVER;
        }
        return sub;
      })
      .optional(),
    limit: queryInteger(1, 1000).default(100),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

/** The query of `GET /api/stuck-users`: why they are stuck, a reason's beginning, the page. */
export const stuckUserQuery = z
  .object({
    kind: z.enum(stuckKinds).optional(),
    reason: queryText(256).optional(),
    after: z
      .string()
      .transform((cursor, context) => {
        const position = stuckUserPosition(cursor);
        if (position === null) {
          context.addIssue({ code: 'custom', message: 'is not a cursor this API handed out (`nextCursor`)' });
          return z.NEVER;
        }
        return position;
      })
      .optional(),
    limit: queryInteger(1, 200).default(25),
  })
  .strict();

/** Routes that take no query parameter at all. */
export const noQuery = z.object({}).strict();

/** A path parameter naming a user: the Cognito `sub` (a UUID in Cognito; bounded text here). */
export const subParameter = z.object({ sub: queryText(128) });

/**
 * Parses query (or path) parameters with `schema`, or describes the first bad one: its name, and
 * what is wrong, e.g. `{ parameter: "limit", message: "must be a whole number from 1 to 1000" }`.
 */
export function checkParameters<S extends z.ZodType>(
  schema: S,
  raw: unknown,
): { ok: true; value: z.output<S> } | { ok: false; bad: BadParameter } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const parameter = issue.keys[0]!;
    return { ok: false, bad: badParameter(parameter, `is not a parameter of this route`) };
  }
  const parameter = String(issue.path[0] ?? '');
  // A repeated parameter (`?limit=1&limit=2`) arrives as an array: one value is expected.
  const repeated = Array.isArray((raw as Record<string, unknown> | null)?.[parameter]);
  return { ok: false, bad: badParameter(parameter, repeated ? 'must be given once' : messageOf(issue)) };
}

/** `checkParameters`, throwing the 400 that Nest answers with the `BadParameter` body. */
export function parseParameters<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const checked = checkParameters(schema, raw);
  if (!checked.ok) throw new BadRequestException(checked.bad);
  return checked.value;
}

function badParameter(parameter: string, message: string): BadParameter {
  return { statusCode: 400, error: 'Bad Request', parameter, message: `${parameter} ${message}` };
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'invalid_type') return 'must be a single text value';
  return issue.message;
}
