export {
  BUNDLE_FORMAT,
  MANIFEST_FILE,
  CHECKPOINTS_FILE,
  VERIFIER_FILE,
  VERIFIER_KEY_FILE,
  SEALED_ROLES,
  partitionFileName,
  originOfPartition,
  parseManifest,
  type SealedRole,
  type BundleManifest,
  type BundlePartition,
  type BundleFile,
} from './bundle-manifest.js';
export { formatRecordLine, parseRecordLine, leafRecordOf, eventOfRecord, type BundleRecord } from './bundle-record.js';
export { formatCheckpointLine, parseCheckpointLine, type CheckpointLine } from './checkpoint-line.js';
export { ledgerDigest, type PartitionHead } from './ledger-digest.js';
export { AuditBundleWriter, type BundlePartitionSource } from './audit-bundle-writer.js';
export {
  verifyBundle,
  type BundleVerdict,
  type BundleFinding,
  type BundleFindingReason,
  type PartitionVerdict,
} from './bundle-verification.js';
export {
  buildSubjectProof,
  verifySubjectProof,
  PROOF_FORMAT,
  type SubjectProof,
  type ProvenFact,
  type ProofPartition,
  type ProofVerdict,
} from './subject-proof.js';
// The projection digest's table lines, printed by the verifier as `ledger replay` prints them.
export { formatTableDigest } from '#projection-fold';
