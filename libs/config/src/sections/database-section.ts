import { z } from 'zod';
import { section } from '../section.js';

export interface DatabaseConfig {
  /** May hold a password: never logged, never part of an error message. */
  readonly url: string;
}

export const databaseSection = section(
  { DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// URL' }) },
  (v): DatabaseConfig => ({ url: v.DATABASE_URL }),
);
