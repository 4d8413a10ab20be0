export { ConfigError, type ConfigIssue } from './config-error.js';
export type { Env } from './env.js';
export { loadConfig } from './load-config.js';
export type { ConfigOf, LedgerConfig, SectionName } from './ledger-config.js';
export { isLocalProfile, profiles, type Profile } from './profile.js';
export { localProfileDefaults } from './local-profile.js';
export { logLevels, type LogLevel } from './setting-rules.js';
export {
  stackConfig,
  kafkaConfig,
  databaseConfig,
  cognitoConfig,
  poolConfig,
  keycloakConfig,
  keycloakAdminConfig,
  importerConfig,
  projectorConfig,
  bridgeConfig,
  watcherConfig,
  reconcilerConfig,
  resetMailConfig,
  signInAppConfig,
  sealConfig,
  dashboardConfig,
} from './section-readers.js';
export type { LogConfig } from './sections/log-section.js';
export type { StackConfig } from './sections/stack-section.js';
export { localKafkaNodes, type LocalKafkaNode } from './sections/stack-section.js';
export type { KafkaConfig } from './sections/kafka-section.js';
export type { DatabaseConfig } from './sections/database-section.js';
export type { CognitoConfig, CognitoQuotas } from './sections/cognito-section.js';
export type { PoolConfig } from './sections/pool-section.js';
export type { KeycloakConfig } from './sections/keycloak-section.js';
export type { KeycloakAdminConfig } from './sections/keycloak-admin-section.js';
export type { ImporterConfig } from './sections/importer-section.js';
export type { ProjectorConfig } from './sections/projector-section.js';
export type { BridgeConfig } from './sections/bridge-section.js';
export type { WatcherConfig } from './sections/watcher-section.js';
export type { ReconcilerConfig } from './sections/reconciler-section.js';
export type { ResetMailConfig } from './sections/reset-mail-section.js';
export type { SignInAppConfig } from './sections/sign-in-app-section.js';
export type { SealConfig } from './sections/seal-section.js';
export { dashboardAccessModes, type DashboardAccessMode, type DashboardConfig } from './sections/dashboard-section.js';
