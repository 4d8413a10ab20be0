import { Command, InvalidArgumentError } from 'commander';
import type { Env } from '#config';
import { DatabaseUnavailableError } from '#projections';
import { openReconciler, reconcilerSections, type PassReport, type ReconcilerRuntimeConfig } from '#reconciler';
import type { CommandConfig } from './command-config.js';

/** `ledger reconcile`: one pass of the reconciler on the real clock. */
export function reconcileCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('reconcile')
    .description(
      'One reconciler pass: finish resets a crash left open, e-mail the long-tail users due a reset (at the policy rate), ' +
        'then advance the cutover phase if its criteria hold. Policy: RECONCILER_POLICY_FILE.',
    )
    .option('--at <time>', 'evaluate as of this ISO time instead of now (rehearsals)', (value: string) => {
      const at = new Date(value);
      if (Number.isNaN(at.getTime())) throw new InvalidArgumentError(`expected an ISO time, got "${value}"`);
      return at;
    })
    .action(async (options: { at?: Date }) => {
      const report = await reconcileOnce(await commandConfig(env, reconcilerSections), options.at ?? new Date());
      process.stdout.write(formatPass(report));
    });
}

export async function reconcileOnce(config: ReconcilerRuntimeConfig, now: Date): Promise<PassReport> {
  try {
    const runtime = await openReconciler(config);
    try {
      return await runtime.reconciler.pass({ now });
    } finally {
      await runtime.close();
    }
  } catch (error) {
    // A PostgreSQL outage (a restart, a failover) ends the pass at its next statement. The driver's
    // own words (`connect ECONNREFUSED …`) name neither the server nor the setting; nothing is lost,
    // as every attempt the pass claimed is in the send journal and the next pass finishes it.
    throw (
      DatabaseUnavailableError.of(
        error,
        config.database.url,
        'the reconcile pass (run it again once the server answers: the next pass finishes the attempts this one claimed)',
      ) ?? error
    );
  }
}

export function formatPass(report: PassReport): string {
  const skipped = Object.entries(report.skipped).map(([reason, n]) => `${n} ${reason}`);
  const { confirmed, resent, recorded } = report.recovered;
  const lines = [
    `recovered   ${recorded} open attempts (${confirmed} confirmed sent by Keycloak, ${resent} sent now)`,
    `resets      ${report.due} due, ${report.sent} sent, ${report.deferred} deferred by the rate, ` +
      `${report.alreadyClaimed} already sent (not projected yet), ${report.failed} failed`,
    `skipped     ${skipped.length ? skipped.join(', ') : 'none'}`,
    `decision    ${
      report.decision
        ? `${report.decision.from} -> ${report.decision.to} (${report.decision.reason})`
        : `stay in ${report.cutover.phase}${report.readiness.blocking.length ? `: blocked by ${report.readiness.blocking.map((c) => c.id).join(', ')}` : ''}`
    }`,
  ];
  return `${lines.join('\n')}\n`;
}
