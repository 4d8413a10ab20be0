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

const program = new Command('ledger')
  .description('Cognito Migration Ledger: move users off Amazon Cognito and prove what happened to each of them.')
  .showHelpAfterError();

program.addCommand(exportCommand());
program.addCommand(importCommand());
program.addCommand(projectCommand());
program.addCommand(replayCommand());
program.addCommand(stackCommand());
program.addCommand(seedCommand());
program.addCommand(demoCommand());
program.addCommand(bridgeCommand());
program.addCommand(signInAppCommand());
program.addCommand(watchCommand());
program.addCommand(reconcileCommand());
program.addCommand(statusCommand());
program.addCommand(phaseCommand());

program.parseAsync(process.argv).catch((error: unknown) => runCommand.fail(error));
