import { createHash } from 'node:crypto';

/**
 * Digest of an exported set: sha256 over its UserExported ids, sorted, one per line. Independent
 * of listing order (which AWS does not guarantee across pagination chains), so two exports of an
 * unchanged pool give the same digest and an auditor can recompute it from the topic alone.
 */
export function exportDigest(ids: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const id of [...ids].sort()) hash.update(`${id}\n`);
  return `sha256:${hash.digest('hex')}`;
}
