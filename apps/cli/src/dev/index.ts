import type { Command } from 'commander';
import type { Env } from '#config';
import { demoCommand } from './demo-command.js';
import { seedCommand } from './seed-command.js';
import { stackCommand } from './stack-command.js';

/**
 * The `ledger` command's development commands: the local stack, the synthetic pool and the demo.
 * They run on the local stack only (tools/stack, tools/demo); the production commands beside this
 * folder never import it, and main.ts, the composition root, registers these under a heading of
 * their own.
 */
export function devCommands(env: Env): Command[] {
  return [stackCommand(env), seedCommand(env), demoCommand(env)].map((command) =>
    command.helpGroup('Local stack and demo (development):'),
  );
}

/** How a command under LEDGER_PROFILE=local reads its settings (main.ts hands it to every command). */
export { localConfig as localProfileConfig } from '#stack';
