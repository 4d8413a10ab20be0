import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { NoteVerifierKey } from '#audit';
import { AuditBundleWriter, type BundleManifest, type BundlePartitionSource } from '#audit-bundle';
import type { Ledger } from '#ledger';
import { sealedTopics } from './sealed-topics.js';

export interface AuditExportOptions {
  /** Checkpoint origins are `<origin>/<role>/<partition>`. */
  readonly origin: string;
  readonly key: NoteVerifierKey;
  /** The verifier copied into the bundle; by default the one `npm run build` bundled (`builtVerifier`). */
  readonly verifierSource?: string;
  readonly onProgress?: (recordsRead: number, total: number) => void;
}

/** The verifier `npm run build` bundles (tools/audit-verifier/build.mjs), beside the compiled apps. */
export const builtVerifier = fileURLToPath(new URL('../../../audit-verifier/verify-bundle.mjs', import.meta.url));

/**
 * `ledger audit export DIR`: every record of the sealed topics (raw bytes, per partition, in offset
 * order), every record of the checkpoints topic, the verifier key and the verifier, then the
 * manifest. The checkpoints are read first, so that every checkpoint in the bundle covers records
 * that are in it; records sealed later are in the bundle as unsealed.
 */
export async function exportAuditBundle(
  ledger: Ledger,
  dir: string,
  options: AuditExportOptions,
): Promise<BundleManifest> {
  const verifier = options.verifierSource ?? builtVerifier;
  // Before anything is read or written: a bundle without its verifier is of no use to an auditor.
  await access(verifier).catch(() => {
    throw new Error(`${verifier} is missing: run \`npm run build\` (it bundles the verifier)`);
  });
  const sealed = sealedTopics(ledger.topics);
  const origin = await ledger.origin(sealed.map((s) => s.topic));
  const partitions: BundlePartitionSource[] = sealed.flatMap(({ role, topic }) =>
    [...origin.topics.get(topic)!.ends.keys()].sort((a, b) => a - b).map((partition) => ({ role, topic, partition })),
  );
  const total = [...origin.topics.values()].reduce(
    (sum, t) => sum + [...t.ends.values()].reduce((a, b) => a + Number(b), 0),
    0,
  );
  const writer = await AuditBundleWriter.create(dir, options.origin, options.key.toString(), partitions);
  const checkpoints = ledger.topics.checkpoints;
  if (await ledger.hasTopics([checkpoints])) {
    await ledger.scanRaw([checkpoints], (record) =>
      writer.checkpoint({
        offset: record.offset,
        origin: record.key?.toString('utf8') ?? '',
        note: record.value?.toString('utf8') ?? '',
      }),
    );
  }
  const roleOf = new Map(sealed.map((s) => [s.topic, s.role]));
  let read = 0;
  await ledger.scanRaw(
    sealed.map((s) => s.topic),
    async (record) => {
      await writer.record(roleOf.get(record.topic)!, record.partition, record);
      if (++read % 10_000 === 0) options.onProgress?.(read, total);
    },
  );
  options.onProgress?.(read, total);
  return writer.close(verifier, new Date());
}
