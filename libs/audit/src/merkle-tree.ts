import { CompactRange } from './compact-range.js';
import { emptyRoot, hashesEqual, nodeHash, type Hash } from './merkle-hash.js';
import { assertSize, splitPoint } from './subtree-split.js';

/**
 * Where a proof generator gets MTH(D[start:end]) from: a list of every leaf hash, or (for the
 * sealer) the compact range of a checkpointed prefix plus the leaves appended after it.
 */
export interface SubtreeHashes {
  hashOf(start: number, end: number): Hash;
}

/** MTH(D[0:n]) of RFC 9162 §2.1.1. */
export function treeRoot(leafHashes: readonly Hash[]): Hash {
  return leafHashes.length === 0 ? emptyRoot() : CompactRange.of(leafHashes).root();
}

/** Every leaf hash, kept: subtree hashes are computed on demand. */
export function leafHashesTree(leafHashes: readonly Hash[]): SubtreeHashes {
  return {
    hashOf: (start, end) => {
      if (start < 0 || end > leafHashes.length || start >= end) {
        throw new RangeError(`no subtree [${start}, ${end}) in a tree of ${leafHashes.length} leaves`);
      }
      return CompactRange.of(leafHashes.slice(start, end)).root();
    },
  };
}

/** PATH(index, D[0:size]) of RFC 9162 §2.1.3.1: the audit path of one leaf, deepest sibling first. */
export function inclusionProof(index: number, size: number, tree: SubtreeHashes): Hash[] {
  assertSize('size', size);
  assertSize('index', index);
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const proof: Hash[] = [];
  const path = (m: number, start: number, n: number): void => {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, k);
      proof.push(tree.hashOf(start + k, start + n));
    } else {
      path(m - k, start + k, n - k);
      proof.push(tree.hashOf(start, start + k));
    }
  };
  path(index, 0, size);
  return proof;
}

/** PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1; empty when first is 0 or equals second. */
export function consistencyProof(first: number, second: number, tree: SubtreeHashes): Hash[] {
  assertSize('first', first);
  assertSize('second', second);
  if (first > second) throw new RangeError(`a tree of size ${first} cannot be a prefix of one of size ${second}`);
  const proof: Hash[] = [];
  if (first === 0 || first === second) return proof;
  const subproof = (m: number, start: number, n: number, whole: boolean): void => {
    if (m === n) {
      if (!whole) proof.push(tree.hashOf(start, start + n));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, k, whole);
      proof.push(tree.hashOf(start + k, start + n));
    } else {
      subproof(m - k, start + k, n - k, false);
      proof.push(tree.hashOf(start, start + k));
    }
  };
  subproof(first, 0, second, true);
  return proof;
}

// The verifiers below use arithmetic, not JavaScript's 32-bit bitwise operators, so that they hold
// for any tree size up to 2^53.
const lsb = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2: does `proof` lead from the leaf at `index` to `root` of a tree of `size`? */
export function verifyInclusion(leaf: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashesEqual(r, root);
}

/**
 * RFC 9162 §2.1.4.2: is the tree of `first` leaves with `firstRoot` a prefix of the tree of
 * `second` leaves with `secondRoot`? Equal sizes need an empty proof and equal roots; the empty
 * tree is a prefix of every tree.
 */
export function verifyConsistency(
  first: number,
  second: number,
  proof: readonly Hash[],
  firstRoot: Hash,
  secondRoot: Hash,
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && hashesEqual(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Hash;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!lsb(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hashesEqual(fr, firstRoot) && hashesEqual(sr, secondRoot);
}

function isPowerOfTwo(x: number): boolean {
  let p = 1;
  while (p < x) p *= 2;
  return p === x;
}
