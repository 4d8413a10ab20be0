import { Command } from 'commander';
import { verifyBundle, type BundleManifest, type BundleVerdict } from '#audit-bundle';
import { exportAuditBundle } from '#auditor';
import type { Env } from '#config';
import { Ledger } from '#ledger';
import { checkpointOriginOf, readVerifierKey, sealerSections } from '#sealer';
import type { CommandConfig } from './command-config.js';
import { TerminalProgress } from './terminal-progress.js';

/** `ledger audit export DIR`: the offline auditor's bundle (docs/audit.md, "The auditor's bundle"). */
export function auditCommand(env: Env, commandConfig: CommandConfig): Command {
  const audit = new Command('audit').description("The offline auditor's bundle");
  audit
    .command('export')
    .argument('<dir>', 'an empty or new directory')
    .description(
      'Write every record of the user and control topics (raw bytes, one NDJSON file per partition), the signed ' +
        'checkpoints, the verifier key and a standalone verifier (verify-bundle.mjs: Node alone, no Kafka, no network) ' +
        'into DIR, then verify the bundle as an auditor will and print its verdict and ledger digest.',
    )
    .action(async (dir: string) => {
      const config = await commandConfig(env, sealerSections);
      const key = await readVerifierKey(config.seal);
      const ledger = new Ledger({ kafka: config.kafka });
      const progress = new TerminalProgress();
      let manifest: BundleManifest;
      try {
        manifest = await exportAuditBundle(ledger, dir, {
          origin: checkpointOriginOf(config, key.name),
          key,
          onProgress: (read, total) => progress.update('export', read, total, 'records'),
        });
      } finally {
        progress.stop();
      }
      const verdict = await verifyBundle(dir, key.toString());
      process.stdout.write(formatExport(dir, manifest, verdict));
      if (!verdict.ok) process.exitCode = 1;
    });
  return audit;
}

function formatExport(dir: string, manifest: BundleManifest, verdict: BundleVerdict): string {
  const records = manifest.partitions.reduce((sum, p) => sum + p.records, 0);
  const first = verdict.findings[0];
  return [
    `Exported ${records} records of ${manifest.partitions.length} partitions and ${manifest.checkpoints.records} checkpoints to ${dir}`,
    `  verifier key ${manifest.verifierKey}, origin ${manifest.origin}`,
    `  ${verdict.checkpointsVerified} checkpoints verified against the records, ${verdict.unsealed} records unsealed`,
    `Ledger digest ${verdict.ledgerDigest}`,
    `Projection digest ${verdict.projection?.digest ?? 'none'}${first ? ' (of the valid records read: the bundle failed)' : ''}`,
    first
      ? `FAILED: ${first.file} ${first.partition}${first.offset === null ? '' : ` offset ${first.offset}`}: ${first.reason}: ${first.detail}`
      : `Verified. The auditor runs: node ${dir}/verify-bundle.mjs ${dir} --key '${manifest.verifierKey}'`,
    '',
  ].join('\n');
}
