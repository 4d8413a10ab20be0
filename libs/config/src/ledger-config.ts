import { bridgeSection, type BridgeConfig } from './sections/bridge-section.js';
import { cognitoSection, type CognitoConfig } from './sections/cognito-section.js';
import { databaseSection, type DatabaseConfig } from './sections/database-section.js';
import { importerSection, type ImporterConfig } from './sections/importer-section.js';
import { kafkaSection, type KafkaConfig } from './sections/kafka-section.js';
import { keycloakAdminSection, type KeycloakAdminConfig } from './sections/keycloak-admin-section.js';
import { keycloakSection, type KeycloakConfig } from './sections/keycloak-section.js';
import type { LogConfig } from './sections/log-section.js';
import { poolSection, type PoolConfig } from './sections/pool-section.js';
import { projectorSection, type ProjectorConfig } from './sections/projector-section.js';
import { reconcilerSection, type ReconcilerConfig } from './sections/reconciler-section.js';
import { resetMailSection, type ResetMailConfig } from './sections/reset-mail-section.js';
import { sealSection, type SealConfig } from './sections/seal-section.js';
import { signInAppSection, type SignInAppConfig } from './sections/sign-in-app-section.js';
import { stackSection, type StackConfig } from './sections/stack-section.js';
import { watcherSection, type WatcherConfig } from './sections/watcher-section.js';
import type { Profile } from './profile.js';

/**
 * Every setting of the product, typed. A process validates the sections it uses once, at its
 * composition root (`loadConfig`), and hands the result down; nothing else reads the environment.
 */
export interface LedgerConfig {
  /** `local` (LEDGER_PROFILE=local): the local stack's addresses are the defaults; otherwise nothing defaults to them. */
  readonly profile: Profile;
  readonly log: LogConfig;
  readonly stack: StackConfig;
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly cognito: CognitoConfig;
  readonly pool: PoolConfig;
  readonly keycloak: KeycloakConfig;
  readonly keycloakAdmin: KeycloakAdminConfig;
  readonly importer: ImporterConfig;
  readonly projector: ProjectorConfig;
  readonly bridge: BridgeConfig;
  readonly watcher: WatcherConfig;
  readonly reconciler: ReconcilerConfig;
  readonly resetMail: ResetMailConfig;
  readonly signInApp: SignInAppConfig;
  readonly seal: SealConfig;
}

/** The sections a command may ask for; `profile` and `log` always come with them. */
export type SectionName = Exclude<keyof LedgerConfig, 'profile' | 'log'>;

/** The settings of a process that uses the sections `N`. */
export type ConfigOf<N extends SectionName> = Pick<LedgerConfig, 'profile' | 'log' | N>;

export const sections = {
  stack: stackSection,
  kafka: kafkaSection,
  database: databaseSection,
  cognito: cognitoSection,
  pool: poolSection,
  keycloak: keycloakSection,
  keycloakAdmin: keycloakAdminSection,
  importer: importerSection,
  projector: projectorSection,
  bridge: bridgeSection,
  watcher: watcherSection,
  reconciler: reconcilerSection,
  resetMail: resetMailSection,
  signInApp: signInAppSection,
  seal: sealSection,
} as const;
