import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { MeteredCognitoClient } from '#cognito';

/** A pool in cognito-local with the app client the bridge needs (ADMIN_USER_PASSWORD_AUTH). */
export async function createBridgePool(
  cognito: MeteredCognitoClient,
  name: string,
): Promise<{ poolId: string; clientId: string }> {
  const poolId = (await cognito.client.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool!.Id!;
  const client = await cognito.client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'migration-bridge',
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  return { poolId, clientId: client.UserPoolClient!.ClientId! };
}

/**
 * A confirmed user with a verified e-mail `<username>.<tag>@example.org` and both names (Keycloak's
 * default profile asks for missing names first, which a password grant cannot answer). Without
 * `permanent` the password is temporary: FORCE_CHANGE_PASSWORD.
 */
export async function createPoolUser(
  cognito: MeteredCognitoClient,
  poolId: string,
  user: { username: string; password: string; tag: string; permanent?: boolean },
): Promise<void> {
  const permanent = user.permanent ?? true;
  await cognito.client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: user.username,
      MessageAction: 'SUPPRESS',
      ...(permanent ? {} : { TemporaryPassword: user.password }),
      UserAttributes: [
        { Name: 'email', Value: `${user.username}.${user.tag}@example.org` },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'given_name', Value: user.username[0]!.toUpperCase() + user.username.slice(1) },
        { Name: 'family_name', Value: 'Example' },
      ],
    }),
  );
  if (permanent) {
    await cognito.client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: poolId,
        Username: user.username,
        Password: user.password,
        Permanent: true,
      }),
    );
  }
}

/** Signed up through the app client and never confirmed: UNCONFIRMED, with both names and `<username>.<tag>@example.org`. */
export async function signUpUnconfirmed(
  cognito: MeteredCognitoClient,
  clientId: string,
  user: { username: string; password: string; tag: string },
): Promise<void> {
  await cognito.client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: user.username,
      Password: user.password,
      UserAttributes: [
        { Name: 'email', Value: `${user.username}.${user.tag}@example.org` },
        { Name: 'given_name', Value: user.username[0]!.toUpperCase() + user.username.slice(1) },
        { Name: 'family_name', Value: 'Example' },
      ],
    }),
  );
}
