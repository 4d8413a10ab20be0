export {
  leafHash,
  prefixedLeafHash,
  nodeHash,
  emptyRoot,
  hashesEqual,
  toHex,
  HASH_SIZE,
  type Hash,
} from './merkle-hash.js';
export { CompactRange, type Subtree } from './compact-range.js';
export {
  treeRoot,
  leafHashesTree,
  inclusionProof,
  consistencyProof,
  verifyInclusion,
  verifyConsistency,
  type SubtreeHashes,
} from './merkle-tree.js';
export { GrowingTree } from './growing-tree.js';
export {
  ledgerLeafBytes,
  ledgerLeafHash,
  prefixedLedgerLeafLength,
  writePrefixedLedgerLeaf,
  parseLedgerLeaf,
  parseLedgerLeafText,
  LEDGER_LEAF_VERSION,
  type LedgerLeafRecord,
  type LedgerLeafText,
} from './ledger-leaf.js';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
export { MalformedCheckpointError } from './malformed-checkpoint-error.js';
export { MalformedNoteError } from './malformed-note-error.js';
export { NoteSignatureError } from './note-signature-error.js';
export { NoteSignerKey, NoteVerifierKey, keyIdOf, formatKeyId, ED25519_TYPE } from './note-keys.js';
export { signNote, parseNote, openNote, type NoteSignature, type OpenedNote } from './signed-note.js';
export { CheckpointHeads, type HeadAdmission, type SignedHead } from './checkpoint-heads.js';
export { PartitionSealAudit, type SealFault } from './partition-seal-audit.js';
