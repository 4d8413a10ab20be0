import type { Env } from '#config';

/**
 * Where `ledger demo` writes: topics, realm and PostgreSQL schemas of its own, whatever the shell
 * sets for a real migration. The demo runs the reconciler on a compressed clock (phase changes and
 * burn-down days months ahead); in the real migration's namespace that would move the real
 * cutover phase and date its projections into the future.
 */
export const demoNamespace = {
  KAFKA_TOPIC_PREFIX: 'demo',
  KEYCLOAK_REALM: 'demo',
  PROJECTION_SCHEMA: 'demo_projection',
  RECONCILER_SCHEMA: 'demo_reconciler',
  WATCHER_SCHEMA: 'demo_watcher',
  PROJECTOR_GROUP_ID: 'demo-projector',
} as const;

/**
 * The environment the demo's stages read: the caller's, with the demo's namespace laid over it,
 * under the local profile (the demo runs on the local stack only).
 */
export function inDemoNamespace(env: Env): Env {
  return { ...env, LEDGER_PROFILE: 'local', ...demoNamespace };
}
