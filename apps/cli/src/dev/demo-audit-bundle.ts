import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import type { BundleVerdict } from '#audit-bundle';
import { exportAuditBundle } from '#auditor';
import type { ConfigOf } from '#config';
import { Ledger } from '#ledger';
import { openProjectionDataSource, projectionSnapshot } from '#projections';
import { checkpointOriginOf, readSignerKey } from '#sealer';

const run = promisify(execFile);

export interface DemoAudit {
  /** The verdict of the bundle's own `verify-bundle.mjs`, run with Node alone (`--json`). */
  readonly verdict: BundleVerdict;
  /** The live projections' digest (`ledger replay` prints the same for a replay of this ledger). */
  readonly liveDigest: string;
  /** Partitions whose live projection is not at the bundle's end: their digests need not be equal. */
  readonly notAtBundleEnd: readonly string[];
}

/**
 * `ledger audit export` into a temporary directory, then the bundle's verifier run as an auditor
 * runs it (Node alone, from the bundle's directory, no environment), and the live projections'
 * digest read beside the projection digest the verifier folded from the records.
 */
export async function auditDemoBundle(
  config: ConfigOf<'kafka' | 'database' | 'projector' | 'seal'>,
): Promise<DemoAudit> {
  const key = await readSignerKey(config.seal);
  const ledger = new Ledger({ kafka: config.kafka, logger: pino({ level: 'warn' }, process.stderr) });
  const dir = await mkdtemp(join(tmpdir(), 'demo-audit-bundle-'));
  try {
    const manifest = await exportAuditBundle(ledger, dir, {
      origin: checkpointOriginOf(config, key.name),
      key: key.verifier,
    });
    const args = [join(dir, 'verify-bundle.mjs'), dir, '--key', key.verifier.toString(), '--json'];
    // Exit code 1 is a verdict too (FAILED), printed all the same.
    const { stdout } = await run(process.execPath, args, { cwd: dir, env: {}, maxBuffer: 64 << 20 }).catch(
      (error: { stdout?: string; message: string }) => {
        if (!error.stdout) throw error;
        return { stdout: error.stdout };
      },
    );
    const verdict = JSON.parse(stdout) as BundleVerdict;
    const dataSource = await openProjectionDataSource(config.database.url, config.projector.schema);
    try {
      const live = await projectionSnapshot(dataSource, config.projector.schema);
      const notAtBundleEnd = manifest.partitions
        .filter((p) => (live.offsets.get(`${p.topic}/${p.partition}`) ?? 0n) !== BigInt(p.records))
        .map((p) => `${p.topic}/${p.partition}`);
      return { verdict, liveDigest: live.digest, notAtBundleEnd };
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
