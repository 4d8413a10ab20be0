#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { bridgeCommand } from './bridge-command.js';
import { demoCommand } from './demo-command.js';
import { exportCommand } from './export-command.js';
import { importCommand } from './import-command.js';
import { phaseCommand } from './phase-command.js';
import { projectCommand } from './project-command.js';
import { reconcileCommand } from './reconcile-command.js';
import { replayCommand } from './replay-command.js';
import { runCommand } from './run-command.js';
import { seedCommand } from './seed-command.js';
import { signInAppCommand } from './sign-in-app-command.js';
import { stackCommand } from './stack-command.js';
import { statusCommand } from './status-command.js';
import { watchCommand } from './watch-command.js';

/**
 * The composition root: the one place the command reads its environment. Each command validates
 * the settings it uses from it once (command-config.ts) and hands typed settings down.
 */
const env = process.env;

const program = new Command('ledger')
  .description('Cognito Migration Ledger: move users off Amazon Cognito and prove what happened to each of them.')
  .showHelpAfterError();

program.addCommand(exportCommand(env));
program.addCommand(importCommand(env));
program.addCommand(projectCommand(env));
program.addCommand(replayCommand(env));
program.addCommand(stackCommand(env));
program.addCommand(seedCommand(env));
program.addCommand(demoCommand(env));
program.addCommand(bridgeCommand(env));
program.addCommand(signInAppCommand(env));
program.addCommand(watchCommand(env));
program.addCommand(reconcileCommand(env));
program.addCommand(statusCommand(env));
program.addCommand(phaseCommand(env));

program
  .parseAsync(process.argv)
  .catch((error: unknown) => runCommand.fail(error, { debug: Boolean(env.LEDGER_DEBUG) }));
