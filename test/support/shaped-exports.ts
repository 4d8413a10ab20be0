import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { kafkaConfig, type Env } from '#config';
import type { MeteredCognitoClient } from '#cognito';
import { createEvent, type UserExportedData } from '#events';
import { Ledger } from '#ledger';
import { createPoolUser } from './bridge-pool.js';
import { userFacts } from './ledger-facts.js';

/**
 * Users whose Cognito state cognito-local cannot take (MFA, disabled, RESET_REQUIRED; it never
 * enforces them): created in the pool with a password after the export, and recorded as their
 * export would be — the export of `template` with the user's own sub, name and e-mail and the
 * `shape` on top — so the ledger says what Cognito would.
 */
export async function recordShapedExports(
  env: Env,
  pool: { cognito: MeteredCognitoClient; poolId: string },
  options: {
    readonly template: string;
    readonly tag: string;
    readonly source: string;
    readonly users: Readonly<Record<string, { readonly password: string; readonly shape: Partial<UserExportedData> }>>;
  },
): Promise<void> {
  const template = (await userFacts(env)).find(
    (e) => e.type === 'UserExported' && e.data.username === options.template,
  );
  if (template?.type !== 'UserExported') throw new Error(`no export of ${options.template} in the ledger`);
  const publisher = await new Ledger({ kafka: kafkaConfig(env) }).publisher();
  try {
    for (const [username, { password, shape }] of Object.entries(options.users)) {
      await createPoolUser(pool.cognito, pool.poolId, { username, password, tag: options.tag });
      const user = await pool.cognito.client.send(
        new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: username }),
      );
      const sub = user.UserAttributes!.find((a) => a.Name === 'sub')!.Value!;
      const data: UserExportedData = {
        ...template.data,
        sub,
        username,
        attributes: {
          email: `${username}.${options.tag}@example.org`,
          email_verified: 'true',
          given_name: username[0]!.toUpperCase() + username.slice(1),
          family_name: 'Example',
        },
        ...shape,
      };
      await publisher.publish([
        createEvent('UserExported', data, { source: options.source, correlationId: options.tag, time: new Date() }),
      ]);
    }
  } finally {
    await publisher.close();
  }
}
