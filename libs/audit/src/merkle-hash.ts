import { createHash, hash } from 'node:crypto';

/**
 * RFC 6962 §2.1 (restated in RFC 9162 §2.1.1) domain-separated hashes: a leaf is hashed with a 0x00
 * prefix and an interior node with 0x01, so that no leaf can pose as a node (second-preimage
 * resistance of the tree). SHA-256 is the only hash the ledger uses.
 */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);

/** `SHA-256(0x00 || leaf)`. */
export function leafHash(leaf: Uint8Array): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

/**
 * SHA-256 of bytes whose first byte is already the leaf prefix 0x00: the one-shot `crypto.hash`
 * is several times faster than a Hash object for the few hundred bytes of a ledger record, which
 * is most of `ledger verify`'s hashing.
 */
export function prefixedLeafHash(prefixedLeaf: Uint8Array): Hash {
  if (prefixedLeaf[0] !== 0x00) throw new RangeError('a prefixed leaf starts with 0x00');
  return hash('sha256', prefixedLeaf, 'buffer');
}

/** `SHA-256(0x01 || left || right)`. */
export function nodeHash(left: Hash, right: Hash): Hash {
  const node = Buffer.allocUnsafe(1 + left.length + right.length);
  node[0] = 0x01;
  node.set(left, 1);
  node.set(right, 1 + left.length);
  return hash('sha256', node, 'buffer');
}

/** The root of the empty tree: `SHA-256("")`. */
export function emptyRoot(): Hash {
  return createHash('sha256').digest();
}

export function hashesEqual(a: Hash, b: Hash): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export function toHex(hash: Hash): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
}
