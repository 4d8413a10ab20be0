import { z } from 'zod';

/**
 * The rules a value must follow, shared by every section that reads the same kind of setting, so
 * that one kind of value is checked one way everywhere. Messages say what is expected and never
 * repeat the value (it may be a secret).
 */

const wholeNumber = (min: number, max: number | undefined) =>
  max === undefined ? `must be a whole number of at least ${min}` : `must be a whole number from ${min} to ${max}`;

/** A whole number within bounds, given as decimal text. */
export function integer(min: number, max?: number) {
  const error = wholeNumber(min, max);
  const rule = z.coerce.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? rule : rule.max(max, { error });
}

/** A TCP port to connect to or listen on. */
export const port = integer(1, 65535);

/** A port to listen on, where 0 asks the system for any free one (tests, benchmarks). */
export const listenPort = integer(0, 65535);

/** A number of requests (or the like) per second; fractions allowed. */
export const rate = z.coerce
  .number({ error: 'must be a number above 0' })
  .positive({ error: 'must be a number above 0' });

export const nonEmpty = z.string().min(1, { error: 'must not be empty' });

export const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` });

/**
 * Every PostgreSQL schema this product creates (PROJECTION_SCHEMA, RECONCILER_SCHEMA,
 * WATCHER_SCHEMA): a lower-case identifier, so that it never needs quoting, and short enough for
 * the suffix a replay adds (`<schema>_replay_<14 digits>`) to stay within PostgreSQL's 63 bytes.
 */
export const schemaName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*$/, { error: 'must be a lower-case PostgreSQL identifier (a-z, 0-9, _)' })
  .max(40, { error: 'must be at most 40 characters (a replay adds a suffix to it)' });

/** pino's levels (https://getpino.io/#/docs/api?id=level-string). */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logLevel = z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` });

/** A JSON object of non-empty strings, e.g. a name mapping. */
export const stringMap = (example: string) =>
  z.string().transform((text, ctx) => {
    try {
      const parsed = z.record(z.string(), z.string().min(1)).safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: `must be a JSON object of strings, e.g. ${example}` });
    return z.NEVER;
  });
