export { hadMfaInCognito, type CognitoMfa } from './cognito-mfa.js';
export { isUserFact, type UserFact } from './user-fact.js';
export {
  initialUserMigration,
  evolveUserMigration,
  userMigrationOf,
  targetKey,
  type UserMigrationState,
  type ExportedProfile,
  type TargetKey,
  type ImportRecord,
  type ImportFailureRecord,
  type PasswordMigrationRecord,
  type MfaReenrolmentRecord,
  type FederationBindingRecord,
  type ResetRecord,
  type DisagreementRecord,
  type DisagreementResolutionRecord,
  type SourceDeletionRecord,
  type TargetUpdateRecord,
  type RejectedSourceChangeRecord,
  type BornInTargetRecord,
} from './user-migration.js';
export {
  summarizeUserMigration,
  openDisagreementsOf,
  migrationStatuses,
  type MigrationStatus,
  type UserMigrationSummary,
} from './user-migration-summary.js';
export { UserStateConflictError } from './user-state-conflict-error.js';
export {
  classifyAuthAnswer,
  classifyAuthFailure,
  type LoginOutcome,
  type LoginOutcomeKind,
  type PasswordVerifiedChallenge,
  type UnavailableCause,
  type AuthAnswer,
  type AuthFailure,
} from './login-outcome.js';
export {
  bridgeMigratesPassword,
  decideJitMigration,
  importRequiredActions,
  refusalBeforeCognito,
  type ImportedTreatment,
  type JitMigrationDecision,
  type JitMigrationSubject,
  type JitRefusal,
} from './jit-migration-decision.js';
export {
  reconcilerPolicySchema,
  parseReconcilerPolicy,
  defaultReconcilerPolicy,
  type ReconcilerPolicy,
} from './reconciler-policy.js';
export { PolicyError } from './policy-error.js';
export {
  planLongTailResets,
  longTailCutoff,
  resetCandidateOf,
  type ResetCandidate,
  type DueReset,
  type SkippedReset,
  type ResetSkipReason,
  type ResetPlan,
} from './long-tail-resets.js';
export {
  measureUsers,
  measurementCutoffs,
  criteriaRowOf,
  evaluateDoneCriteria,
  projectDoneDate,
  criterionIds,
  type Criterion,
  type CriterionId,
  type BridgeTraffic,
  type MigrationMeasurements,
  type CriteriaUserRow,
} from './done-criteria.js';
export {
  measureBridgeTraffic,
  bridgeTrafficWindow,
  observedTrafficOf,
  trafficIntervalOf,
  type ObservedTraffic,
} from './bridge-traffic.js';
export {
  cutoverPhases,
  criteriaToLeave,
  initialCutover,
  evolveCutover,
  phaseReadiness,
  decideAutomaticAdvance,
  decideOperatorChange,
  nextPhase,
  type CutoverPhase,
  type CutoverState,
  type PhaseReadiness,
  type OperatorCommand,
} from './cutover.js';
export { CutoverRefusedError } from './cutover-refused-error.js';
export { doneStatus, type DoneStatus } from './done-status.js';
export {
  rollbackAttentionOf,
  rollbackAttentionMeaning,
  rollbackReport,
  type RollbackAttention,
  type RollbackUserRow,
  type RollbackUser,
  type RollbackReport,
} from './rollback-attention.js';
export { decideImportRevision, type ImportOutcome, type ImportRevisionDecision } from './import-revision.js';
export { decideLoginName, type LoginNameClaim, type LoginNameDecision } from './login-name-claim.js';
export {
  compareWithTarget,
  credentialsNeeded,
  type LedgerClaims,
  type TargetHolding,
  type RecordedDisagreement,
  type AgreementDecision,
} from './target-agreement.js';
export { loginPolicyOf, type LoginPolicy } from './login-policy.js';
export {
  aloneWriteVia,
  decideBatchWrite,
  decideCaseVariantLoginName,
  decideImportPath,
  decideMatchLinks,
  decideStoredOutcome,
  decideUnbatchedImport,
  linkHeldElsewhere,
  linksClaimedEarlierInBatch,
  linksToAdd,
  routeImportBatch,
  type BatchWriteOutcome,
  type BatchWriteResult,
  type IdentityLink,
  type ImportCandidate,
  type ImportPath,
  type ImportRoute,
  type StoredOutcome,
  type TargetAccount,
  type TargetLookups,
  type UnbatchedImportDecision,
} from './import-matching.js';
export {
  initialResetPass,
  evolveResetPass,
  decideDueReset,
  decideOpenAttempt,
  type ResetPassState,
  type ResetPassEvent,
  type DueResetFacts,
  type DueResetDecision,
  type OpenAttemptFacts,
  type OpenAttemptDecision,
} from './reset-pass.js';
export {
  doneStatuses,
  isDone,
  resetCandidateStatuses,
  isResetCandidate,
  isFederated,
  isFederationRebound,
  userCompletionOf,
  completionFigures,
  type CompletionSubject,
  type UserCompletion,
  type CompletionFigures,
} from './done-definition.js';
export {
  defaultMapping,
  importMapping,
  bookkeeping,
  userFields,
  type ImportMapping,
  type StatusTreatment,
  type UserField,
} from './import-mapping.js';
export {
  decideRescan,
  decideDeletion,
  evolveSourceView,
  type SourceUserView,
  type SourceView,
  type ListedUser,
  type RescanCommand,
  type RescanDecision,
  type DeletionSuspect,
  type SourceLookup,
  type DeletionDecision,
} from './source-change-capture.js';
export {
  decideTargetSync,
  differences,
  type SyncedProfile,
  type DeletionPolicy,
  type SyncPolicy,
  type SourceChange,
  type TargetChanges,
  type TargetSyncDecision,
} from './target-sync.js';
