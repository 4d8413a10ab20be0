import type { z } from 'zod';

/** Which topic a type belongs to: facts about one user, or run/phase/decision facts. */
export type EventStream = 'user' | 'control';

export interface EventDefinition<T extends string, S extends z.ZodType> {
  readonly type: T;
  readonly version: number;
  readonly stream: EventStream;
  readonly schema: S;
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
