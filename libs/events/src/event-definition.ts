import type { z } from 'zod';
import type { OlderVersion } from './versioning/older-version.js';

/** Which topic a type belongs to: facts about one user, or run/phase/decision facts. */
export type EventStream = 'user' | 'control';

export interface EventDefinition<T extends string, S extends z.ZodType> {
  readonly type: T;
  /** The version written from now on (`schemaversion`, and `dataschema` ends in `:v<version>`). */
  readonly version: number;
  readonly stream: EventStream;
  /** The data as written at `version`: the shape every reader gets, whatever version was written. */
  readonly schema: S;
  /**
   * Every version written before `version`, oldest first (1, 2, ... version - 1), each with the pure
   * step to the next one. The ledger is never rewritten, so a version once written stays here for
   * good; see docs/events.md, "Changing an event".
   */
  readonly olderVersions?: readonly OlderVersion[];
  /** CloudEvents `subject`: the Cognito `sub` for user facts, the pool id for control facts. */
  readonly subjectOf: (data: z.infer<S>) => string;
  /** What makes two events the same fact; feeds the deterministic id. */
  readonly factKeyOf: (data: z.infer<S>, contentHash: string) => string;
}

export function defineEvent<T extends string, S extends z.ZodType>(
  definition: EventDefinition<T, S>,
): EventDefinition<T, S> {
  return definition;
}
