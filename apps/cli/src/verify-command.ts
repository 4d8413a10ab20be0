import { Command } from 'commander';
import type { Env } from '#config';
import { Ledger } from '#ledger';
import { checkpointOriginOf, readVerifierKey, sealerSections, verifyLedger, type VerificationReport } from '#sealer';
import type { CommandConfig } from './command-config.js';
import { TerminalProgress } from './terminal-progress.js';

/** `ledger verify`: the auditor's check of every record and every signed checkpoint. */
export function verifyCommand(env: Env, commandConfig: CommandConfig): Command {
  return new Command('verify')
    .description(
      'Read every record of the user and control topics from offset 0 and every checkpoint: check each record ' +
        '(schema through the upcasters, content hash, deterministic id), each checkpoint signature against ' +
        'LEDGER_SEAL_VERIFIER_KEY (default: the signing key’s public half), each root against the records and ' +
        'consistency between checkpoints. Exit code 1 naming the first bad topic/partition/offset.',
    )
    .option('--json', 'print the report as JSON on stdout', false)
    .action(async (options: { json: boolean }) => {
      const config = await commandConfig(env, sealerSections);
      const key = await readVerifierKey(config.seal);
      const ledger = new Ledger({ kafka: config.kafka });
      const progress = new TerminalProgress();
      let report: VerificationReport;
      try {
        report = await verifyLedger(ledger, key, {
          origin: checkpointOriginOf(config, key.name),
          onProgress: (read, total) => progress.update('verify', read, total, 'records'),
        });
      } finally {
        progress.stop();
      }
      process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatVerification(report));
      if (!report.ok) {
        const first = report.findings[0]!;
        process.stderr.write(
          `ledger: verify failed: ${first.topic}/${first.partition} offset ${first.offset}: ${first.reason}: ${first.detail}\n`,
        );
        process.exitCode = 1;
      }
    });
}

export function formatVerification(report: VerificationReport): string {
  const lines = [
    `${report.ok ? 'Verified' : 'FAILED'}: ${report.records} records, ${report.checkpointsVerified} checkpoints verified ` +
      `(${report.checkpoints} on the topic, ${report.duplicateCheckpoints} duplicates), ${report.unsealed} records unsealed, ` +
      `${(report.durationMs / 1000).toFixed(1)} s`,
    `  key ${report.verifierKey}, origin ${report.origin}`,
    `  ledger digest ${report.ledgerDigest}`,
    ...report.partitions.map(
      (p) =>
        `  ${`${p.topic}/${p.partition}`.padEnd(36)} ${String(p.records).padStart(9)} records, ` +
        `${p.checkpointsVerified} checkpoints, sealed to ${p.sealedSize}, ${p.unsealed} unsealed`,
    ),
    ...report.findings.map((f) => `  ${f.topic}/${f.partition} offset ${f.offset}: ${f.reason}: ${f.detail}`),
  ];
  return `${lines.join('\n')}\n`;
}
