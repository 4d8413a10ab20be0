import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { keycloakAdminConfig, stackConfig, type Env } from '#config';
import { localProfileEnv } from './local-profile-env.js';
import { StackError } from './stack-error.js';

export interface KeycloakAdminLogin {
  readonly username: string;
  readonly password: string;
}

export function keycloakCredentialsFile(env: Env): string {
  return join(resolve(stackConfig(env).dir), 'keycloak', 'admin-credentials.json');
}

/**
 * `env` with the local stack's Keycloak administrator as KEYCLOAK_ADMIN_USERNAME and
 * KEYCLOAK_ADMIN_PASSWORD, unless KEYCLOAK_ADMIN_PASSWORD is set already. The local stack generates
 * it at random once per stack folder, into `<STACK_DIR>/keycloak/admin-credentials.json` (mode
 * 0600, never printed); `create` generates it when missing (before Keycloak's first start:
 * Keycloak takes the bootstrap admin only when it creates its master realm, so the file must stay
 * with the database it was used for). Without the file and without `create`, `env` is returned
 * as it is, and the configuration then reports the password as missing.
 */
export async function withLocalStackCredentials(
  env: Env,
  options: { create: boolean } = { create: false },
): Promise<Env> {
  if (env.KEYCLOAK_ADMIN_PASSWORD) return env;
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
  if (stored) return { ...env, KEYCLOAK_ADMIN_USERNAME: stored.username, KEYCLOAK_ADMIN_PASSWORD: stored.password };
  if (!options.create) return env;
  const login = keycloakAdminConfig({ ...env, KEYCLOAK_ADMIN_PASSWORD: randomBytes(24).toString('base64url') });
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ username: login.username, password: login.password })}\n`, {
    mode: 0o600,
    flag: 'wx',
  });
  await chmod(file, 0o600);
  return { ...env, KEYCLOAK_ADMIN_USERNAME: login.username, KEYCLOAK_ADMIN_PASSWORD: login.password };
}

/**
 * The Keycloak administrator of the local stack (tests, benchmarks, the stack's own Keycloak):
 * KEYCLOAK_ADMIN_PASSWORD when set, otherwise the generated one.
 */
export async function keycloakAdminLogin(
  env: Env,
  options: { create: boolean } = { create: false },
): Promise<KeycloakAdminLogin> {
  return keycloakAdminConfig(await withLocalStackCredentials(localProfileEnv(env), options));
}
