import type { z } from 'zod';
import { InvalidEventError } from './invalid-event-error.js';

/** Renders zod's first issue path as `data.groups[3]` so the error names the field. */
export function schemaIssueToError(error: z.ZodError, eventType: string | undefined, root: string): InvalidEventError {
  const issue = error.issues[0]!;
  const path = issue.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    root,
  );
  return new InvalidEventError(path, issue.message, eventType);
}
