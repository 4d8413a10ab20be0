/**
 * Settings whose values are secrets: they come from the environment only and their values never
 * appear in a message. DATABASE_URL is one because it may carry the database password.
 */
export const secretVariables: ReadonlySet<string> = new Set([
  'KEYCLOAK_ADMIN_PASSWORD',
  'BRIDGE_SHARED_SECRET',
  'COGNITO_CLIENT_SECRET',
  'DATABASE_URL',
  'LEDGER_SEAL_KEY',
]);
