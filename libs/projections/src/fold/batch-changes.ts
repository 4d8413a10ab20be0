import { isUserFact, type UserMigrationState } from '#domain';
import type {
  BridgeTrafficRow,
  CutoverChangeRow,
  DeadLetterRow,
  ExportRunRow,
  ResetSkipRow,
} from '../projection/projection-store.js';
import { bridgeTrafficOf, cutoverChangesOf, exportRunsOf, resetSkipsOf } from './control-fact-rows.js';
import { deadLetterOf } from './dead-letter-row.js';
import type { FoldedFact } from './folded-fact.js';
import { projectUserFacts, type UserFactsProjection } from './user-facts-projection.js';

/**
 * Everything one batch of a partition's facts changes in the projections: the rows to upsert or
 * insert and the tallies to add. The projector writes it in one transaction (ProjectionTransaction
 * `write`); the auditor's verifier folds it in memory (MemoryProjection). Both apply the same
 * changes, so the fold is written once.
 */
export interface BatchChanges<F extends FoldedFact = FoldedFact> extends UserFactsProjection<F> {
  readonly exportRuns: ExportRunRow[];
  readonly bridgeTraffic: BridgeTrafficRow[];
  readonly cutoverChanges: CutoverChangeRow[];
  readonly resetSkips: ResetSkipRow[];
  /** A row for each fact the domain refused (`rejected`). */
  readonly deadLetters: DeadLetterRow[];
}

/** The users whose stored states a batch folds into. */
export function subjectsOf(facts: readonly FoldedFact[]): string[] {
  return [...new Set(facts.filter((f) => isUserFact(f.event)).map((f) => f.event.subject))];
}

/** Folds a batch of facts (one partition's, in offset order) into the stored states of their users. */
export function batchChangesOf<F extends FoldedFact>(
  stored: ReadonlyMap<string, UserMigrationState>,
  facts: readonly F[],
): BatchChanges<F> {
  const projection = projectUserFacts(
    stored,
    facts.filter((f) => isUserFact(f.event)),
  );
  const controlFacts = facts.map((f) => f.event).filter((e) => !isUserFact(e));
  return {
    ...projection,
    exportRuns: exportRunsOf(controlFacts),
    bridgeTraffic: bridgeTrafficOf(controlFacts),
    cutoverChanges: cutoverChangesOf(controlFacts),
    resetSkips: resetSkipsOf(controlFacts),
    deadLetters: projection.rejected.map(({ consumed, reason }) => deadLetterOf(consumed, reason)),
  };
}
