import { Command } from 'commander';
import type { Env } from '#config';
import { formatTableDigest } from '#projection-fold';
import { formatRunSummary, projectorSections, replayProjections, type ReplayReport } from '#projector';
import type { CommandConfig } from './command-config.js';

/** `ledger replay`: rebuild the projections from offset 0 and prove, by digest, that they match. */
export function replayCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('replay')
    .description(
      'Rebuild every projection from offset 0 into a fresh schema (<PROJECTION_SCHEMA>_replay_<time>) and print ' +
        'a deterministic digest of its state. Exit code 3 when --compare finds a difference.',
    )
    .option(
      '--compare',
      'replay up to the offsets the live schema has reached and compare digests; list the first differing rows',
      false,
    )
    .option('--keep', 'keep the replay schema for inspection (dropped by default)', false)
    .option(
      '--replace',
      "then put the replay in place of the live schema's projections, in one transaction: the way out when the " +
        "live schema's offsets are not of this ledger (another Kafka, topics deleted and created again)",
      false,
    )
    .action(async (options: { compare: boolean; keep: boolean; replace: boolean }) => {
      const report = await replayProjections(await commandConfig(env, projectorSections), options);
      process.stdout.write(formatReplay(report, options.keep));
      if (report.differences && report.differences.length > 0) process.exitCode = 3;
    });
}

export function formatReplay(report: ReplayReport, kept: boolean): string {
  const lines = [
    formatRunSummary(report.run).trimEnd(),
    `Replay digest ${report.replay.digest}${kept ? ` (schema ${report.schema} kept)` : ''}${report.replaced ? ` (now the projections of schema ${report.replaced})` : ''}`,
    ...report.replay.tables.map(formatTableDigest),
  ];
  if (report.live) {
    lines.push(`Live digest   ${report.live.digest}`);
    if (report.differences?.length === 0)
      lines.push('Identical: the live projections are exactly what the ledger gives.');
    else {
      lines.push(`DIFFERENT: first ${report.differences!.length} differing rows, differing columns only:`);
      for (const d of report.differences!) {
        lines.push(`  ${d.table} ${d.key}`);
        for (const [column, live, replay] of differingColumns(d.left, d.right)) {
          lines.push(`    ${column}: live ${live} | replay ${replay}`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Only the columns that differ: a row of `migration_user` is long, the difference usually one value. */
function differingColumns(left: unknown, right: unknown): [string, string, string][] {
  if (left === null || right === null) return [['(row)', JSON.stringify(left), JSON.stringify(right)]];
  const l = left as Record<string, unknown>;
  const r = right as Record<string, unknown>;
  return [...new Set([...Object.keys(l), ...Object.keys(r)])]
    .filter((column) => JSON.stringify(l[column]) !== JSON.stringify(r[column]))
    .map((column) => [column, JSON.stringify(l[column]), JSON.stringify(r[column])]);
}
