/** The format name a bundle's manifest carries; a verifier refuses any other. */
export const BUNDLE_FORMAT = 'ledger-audit-bundle/1';
export const MANIFEST_FILE = 'manifest.json';
export const CHECKPOINTS_FILE = 'checkpoints.ndjson';
export const VERIFIER_KEY_FILE = 'verifier-key.txt';
export const VERIFIER_FILE = 'verify-bundle.mjs';

/** The ledger topics the sealer seals, by role: checkpoint origins name the role, not the topic. */
export const SEALED_ROLES = ['user-events', 'control-events'] as const;
export type SealedRole = (typeof SEALED_ROLES)[number];

/** What the manifest says of one file: a file that differs was cut short or changed. */
export interface BundleFile {
  readonly file: string;
  readonly records: number;
  readonly bytes: number;
  /** Hex SHA-256 of the file's bytes. */
  readonly sha256: string;
}

export interface BundlePartition extends BundleFile {
  readonly role: SealedRole;
  /** The Kafka topic it was exported from (informational: checkpoints name the role). */
  readonly topic: string;
  readonly partition: number;
}

/**
 * `manifest.json`, written last: a bundle without it is incomplete. It lists every file with its
 * record count, size and SHA-256, so that a bundle cut short in transfer is told apart from a
 * tampered ledger. It is not a proof of anything: the signed checkpoints are.
 */
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  /** Checkpoint origins are `<origin>/<role>/<partition>`. */
  readonly origin: string;
  /** The verifier key the checkpoints are signed with (also in verifier-key.txt). */
  readonly verifierKey: string;
  readonly exportedAt: string;
  readonly partitions: readonly BundlePartition[];
  readonly checkpoints: BundleFile;
  /** The ledger digest of the exported records, as the exporter computed it. */
  readonly ledgerDigest: string;
}

export function partitionFileName(role: SealedRole, partition: number): string {
  return `records/${role}-${partition}.ndjson`;
}

export function originOfPartition(origin: string, role: SealedRole, partition: number): string {
  return `${origin}/${role}/${partition}`;
}

/** Validates the manifest's shape; the error names the field. */
export function parseManifest(text: string): BundleManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  const m = value as Partial<BundleManifest> | null;
  if (typeof m !== 'object' || m === null) throw new Error('not a JSON object');
  if (m.format !== BUNDLE_FORMAT) throw new Error(`format ${JSON.stringify(m.format)} is not ${BUNDLE_FORMAT}`);
  if (typeof m.origin !== 'string' || m.origin.length === 0) throw new Error('origin is missing');
  if (typeof m.verifierKey !== 'string') throw new Error('verifierKey is missing');
  if (typeof m.ledgerDigest !== 'string') throw new Error('ledgerDigest is missing');
  if (!Array.isArray(m.partitions)) throw new Error('partitions is not an array');
  m.partitions.forEach((p, i) => {
    assertFile(p, `partitions[${i}]`);
    if (!SEALED_ROLES.includes(p.role)) throw new Error(`partitions[${i}].role ${JSON.stringify(p.role)} is unknown`);
    if (!Number.isSafeInteger(p.partition) || p.partition < 0)
      throw new Error(`partitions[${i}].partition is not a partition number`);
    if (p.file !== partitionFileName(p.role, p.partition))
      throw new Error(`partitions[${i}].file is not ${partitionFileName(p.role, p.partition)}`);
  });
  assertFile(m.checkpoints, 'checkpoints');
  if (m.checkpoints!.file !== CHECKPOINTS_FILE) throw new Error(`checkpoints.file is not ${CHECKPOINTS_FILE}`);
  return m as BundleManifest;
}

function assertFile(file: Partial<BundleFile> | undefined, where: string): void {
  if (typeof file !== 'object' || file === null) throw new Error(`${where} is missing`);
  if (typeof file.file !== 'string') throw new Error(`${where}.file is missing`);
  for (const field of ['records', 'bytes'] as const) {
    const n = file[field];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`${where}.${field} is not a count`);
  }
  if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256))
    throw new Error(`${where}.sha256 is not a hex SHA-256`);
}
