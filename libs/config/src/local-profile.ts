import type { Env } from './env.js';
import { localKafkaNodes, type StackConfig } from './sections/stack-section.js';

/**
 * The only defaults that point at the local stack, applied under LEDGER_PROFILE=local alone.
 * Without the profile these variables are required: a production command missing KAFKA_BROKERS
 * says so instead of writing to whatever listens on 127.0.0.1:19092.
 */
export function localProfileDefaults(stack: StackConfig): Env {
  return {
    // Every node of a local cluster, so that a client still connects while one of them is down.
    KAFKA_BROKERS: localKafkaNodes(stack)
      .map((node) => `127.0.0.1:${node.port}`)
      .join(','),
    // The server the stack uses on POSTGRES_PORT: the machine's, or the embedded one `stack up` starts.
    DATABASE_URL: `postgres://postgres@127.0.0.1:${stack.postgresPort}/migration_ledger`,
    KEYCLOAK_URL: `http://127.0.0.1:${stack.keycloakPort}`,
    RECONCILER_SMTP_HOST: '127.0.0.1',
    RECONCILER_SMTP_PORT: String(stack.mailSmtpPort),
    RECONCILER_SMTP_FROM: 'no-reply@migration.local',
  };
}

/** The variables `localProfileDefaults` sets; required outside the local profile. */
export const localProfileVariables: ReadonlySet<string> = new Set([
  'KAFKA_BROKERS',
  'DATABASE_URL',
  'KEYCLOAK_URL',
  'RECONCILER_SMTP_HOST',
  'RECONCILER_SMTP_PORT',
  'RECONCILER_SMTP_FROM',
]);
