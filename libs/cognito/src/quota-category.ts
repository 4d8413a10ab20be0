import type { CognitoQuotas } from '#config';

/**
 * The request-rate category each operation counts against, per
 * https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#category_operations.
 * ListUsers and ListUsersInGroup share one UserList bucket; ListGroups is also capped at 5 RPS per
 * operation per pool (footnote 3 of the same page), which is why its default is 5, not 20.
 */
const categoryOfCommand: Readonly<Record<string, keyof CognitoQuotas>> = {
  ListUsersCommand: 'userList',
  ListUsersInGroupCommand: 'userList',
  ListGroupsCommand: 'userPoolResourceRead',
  DescribeUserPoolCommand: 'userPoolRead',
  AdminGetUserCommand: 'userRead',
  AdminListGroupsForUserCommand: 'userResourceRead',
};

export function quotaCategoryOf(commandName: string): keyof CognitoQuotas | undefined {
  return categoryOfCommand[commandName];
}
