import { projectUntilCaughtUp, type ProjectorRuntimeConfig } from '#projector';
import { openReconciler, type ReconcilerRuntimeConfig } from '#reconciler';
import { runCompressed, type CompressedRunReport } from './compressed-run.js';

/**
 * For the demo: `days` of policy time from `from` in passes `stepDays` apart, projecting the
 * ledger between passes so each sees the last one's resets. Returns resets sent and decisions.
 */
export async function reconcileCompressed(
  config: ReconcilerRuntimeConfig & ProjectorRuntimeConfig,
  options: { from: Date; days: number; stepDays: number },
): Promise<CompressedRunReport> {
  const runtime = await openReconciler(config);
  try {
    await projectUntilCaughtUp(config);
    return await runCompressed(runtime.reconciler, {
      ...options,
      between: async () => void (await projectUntilCaughtUp(config)),
    });
  } finally {
    await runtime.close();
  }
}
