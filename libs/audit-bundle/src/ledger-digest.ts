import { createHash } from 'node:crypto';
import type { Hash } from '#audit';

/** One partition's whole tree: every record it holds, sealed or not. */
export interface PartitionHead {
  /** `user-events` or `control-events`: the topic's role, not its prefixed name. */
  readonly role: string;
  readonly partition: number;
  readonly size: number;
  readonly root: Hash;
}

/**
 * The **ledger digest**: `sha256:` + hex SHA-256 over one line per partition,
 * `<role>/<partition> <size> <base64 RFC 6962 root>\n`, partitions ordered by role then number.
 * Two readers with the same digest hold the same records in every partition, byte for byte and in
 * the same order. It names roles, not topics, so a copy of the ledger under another topic prefix
 * (or in an auditor's bundle) has the same digest. It is what the offline verifier prints in place
 * of the projection digest (docs/audit.md, "The ledger digest").
 */
export function ledgerDigest(heads: readonly PartitionHead[]): string {
  const lines = [...heads]
    .sort((a, b) => (a.role === b.role ? a.partition - b.partition : a.role < b.role ? -1 : 1))
    .map((h) => `${h.role}/${h.partition} ${h.size} ${Buffer.from(h.root).toString('base64')}\n`);
  return `sha256:${createHash('sha256').update(lines.join('')).digest('hex')}`;
}
