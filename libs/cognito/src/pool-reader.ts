import {
  AdminGetUserCommand,
  DescribeUserPoolCommand,
  paginateListGroups,
  paginateListUsers,
  paginateListUsersInGroup,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PoolSettings } from '#events';
import type { MeteredCognitoClient } from './cognito-client.js';
import { CognitoSourceError, toSourceError } from './cognito-source-error.js';

/** The API's maximum page size for every list operation used here. */
const PAGE_SIZE = 60;

export interface TotpEnrolment {
  readonly totp: boolean;
  readonly preferred: string | null;
}

/**
 * Reads one user pool through the SDK's own paginators. Pages are followed until no token is
 * returned: AWS may return short pages before the end, so a page's size never ends the loop
 * (https://github.com/aws/aws-sdk-js-v3/issues/7071).
 */
export class CognitoPoolReader {
  constructor(
    private readonly cognito: MeteredCognitoClient,
    readonly poolId: string,
  ) {}

  async describe(): Promise<PoolSettings> {
    const { UserPool: pool } = await this.guard(() =>
      this.cognito.client.send(new DescribeUserPoolCommand({ UserPoolId: this.poolId })),
    );
    return {
      name: pool?.Name ?? this.poolId,
      usernameAttributes: pool?.UsernameAttributes ?? [],
      aliasAttributes: pool?.AliasAttributes ?? [],
      mfaConfiguration: pool?.MfaConfiguration ?? 'OFF',
      customAttributes: (pool?.SchemaAttributes ?? [])
        .filter((attribute) => attribute.Name?.startsWith('custom:'))
        .map((attribute) => ({
          name: attribute.Name!.slice('custom:'.length),
          type: attribute.AttributeDataType ?? 'String',
        })),
      estimatedUsers: pool?.EstimatedNumberOfUsers ?? null,
      // The realm requires exactly these (e.g. family_name) so that no user lacking one is blocked there.
      requiredAttributes: (pool?.SchemaAttributes ?? [])
        .filter((attribute) => attribute.Required === true && attribute.Name !== 'sub')
        .map((attribute) => attribute.Name!)
        .filter((name) => !name.startsWith('custom:'))
        .sort(),
    };
  }

  async *groupNames(): AsyncGenerator<string> {
    const pages = paginateListGroups({ client: this.cognito.client, pageSize: PAGE_SIZE }, { UserPoolId: this.poolId });
    for await (const page of this.guardPages(pages)) {
      for (const group of page.Groups ?? []) if (group.GroupName) yield group.GroupName;
    }
  }

  async *usernamesInGroup(group: string): AsyncGenerator<string> {
    const pages = paginateListUsersInGroup(
      { client: this.cognito.client, pageSize: PAGE_SIZE },
      { UserPoolId: this.poolId, GroupName: group },
    );
    for await (const page of this.guardPages(pages)) {
      for (const user of page.Users ?? []) if (user.Username) yield user.Username;
    }
  }

  /** Every user, a page at a time. Omits AttributesToGet: it errors when any user lacks a requested attribute. */
  async *userPages(): AsyncGenerator<UserType[]> {
    const pages = paginateListUsers({ client: this.cognito.client, pageSize: PAGE_SIZE }, { UserPoolId: this.poolId });
    for await (const page of this.guardPages(pages)) yield page.Users ?? [];
  }

  /**
   * TOTP enrolment is visible only through AdminGetUser, which makes the user a billable monthly
   * active user (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html, "Monthly
   * active users"); callers run it only when the operator asked for it.
   */
  async totpEnrolment(username: string): Promise<TotpEnrolment> {
    const user = await this.guard(() =>
      this.cognito.client.send(new AdminGetUserCommand({ UserPoolId: this.poolId, Username: username })),
    );
    return {
      totp: (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA'),
      preferred: user.PreferredMfaSetting ?? null,
    };
  }

  /**
   * Whether the pool still has this user, by one AdminGetUser (UserRead quota): the only answer
   * that confirms a deletion is `UserNotFoundException` for this user. Any other failure is
   * `failed`, never a deletion; an unknown pool or endpoint is thrown as for every other call.
   */
  async userPresence(username: string): Promise<'found' | 'not-found' | 'failed'> {
    try {
      await this.cognito.client.send(new AdminGetUserCommand({ UserPoolId: this.poolId, Username: username }));
      return 'found';
    } catch (error) {
      if (error instanceof Error && error.name === 'UserNotFoundException') return 'not-found';
      const translated = toSourceError(error, this.poolId, this.cognito.endpoint);
      if (translated instanceof CognitoSourceError) throw translated;
      return 'failed';
    }
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toSourceError(error, this.poolId, this.cognito.endpoint);
    }
  }

  private async *guardPages<T>(pages: AsyncIterable<T>): AsyncGenerator<T> {
    try {
      yield* pages;
    } catch (error) {
      throw toSourceError(error, this.poolId, this.cognito.endpoint);
    }
  }
}
