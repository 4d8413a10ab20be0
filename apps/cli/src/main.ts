#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { bridgeCommand } from './bridge-command.js';
import { commandConfigOf } from './command-config.js';
import { devCommands, localProfileConfig } from './dev/index.js';
import { exportCommand } from './export-command.js';
import { importCommand } from './import-command.js';
import { phaseCommand } from './phase-command.js';
import { projectCommand } from './project-command.js';
import { reconcileCommand } from './reconcile-command.js';
import { replayCommand } from './replay-command.js';
import { runCommand } from './run-command.js';
import { sealCommand } from './seal-command.js';
import { verifyCommand } from './verify-command.js';
import { auditCommand } from './audit-command.js';
import { proveCommand } from './prove-command.js';
import { signInAppCommand } from './sign-in-app-command.js';
import { statusCommand } from './status-command.js';
import { watchCommand } from './watch-command.js';

/**
 * The composition root: the one place the command reads its environment. Each command validates
 * the settings it uses from it once (command-config.ts) and hands typed settings down. The
 * development commands (dev/: the local stack, the synthetic pool, the demo) are registered here
 * and nowhere else; they also provide how the local profile reads its generated credentials.
 */
const env = process.env;
const commandConfig = commandConfigOf(localProfileConfig);

const program = new Command('ledger')
  .description('Cognito Migration Ledger: move users off Amazon Cognito and prove what happened to each of them.')
  .showHelpAfterError();

program.addCommand(exportCommand(env, commandConfig));
program.addCommand(importCommand(env, commandConfig));
program.addCommand(projectCommand(env, commandConfig));
program.addCommand(replayCommand(env, commandConfig));
program.addCommand(bridgeCommand(env, commandConfig));
program.addCommand(signInAppCommand(env, commandConfig));
program.addCommand(watchCommand(env, commandConfig));
program.addCommand(reconcileCommand(env, commandConfig));
program.addCommand(statusCommand(env, commandConfig));
program.addCommand(phaseCommand(env, commandConfig));
program.addCommand(sealCommand(env, commandConfig));
program.addCommand(verifyCommand(env, commandConfig));
// The auditor's offline bundle and one user's proof (docs/audit.md).
program.addCommand(auditCommand(env, commandConfig));
program.addCommand(proveCommand(env, commandConfig));
for (const command of devCommands(env)) program.addCommand(command);

program
  .parseAsync(process.argv)
  .catch((error: unknown) => runCommand.fail(error, { debug: Boolean(env.LEDGER_DEBUG) }));
