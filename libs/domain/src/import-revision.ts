import canonicalize from 'canonicalize';
import type { ImportRecord } from './user-migration.js';

/** What an import says about a user in the target: the content of UserImported and of its revisions. */
export interface ImportOutcome {
  readonly outcome: 'created' | 'matched';
  readonly matchedBy: 'username' | 'email' | 'sub' | null;
  readonly requiredActions: readonly string[];
  readonly needsPasswordMigration: boolean;
  readonly loginName: string;
  readonly treatment: string;
  readonly adjustments: readonly { readonly field: string; readonly reason: string }[];
}

/** The fields of an outcome, compared one by one (a record may carry more, e.g. its time). */
const outcomeFields = [
  'outcome',
  'matchedBy',
  'requiredActions',
  'needsPasswordMigration',
  'loginName',
  'treatment',
  'adjustments',
] as const satisfies readonly (keyof ImportOutcome)[];

export type ImportRevisionDecision =
  | { readonly kind: 'unchanged' }
  | {
      readonly kind: 'revise';
      readonly revision: number;
      /** Outcome fields that differ, sorted. */
      readonly changed: readonly string[];
      /** What the target user must gain and lose so that it holds the new outcome. */
      readonly requiredActionsAdded: readonly string[];
      readonly requiredActionsRemoved: readonly string[];
    };

/**
 * Given the outcome the ledger records for a user already in the target, and the one a later
 * export leads to, decides whether there is a new fact to record. Lists compare as sets: the
 * order Keycloak or the mapping happens to list them in is no change.
 */
export function decideImportRevision(recorded: ImportRecord, proposed: ImportOutcome): ImportRevisionDecision {
  const changed = outcomeFields.filter((field) => comparable(recorded[field]) !== comparable(proposed[field])).sort();
  if (changed.length === 0) return { kind: 'unchanged' };
  const had = new Set(recorded.requiredActions);
  const wants = new Set(proposed.requiredActions);
  return {
    kind: 'revise',
    revision: recorded.revision + 1,
    changed,
    requiredActionsAdded: [...wants].filter((a) => !had.has(a)).sort(),
    requiredActionsRemoved: [...had].filter((a) => !wants.has(a)).sort(),
  };
}

function comparable(value: ImportOutcome[keyof ImportOutcome]): string {
  if (!Array.isArray(value)) return JSON.stringify(value);
  return JSON.stringify([...new Set(value.map((v: unknown) => canonicalize(v)!))].sort());
}
