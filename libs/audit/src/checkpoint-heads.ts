import type { Checkpoint } from './checkpoint.js';
import { hashesEqual } from './merkle-hash.js';

/** A checkpoint and where it was read (its offset on the checkpoints topic, or its line's offset in a bundle). */
export interface SignedHead {
  readonly offset: string;
  readonly checkpoint: Checkpoint;
}

/**
 * What became of a checkpoint offered to `CheckpointHeads.admit`: kept, a repeat of one already
 * kept (the sealer may publish the same checkpoint twice after a restart), or refused as
 * inconsistent with the partition's earlier checkpoints, `detail` saying why.
 */
export type HeadAdmission =
  { readonly kind: 'kept' } | { readonly kind: 'repeat' } | { readonly kind: 'inconsistent'; readonly detail: string };

/**
 * Each partition's signed checkpoints of distinct sizes, smallest first, as read in publication
 * order: what `ledger verify` and the offline bundle verifier both check the records against.
 * A checkpoint smaller than the partition's latest, or of the same size with another root, can
 * only come from another history of the partition and is refused.
 */
export class CheckpointHeads {
  private readonly byPartition = new Map<string, SignedHead[]>();

  admit(partition: string, head: SignedHead): HeadAdmission {
    const { checkpoint } = head;
    const heads = this.byPartition.get(partition) ?? [];
    const latest = heads.at(-1);
    if (latest && checkpoint.size < latest.checkpoint.size) {
      return {
        kind: 'inconsistent',
        detail: `${checkpoint.origin} size ${checkpoint.size} goes back from size ${latest.checkpoint.size} (offset ${latest.offset})`,
      };
    }
    if (latest && checkpoint.size === latest.checkpoint.size) {
      return hashesEqual(checkpoint.rootHash, latest.checkpoint.rootHash)
        ? { kind: 'repeat' }
        : {
            kind: 'inconsistent',
            detail: `${checkpoint.origin} size ${checkpoint.size} has another root than the checkpoint of that size at offset ${latest.offset}`,
          };
    }
    heads.push(head);
    this.byPartition.set(partition, heads);
    return { kind: 'kept' };
  }

  of(partition: string): readonly SignedHead[] {
    return this.byPartition.get(partition) ?? [];
  }

  /** The partitions with checkpoints, and theirs. */
  entries(): IterableIterator<[string, readonly SignedHead[]]> {
    return this.byPartition.entries();
  }
}
