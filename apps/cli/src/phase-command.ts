import { userInfo } from 'node:os';
import { Command } from 'commander';
import type { Env } from '#config';
import { openReconciler, reconcilerSections } from '#reconciler';
import type { CommandConfig } from './command-config.js';

/** `ledger phase advance|rollback --reason ...`: an operator's cutover decision, recorded with the criteria. */
export function phaseCommand(env: Env, commandConfig: CommandConfig): Command {
  const phase = new Command('phase').description('operator decisions on the cutover phase, recorded in the ledger');
  for (const action of ['advance', 'rollback'] as const) {
    phase
      .command(action)
      .description(
        action === 'advance'
          ? 'move to the next phase; refused while a criterion fails unless --override (never for retiring Cognito)'
          : 'go back to the previous phase (impossible once Cognito is retired)',
      )
      .requiredOption('--reason <text>', 'why: recorded in the decision event')
      .option('--operator <name>', 'who decides', userInfo().username)
      .option('--override', 'advance although a criterion of the phase is not met', false)
      .action(async (options: { reason: string; operator: string; override: boolean }) => {
        const runtime = await openReconciler(await commandConfig(env, reconcilerSections));
        try {
          const decision = await runtime.reconciler.operatorChange({ action, ...options }, new Date());
          process.stdout.write(
            `recorded #${decision.sequence}: ${decision.from} -> ${decision.to} by ${decision.operator}` +
              `${decision.override ? ' (override)' : ''}: ${decision.reason}\n`,
          );
        } finally {
          await runtime.close();
        }
      });
  }
  return phase;
}
