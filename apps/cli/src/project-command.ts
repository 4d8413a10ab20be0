import { Command } from 'commander';
import type { Env } from '#config';
import {
  formatCompletion,
  formatRunSummary,
  projectorSections,
  projectUntilCaughtUp,
  serveProjector,
} from '#projector';
import type { CommandConfig } from './command-config.js';
import { stopRequested } from './stop-signal.js';

/** `ledger project`: the projector, once up to what the ledger holds, or following it with the query API. */
export function projectCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('project')
    .description(
      "Project the ledger into PostgreSQL (schema PROJECTION_SCHEMA): each user's migration state, id translation, " +
        'completion counters and burn-down. Resumes from the offsets stored with the projections.',
    )
    .option(
      '--follow',
      'keep projecting new facts and serve the query API, health and /metrics on PROJECTOR_HOST:PROJECTOR_PORT (stop with Ctrl-C)',
      false,
    )
    .action(async (options: { follow: boolean }) => {
      const config = await commandConfig(env, projectorSections);
      if (!options.follow) {
        const report = await projectUntilCaughtUp(config);
        process.stdout.write(formatRunSummary(report.run));
        process.stdout.write(formatCompletion(report.metrics));
        return;
      }
      const server = await serveProjector(config);
      process.stdout.write(`Projecting; query API on ${server.url}/api, OpenAPI on ${server.url}/docs\n`);
      await stopRequested();
      await server.close();
    });
}
