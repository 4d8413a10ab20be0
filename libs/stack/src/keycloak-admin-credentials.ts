import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { keycloakConfig, stackConfig, type Env } from '#config';
import { StackError } from './stack-error.js';

export interface KeycloakAdminLogin {
  readonly username: string;
  readonly password: string;
}

export function keycloakCredentialsFile(env: Env): string {
  return join(resolve(stackConfig(env).dir), 'keycloak', 'admin-credentials.json');
}

/**
 * The Keycloak administrator: KEYCLOAK_ADMIN_PASSWORD when set; otherwise the local stack's own,
 * generated at random once per stack folder and kept in `<STACK_DIR>/keycloak/admin-credentials.json`
 * (mode 0600, never printed). Keycloak takes the bootstrap admin only when it creates its master
 * realm, so the file must exist before the first start and stay with the database it was used for.
 */
export async function keycloakAdminLogin(
  env: Env,
  options: { create: boolean } = { create: false },
): Promise<KeycloakAdminLogin> {
  const config = keycloakConfig(env);
  if (config.adminPassword !== undefined) return { username: config.adminUsername, password: config.adminPassword };
  const file = keycloakCredentialsFile(env);
  const stored = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as KeycloakAdminLogin,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new StackError('keycloak', `cannot read the admin credentials in ${file}: ${error.message}`, {
        cause: error,
      });
    },
  );
  if (stored) return stored;
  if (!options.create) {
    throw new StackError(
      'keycloak',
      `no admin credentials: set KEYCLOAK_ADMIN_PASSWORD, or run "ledger stack up" to create ${file}`,
    );
  }
  const login = { username: config.adminUsername, password: randomBytes(24).toString('base64url') };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(login)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return login;
}
