export {
  bridgeSections,
  startBridge,
  type BridgeRuntimeConfig,
  type RunningBridge,
  type StartBridgeOptions,
} from './bridge-runtime.js';
export { serveBridge, type ServedBridge, type ServeOptions } from './bridge-server.js';
export { PasswordBridge, BRIDGE_SOURCE, type VerifyContext, type FactPublisher } from './password-bridge.js';
export type { BridgeOutcome, BridgeOutcomeKind, StoreConfirmation, VerifyResult } from './bridge-outcome.js';
export type { MigrationUser, MigrationUserDirectory, MigrationUserIdentity } from './migration-user.js';
export { PostgresMigrationUserDirectory } from './postgres-migration-user-directory.js';
export { CognitoPasswordCheck } from './cognito-password-check.js';
export { BridgeTrafficRecorder, type BridgeTrafficRecorderOptions } from './bridge-traffic-recorder.js';
export {
  bridgeTrafficFact,
  emptyTally,
  tallyOf,
  type ObservedInterval,
  type TrafficTally,
} from './bridge-traffic-fact.js';
export { LoginGuard, type LoginGuardLimits } from './login-guard.js';
export { KnownOutcomes, type KnownOutcomesOptions } from './known-outcomes.js';
export type { StoredPasswords } from './stored-passwords.js';
export { KeycloakStoredPasswords } from './keycloak-stored-passwords.js';
export { passwordGrant, type GrantResult, type PasswordGrant } from './keycloak-password-grant.js';
