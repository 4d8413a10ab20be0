import type { z } from 'zod';
import type { EventDefinition } from '../event-definition.js';
import { InvalidEventError } from '../invalid-event-error.js';
import { schemaIssueToError } from '../schema-issue.js';

type AnyDefinition = EventDefinition<string, z.ZodType>;

/** The versions a reader of this type understands, oldest first; the last one is the version written now. */
export function readableVersionsOf(definition: AnyDefinition): number[] {
  return [...(definition.olderVersions ?? []).map((older) => older.version), definition.version];
}

/**
 * Data written at `version`, in the current shape: checked against the schema of the version it
 * was written at, then taken through each upcaster in turn (v1 -> v2 -> ... -> current), each
 * step's result checked against the next version's schema. A version this reader does not know
 * fails on `schemaversion`; data that does not fit its own version fails on the field, as written
 * (`data.groups[3]`).
 */
export function upcastToCurrent(definition: AnyDefinition, version: number, data: unknown): unknown {
  const older = definition.olderVersions ?? [];
  const versions = readableVersionsOf(definition);
  const start = versions.indexOf(version);
  if (start < 0) {
    throw new InvalidEventError(
      'schemaversion',
      `version ${version} is not readable (known: ${versions.join(', ')})`,
      definition.type,
    );
  }
  const schemas = [...older.map((o) => o.schema), definition.schema];
  let current = checked(schemas[start]!, data, definition.type, '');
  for (let step = start; step < older.length; step++) {
    const after = ` after upcasting v${versions[step]} to v${versions[step + 1]}`;
    current = checked(schemas[step + 1]!, older[step]!.upcast(current), definition.type, after);
  }
  return current;
}

function checked(schema: z.ZodType, data: unknown, type: string, after: string): unknown {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const error = schemaIssueToError(parsed.error, type, 'data');
  throw after ? new InvalidEventError(error.path, `${error.problem}${after}`, type) : error;
}
