/**
 * The sealer will not sign: the ledger no longer gives the root of a checkpoint it published, or
 * a new tree is not an extension of the last checkpoint. Names the partition and the offsets.
 */
export class SealRefusedError extends Error {
  override readonly name = 'SealRefusedError';
}
