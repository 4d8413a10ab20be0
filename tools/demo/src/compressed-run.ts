import type { CutoverPhaseChangedData } from '#events';
import type { PassReport, Reconciler } from '#reconciler';

export interface CompressedRunOptions {
  /** The first pass's clock. */
  readonly from: Date;
  readonly days: number;
  /** Simulated days between two passes. */
  readonly stepDays: number;
  /** Runs between passes, e.g. the projector, so that the next pass sees the facts of the last. */
  readonly between?: () => Promise<void>;
}

export interface CompressedRunReport {
  readonly passes: number;
  readonly resetsSent: number;
  readonly skipped: number;
  readonly decisions: readonly CutoverPhaseChangedData[];
  readonly last: PassReport;
}

/**
 * Passes of the reconciler on a compressed clock: `days` of policy time in a few seconds, with
 * no wait between e-mails. What the demo shows: resets sent and the decisions reached.
 */
export async function runCompressed(
  reconciler: Reconciler,
  options: CompressedRunOptions,
): Promise<CompressedRunReport> {
  const decisions: CutoverPhaseChangedData[] = [];
  let resetsSent = 0;
  let skipped = 0;
  let passes = 0;
  let last: PassReport | undefined;
  for (let day = 0; day <= options.days; day += options.stepDays) {
    const now = new Date(options.from.getTime() + day * 86_400_000);
    last = await reconciler.pass({ now, pace: async () => undefined });
    passes++;
    resetsSent += last.sent + last.recovered.resent;
    skipped += Object.values(last.skipped).reduce((a, b) => a + b, 0);
    if (last.decision) decisions.push(last.decision);
    await options.between?.();
  }
  return { passes, resetsSent, skipped, decisions, last: last! };
}
