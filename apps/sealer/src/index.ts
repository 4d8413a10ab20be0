export {
  SealerModule,
  sealerSections,
  checkpointOriginOf,
  type SealerModuleSettings,
  type SealerRuntimeConfig,
} from './sealer.module.js';
export { Sealer, type SealReport, type SealOptions, type SealedPartition, type SealerSettings } from './sealer.js';
export { SealRefusedError } from './seal-refused-error.js';
export { SealKeyError } from './seal-key-error.js';
export { readSignerKey, readVerifierKey, generateSignerKeyFile } from './seal-key.js';
export {
  verifyLedger,
  type VerificationReport,
  type VerificationFinding,
  type VerifiedPartition,
  type FindingReason,
  type VerifyOptions,
} from './ledger-verification.js';
export { readPublishedCheckpoints, type PublishedCheckpoint } from './published-checkpoints.js';
