import { z } from 'zod';
import { ConfigError } from './config-error.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates one group of environment variables against a zod shape whose keys are the variable
 * names, so every error can name the variable the operator has to fix.
 */
export function readEnv<S extends z.ZodRawShape>(env: Env, shape: S): z.infer<z.ZodObject<S>> {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    picked[key] = value === '' ? undefined : value;
  }
  const result = z.object(shape).safeParse(picked);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    const problem = picked[variable] === undefined ? 'is required but not set' : issue.message;
    throw new ConfigError(variable, problem);
  }
  return result.data;
}
