import type { Env } from './env.js';
import type { LedgerConfig, SectionName } from './ledger-config.js';
import { loadConfig } from './load-config.js';

/**
 * One section of `loadConfig`, for code that needs a single one (tests, benchmarks, the local
 * stack). A process's entry point loads every section it uses with one `loadConfig` call instead,
 * so that all problems are reported together.
 */
const reader =
  <N extends SectionName>(name: N) =>
  (env: Env): LedgerConfig[N] =>
    loadConfig(env, [name])[name];

export const stackConfig = reader('stack');
export const kafkaConfig = reader('kafka');
export const databaseConfig = reader('database');
export const cognitoConfig = reader('cognito');
export const poolConfig = reader('pool');
export const keycloakConfig = reader('keycloak');
export const keycloakAdminConfig = reader('keycloakAdmin');
export const importerConfig = reader('importer');
export const projectorConfig = reader('projector');
export const bridgeConfig = reader('bridge');
export const watcherConfig = reader('watcher');
export const reconcilerConfig = reader('reconciler');
export const resetMailConfig = reader('resetMail');
export const signInAppConfig = reader('signInApp');
export const sealConfig = reader('seal');
