import { createHmac } from 'node:crypto';
import {
  AdminInitiateAuthCommand,
  type AdminInitiateAuthCommandInput,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { classifyAuthAnswer, classifyAuthFailure, type LoginOutcome } from '#domain';
import type { LoginContext, PasswordCheck } from './password-check.js';

export interface CognitoPasswordCheckOptions {
  readonly userPoolId: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  /** The whole call, SDK retries included. */
  readonly timeoutMs: number;
}

/**
 * AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH: the password is checked in this one call.
 * The SDK's error is reduced to its name, message and status before classification, so neither
 * the request (which holds the password) nor the SDK's error object travels further.
 */
export class CognitoPasswordCheck implements PasswordCheck {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly options: CognitoPasswordCheckOptions,
  ) {}

  async check(cognitoUsername: string, password: string, context: LoginContext): Promise<LoginOutcome> {
    const { userPoolId, clientId, clientSecret, timeoutMs } = this.options;
    const input: AdminInitiateAuthCommandInput = {
      UserPoolId: userPoolId,
      ClientId: clientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: {
        USERNAME: cognitoUsername,
        PASSWORD: password,
        // https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
        ...(clientSecret
          ? {
              SECRET_HASH: createHmac('sha256', clientSecret)
                .update(cognitoUsername + clientId)
                .digest('base64'),
            }
          : {}),
      },
      // Without it, threat protection scores every login as coming from the bridge's own address.
      ...(context.ip
        ? {
            ContextData: {
              IpAddress: context.ip,
              ServerName: 'cognito-migration-bridge',
              ServerPath: '/verify',
              HttpHeaders: context.userAgent ? [{ headerName: 'User-Agent', headerValue: context.userAgent }] : [],
            },
          }
        : {}),
    };
    // Not AbortSignal.timeout: its timer keeps the signal, and the SDK request its listeners hold,
    // alive for the whole timeout after the answer came. At 100 logins/s that is enough retained
    // garbage to make every young-generation collection copy megabytes: 6-15 ms pauses, which were
    // the bridge's p99. A timer cleared on the answer lets them die young.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      const answer = await this.client.send(new AdminInitiateAuthCommand(input), { abortSignal: deadline.signal });
      return classifyAuthAnswer({
        challengeName: answer.ChallengeName,
        authenticated: answer.AuthenticationResult !== undefined,
      });
    } catch (error) {
      const e = error as { name?: unknown; message?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } };
      return classifyAuthFailure({
        name: typeof e.name === 'string' ? e.name : 'Error',
        message: typeof e.message === 'string' ? e.message : '',
        httpStatus: e.$metadata?.httpStatusCode,
        code: typeof e.code === 'string' ? e.code : undefined,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
