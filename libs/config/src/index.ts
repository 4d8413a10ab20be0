export { ConfigError } from './config-error.js';
export type { Env } from './read-env.js';
export {
  kafkaConfig,
  databaseConfig,
  cognitoConfig,
  poolConfig,
  stackConfig,
  keycloakConfig,
  importerConfig,
  type KafkaConfig,
  type DatabaseConfig,
  type CognitoConfig,
  type CognitoQuotas,
  type PoolConfig,
  type StackConfig,
  type KeycloakConfig,
  type ImporterConfig,
} from './sections.js';
