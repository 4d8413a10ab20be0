import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { dashboardRoles, ensureDashboardAccess, type KeycloakRealm } from '#keycloak';

export interface DemoDashboardUser {
  readonly username: string;
  readonly role: string;
  /** Where the generated password is kept (mode 0600); never printed. */
  readonly credentialsFile: string;
}

const username = 'demo-operator';

/**
 * The demo realm's dashboard: its client and roles (`ensureDashboardAccess`, the product's own
 * step) and one operator who can sign in to it. The operator's password is generated once per
 * stack folder into `credentialsFile`, like the local Keycloak administrator's, and set again on
 * every run (the demo may have recreated its realm).
 */
export async function prepareDemoDashboard(
  realm: KeycloakRealm,
  options: { readonly publicUrl: string; readonly clientId: string; readonly credentialsFile: string },
): Promise<DemoDashboardUser> {
  await ensureDashboardAccess(realm, {
    clientId: options.clientId,
    redirectUris: [`${options.publicUrl}/dashboard/callback`],
    postLogoutRedirectUris: [`${options.publicUrl}/dashboard`],
  });
  const password = await storedPassword(options.credentialsFile);
  const [existing] = await realm.call('demo operator lookup', (c) => c.users.find({ username, exact: true }));
  const id =
    existing?.id ??
    (
      await realm.call('demo operator creation', (c) =>
        c.users.create({
          username,
          enabled: true,
          email: 'demo-operator@migration.local',
          emailVerified: true,
          firstName: 'Demo',
          lastName: 'Operator',
        }),
      )
    ).id;
  await realm.call('demo operator password', (c) =>
    c.users.resetPassword({ id, credential: { type: 'password', value: password, temporary: false } }),
  );
  const role = await realm.call('role lookup', (c) => c.roles.findOneByName({ name: dashboardRoles.operator }));
  await realm.call('demo operator role', (c) =>
    c.users.addRealmRoleMappings({ id, roles: [{ id: role!.id!, name: dashboardRoles.operator }] }),
  );
  return { username, role: dashboardRoles.operator, credentialsFile: options.credentialsFile };
}

async function storedPassword(file: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { password: string }).password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const password = randomBytes(18).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify({ username, password })}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}
