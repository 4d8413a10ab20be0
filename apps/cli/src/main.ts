#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { demoCommand } from './demo-command.js';
import { exportCommand } from './export-command.js';
import { importCommand } from './import-command.js';
import { runCommand } from './run-command.js';
import { seedCommand } from './seed-command.js';
import { stackCommand } from './stack-command.js';

const program = new Command('ledger')
  .description('Cognito Migration Ledger: move users off Amazon Cognito and prove what happened to each of them.')
  .showHelpAfterError();

program.addCommand(exportCommand());
program.addCommand(importCommand());
program.addCommand(stackCommand());
program.addCommand(seedCommand());
program.addCommand(demoCommand());

program.parseAsync(process.argv).catch((error: unknown) => runCommand.fail(error));
