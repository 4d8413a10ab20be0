import type { PartitionLagView } from './projector.js';

export interface LedgerReadiness {
  readonly lag: number;
  readonly partitions: readonly PartitionLagView[];
}

/**
 * The ledger side of readiness: a projector with more than `maxLag` facts still to project would
 * answer from a stale state (a replay, a long outage), so it is not ready, and the error says how
 * far behind it is and where.
 */
export function ledgerReadiness(partitions: readonly PartitionLagView[], maxLag: number): LedgerReadiness {
  const lag = partitions.reduce((sum, p) => sum + p.lag, 0);
  if (lag > maxLag) {
    const worst = [...partitions].sort((a, b) => b.lag - a.lag)[0]!;
    throw new Error(
      `${lag} facts not projected yet, above PROJECTOR_READY_MAX_LAG (${maxLag}); most behind: ${worst.topic}/${worst.partition} (${worst.lag})`,
    );
  }
  return { lag, partitions };
}
