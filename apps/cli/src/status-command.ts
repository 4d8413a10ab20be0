import { Command, InvalidArgumentError } from 'commander';
import type { Env } from '#config';
import { formatCriteriaReport, formatRollbackReport, openStatusReader, statusSections } from '#reconciler';
import type { CommandConfig } from './command-config.js';

/**
 * `ledger status`: the done criteria, the current cutover phase and what blocks the next one; with
 * `--rollback`, who would need attention on a return to Cognito. Reads only: nothing in Keycloak,
 * PostgreSQL or Kafka is changed (the realm is prepared by `ledger reconcile`).
 */
export function statusCommand(env: Env, commandConfig: CommandConfig): Command {
  return (
    new Command('status')
      .description(
        'The "done" criteria with values and thresholds, the current cutover phase (and the last decision, overrides ' +
          'included), what blocks the next phase, and the projected date to done at the current migration rate. ' +
          'Read-only.',
      )
      .option('--json', 'print the report as JSON', false)
      .option(
        '--rollback',
        'instead: the users whose state would need attention if the team went back to Cognito (before retirement)',
        false,
      )
      .option('--limit <n>', 'users listed by --rollback in the terminal (--json lists all)', positiveInteger, 50)
      // Over HTTP, the status is the projector's GET /api/cutover/status, behind a Keycloak login
      // (docs/dashboard.md): no second, unauthenticated server for it here.
      .action(async (options: { json: boolean; rollback: boolean; limit: number }) => {
        const now = new Date();
        const runtime = await openStatusReader(await commandConfig(env, statusSections));
        try {
          if (options.rollback) {
            const report = await runtime.status.rollbackReport();
            process.stdout.write(
              options.json ? `${JSON.stringify(report, null, 2)}\n` : formatRollbackReport(report, options.limit),
            );
          } else {
            const report = await runtime.status.criteria(now);
            process.stdout.write(
              options.json ? `${JSON.stringify(report, null, 2)}\n` : formatCriteriaReport(report, now),
            );
          }
        } finally {
          await runtime.close();
        }
      })
  );
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number >= 1, got "${value}"`);
  return n;
}
