import type { SignedHead } from './checkpoint-heads.js';
import { GrowingTree } from './growing-tree.js';
import { hashesEqual, type Hash } from './merkle-hash.js';
import { verifyConsistency } from './merkle-tree.js';

/**
 * The one thing wrong with a partition's seal, when there is one:
 * - `root-mismatch`: the records from offset `from` up to `head`'s size do not give its root (a
 *   record there was changed, removed, inserted or moved);
 * - `other-history`: `head` does not fit the records, but a later checkpoint does: the checkpoint
 *   itself is at fault, not the records;
 * - `records-missing`: `head` covers more records than the partition holds (it ends at `from`).
 * `at` places it among the partition's other findings, in reading order.
 */
export interface SealFault {
  readonly kind: 'root-mismatch' | 'other-history' | 'records-missing';
  readonly head: SignedHead;
  readonly from: number;
  readonly at: number;
  readonly detail: string;
}

/**
 * Follows one partition's records, leaf by leaf, against its checkpoints (smallest first): each
 * checkpoint's root must be the RFC 6962 root of the records up to its size, and each must be
 * consistent with the last good one (RFC 9162 §2.1.4). Shared by `ledger verify` (records from
 * Kafka) and the offline bundle verifier (records from files), so that both reach the same verdict
 * on the same history. Memory: a compact range plus the leaves since the last good checkpoint.
 */
export class PartitionSealAudit {
  private readonly tree = GrowingTree.empty();
  private next = 0;
  /** The last checkpoint whose root the records gave. */
  private good: SignedHead | undefined;
  private verifiedCount = 0;
  /** The first checkpoint whose root the records did not give, and the good one before it. */
  private firstBad: { head: SignedHead; after: SignedHead | undefined } | undefined;
  /** A checkpoint after `firstBad` whose root the records give (then `firstBad` is the checkpoint at fault). */
  private goodAfterBad: SignedHead | undefined;

  constructor(private readonly heads: readonly SignedHead[]) {}

  /** Records read so far. */
  get size(): number {
    return this.tree.size;
  }

  get root(): Hash {
    return this.tree.root();
  }

  /** Checkpoints whose root the records gave, each consistent with the one before. */
  get verified(): number {
    return this.verifiedCount;
  }

  /** Offsets below it are covered by a verified checkpoint. */
  get sealedSize(): number {
    return this.good?.checkpoint.size ?? 0;
  }

  append(leafHash: Hash): void {
    const { tree } = this;
    tree.append(leafHash);
    for (let head = this.heads[this.next]; head && head.checkpoint.size === tree.size; head = this.heads[++this.next]) {
      this.compare(head);
    }
    // No proof will start below the last verified checkpoint, or below any record when no checkpoint follows.
    if (this.firstBad === undefined && this.next >= this.heads.length) tree.markCheckpointed();
  }

  /** After the last record: what is wrong with the seal, if anything. */
  fault(): SealFault | undefined {
    if (this.firstBad) {
      const { head, after } = this.firstBad;
      const from = after?.checkpoint.size ?? 0;
      const at = head.checkpoint.size - 0.5;
      if (this.goodAfterBad) {
        const later = this.goodAfterBad;
        return {
          kind: 'other-history',
          head,
          from,
          at,
          detail: `${head.checkpoint.origin} size ${head.checkpoint.size} is not consistent with ${after ? `size ${from} (offset ${after.offset})` : 'the records'}, while the records give the later checkpoint of size ${later.checkpoint.size} (offset ${later.offset}): this checkpoint is of another history`,
        };
      }
      return {
        kind: 'root-mismatch',
        head,
        from,
        at,
        detail: `offsets ${from}–${head.checkpoint.size - 1} do not give the root of checkpoint ${head.checkpoint.origin} size ${head.checkpoint.size} (checkpoints offset ${head.offset}): a record there was changed, removed, inserted or moved`,
      };
    }
    const beyond = this.heads[this.next];
    if (beyond === undefined) return undefined;
    const size = this.tree.size;
    return {
      kind: 'records-missing',
      head: beyond,
      from: size,
      at: size,
      detail: `checkpoint ${beyond.checkpoint.origin} (checkpoints offset ${beyond.offset}) covers ${beyond.checkpoint.size} records but the partition ends at offset ${size}: records were removed`,
    };
  }

  private compare(head: SignedHead): void {
    const { tree } = this;
    const previous = this.good;
    const consistent =
      hashesEqual(tree.root(), head.checkpoint.rootHash) &&
      (previous === undefined ||
        (tree.checkpointedSize === previous.checkpoint.size &&
          verifyConsistency(
            previous.checkpoint.size,
            head.checkpoint.size,
            tree.consistencyProofSinceCheckpoint(),
            previous.checkpoint.rootHash,
            head.checkpoint.rootHash,
          )));
    if (!consistent) {
      this.firstBad ??= { head, after: previous };
      return;
    }
    if (this.firstBad) {
      this.goodAfterBad ??= head;
      return;
    }
    this.good = head;
    this.verifiedCount += 1;
    tree.markCheckpointed();
  }
}
