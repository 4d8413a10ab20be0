import { emptyRoot, nodeHash, type Hash } from './merkle-hash.js';

/** One perfect subtree of a compact range: leaves [start, end), end − start a power of two. */
export interface Subtree {
  readonly start: number;
  readonly end: number;
  readonly hash: Hash;
}

/**
 * The "frontier" of an append-only RFC 6962 tree: the roots of the perfect subtrees that the binary
 * decomposition of its size gives (largest first), at most log₂(size) + 1 hashes. It yields the root
 * of the tree and extends it by one leaf without keeping any leaf, which is what lets the sealer and
 * the verifier follow a partition of millions of records in constant memory.
 */
export class CompactRange {
  private constructor(private readonly subtrees: Subtree[]) {}

  static empty(): CompactRange {
    return new CompactRange([]);
  }

  static of(leafHashes: Iterable<Hash>): CompactRange {
    const range = CompactRange.empty();
    for (const leaf of leafHashes) range.append(leaf);
    return range;
  }

  get size(): number {
    return this.subtrees.at(-1)?.end ?? 0;
  }

  /** Adds the next leaf: equal-sized neighbours merge, like a carry in binary addition. */
  append(leafHash: Hash): void {
    const size = this.size;
    this.subtrees.push({ start: size, end: size + 1, hash: leafHash });
    for (;;) {
      const right = this.subtrees.at(-1);
      const left = this.subtrees.at(-2);
      if (!right || !left || left.end - left.start !== right.end - right.start) return;
      this.subtrees.splice(-2, 2, { start: left.start, end: right.end, hash: nodeHash(left.hash, right.hash) });
    }
  }

  /** MTH of every leaf appended: the subtrees folded from the smallest (RFC 6962 splits left-heavy). */
  root(): Hash {
    let root: Hash | undefined;
    for (let i = this.subtrees.length - 1; i >= 0; i--) {
      const subtree = this.subtrees[i] as Subtree;
      root = root === undefined ? subtree.hash : nodeHash(subtree.hash, root);
    }
    return root ?? emptyRoot();
  }

  /** The perfect subtrees, largest first. */
  nodes(): readonly Subtree[] {
    return this.subtrees;
  }

  clone(): CompactRange {
    return new CompactRange([...this.subtrees]);
  }
}
