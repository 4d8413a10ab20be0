export type { ComponentState, ComponentStatus, StackComponent } from './stack-component.js';
export { StackError } from './stack-error.js';
export { StackProcess, type StackProcessSpec, type Launch } from './stack-process.js';
export { loopbackPortFree, assertLoopbackPortFree, freeLoopbackPort, freeLoopbackPorts } from './loopback-port.js';
export { findJava, type Java } from './find-java.js';
export { NoUsableJdkError } from './no-usable-jdk-error.js';
export { projectRoot } from './project-root.js';
export { KafkaComponent } from './kafka-component.js';
export { CognitoComponent } from './cognito-component.js';
export { KeycloakServer } from './keycloak-server.js';
export { MailCatcher, type CaughtMail } from './mail-catcher.js';
export {
  keycloakAdminLogin,
  keycloakCredentialsFile,
  withLocalStackCredentials,
  type KeycloakAdminLogin,
} from './keycloak-admin-credentials.js';
export { localConfig } from './local-config.js';
export { withLocalSealKey, localSealKeyFile } from './local-seal-key.js';
export { localProfileEnv } from './local-profile-env.js';
export { PostgresComponent, type SchemaMigrator } from './postgres-component.js';
export { EmbeddedPostgresServer } from './embedded-postgres-server.js';
export { LocalStack, localStack, type ComponentOutcome } from './local-stack.js';
export {
  generateSyntheticPool,
  type SyntheticPool,
  type SyntheticPoolOptions,
  type SyntheticUser,
  type SyntheticGroup,
  type SyntheticMfa,
  type SyntheticUserStatus,
  type CustomAttributeType,
} from './synthetic-pool.js';
export { writeCognitoLocalData } from './cognito-local-files.js';
