import type { LedgerEvent } from '#events';

/**
 * A valid event with the place it was read from: what the projection folds. The projector's
 * consumed events and the auditor's bundle records both are one.
 */
export interface FoldedFact {
  readonly event: LedgerEvent;
  readonly record: { readonly topic: string; readonly partition: number; readonly offset: string };
}
