import { CompactRange } from './compact-range.js';
import type { Hash } from './merkle-hash.js';
import { consistencyProof, type SubtreeHashes } from './merkle-tree.js';

/**
 * A partition's tree as the sealer and the verifier follow it: the compact range of the last
 * checkpointed prefix, the leaf hashes appended since, and the compact range of the whole. Memory
 * is O(log n) plus the leaves since the last checkpoint, and that is enough to prove the new tree
 * consistent with the last checkpoint: every node a consistency proof from m to n needs is either a
 * perfect subtree of m's decomposition or lies wholly in the leaves after m (RFC 9162 §2.1.4.1).
 */
export class GrowingTree {
  private checkpointed: CompactRange;
  private tail: Hash[] = [];
  private readonly whole: CompactRange;

  private constructor(checkpointed: CompactRange) {
    this.checkpointed = checkpointed;
    this.whole = checkpointed.clone();
  }

  static empty(): GrowingTree {
    return new GrowingTree(CompactRange.empty());
  }

  get size(): number {
    return this.whole.size;
  }

  get checkpointedSize(): number {
    return this.checkpointed.size;
  }

  append(leafHash: Hash): void {
    this.whole.append(leafHash);
    this.tail.push(leafHash);
  }

  root(): Hash {
    return this.whole.root();
  }

  checkpointedRoot(): Hash {
    return this.checkpointed.root();
  }

  /** The consistency proof from the last checkpointed size to the current size. */
  consistencyProofSinceCheckpoint(): Hash[] {
    const m = this.checkpointed.size;
    const prefix = new Map(this.checkpointed.nodes().map((node) => [`${node.start}:${node.end}`, node.hash]));
    const tree: SubtreeHashes = {
      hashOf: (start, end) => {
        if (start >= m) return CompactRange.of(this.tail.slice(start - m, end - m)).root();
        const hash = prefix.get(`${start}:${end}`);
        if (!hash) throw new RangeError(`subtree [${start}, ${end}) is not kept after a checkpoint of size ${m}`);
        return hash;
      },
    };
    return consistencyProof(m, this.size, tree);
  }

  /** The current size becomes the checkpointed one: the tail's leaves are dropped. */
  markCheckpointed(): void {
    this.checkpointed = this.whole.clone();
    this.tail = [];
  }
}
