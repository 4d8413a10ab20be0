// The projection's fold without its database: what a batch of facts changes, the rows' digest,
// and the fold in memory. Nothing here imports TypeORM or pg, so the auditor's verifier bundles it.
export type { FoldedFact } from './folded-fact.js';
export { batchChangesOf, subjectsOf, type BatchChanges } from './batch-changes.js';
export { projectUserFacts, type UserFactsProjection } from './user-facts-projection.js';
export {
  projectionTables,
  projectionRowHash,
  projectionDigest,
  tableDigest,
  formatTableDigest,
  type ProjectionTable,
  type ProjectionTableName,
  type NormalisedKind,
  type TableDigest,
} from './projection-row-digest.js';
export { MemoryProjection, type ProjectionDigest } from './memory-projection.js';
export { storeRefusalOf } from './store-refusal.js';
export { deadLetterOf } from './dead-letter-row.js';
