import { kafkaConfig, loadConfig, type Env } from '#config';
import { createEvent } from '#events';
import { Ledger, topicsWithPrefix } from '#ledger';
import { projectorSections, projectUntilCaughtUp } from '#projector';

/** A confirmed, enabled Cognito user without MFA, as the bridge's tests and benchmark need many of. */
export interface ExportedUser {
  readonly sub: string;
  readonly username: string;
  readonly email: string;
  /** Cognito's status at the export; CONFIRMED when not given. */
  readonly status?: string;
  /** Also recorded as imported into a Keycloak realm, with this treatment (UserImported). */
  readonly imported?: {
    readonly realm: string;
    readonly treatment: string;
    readonly needsPasswordMigration: boolean;
    readonly requiredActions: readonly string[];
  };
}

/**
 * The bridge's own ledger under env's KAFKA_TOPIC_PREFIX. In production `ledger export` creates
 * the topics and the bridge refuses to start without them; a test that writes no export makes
 * them the way export does.
 */
export async function createBridgeLedger(env: Env): Promise<void> {
  await new Ledger({ kafka: kafkaConfig(env) }).ensureTopics(3);
}

/**
 * Builds `migration_user` in env's PROJECTION_SCHEMA the way production does: the users'
 * `UserExported` facts go to a ledger under `topicPrefix` of their own (so the bridge's own
 * ledger holds only what the bridge writes), then the projector projects them.
 */
export async function projectExportedUsers(
  env: Env,
  topicPrefix: string,
  poolId: string,
  users: readonly ExportedUser[],
): Promise<void> {
  const ledger = new Ledger({ kafka: { ...kafkaConfig(env), topicPrefix }, topics: topicsWithPrefix(topicPrefix) });
  await ledger.ensureTopics(3);
  const publisher = await ledger.publisher();
  const time = new Date('2026-01-05T08:00:00Z');
  try {
    for (let start = 0; start < users.length; start += 5_000) {
      await publisher.publish(
        users.slice(start, start + 5_000).flatMap((user) => [
          createEvent(
            'UserExported',
            {
              poolId,
              sub: user.sub,
              username: user.username,
              status: user.status ?? 'CONFIRMED',
              enabled: true,
              createdAt: '2025-06-01T00:00:00.000Z',
              updatedAt: '2025-06-01T00:00:00.000Z',
              attributes: { email: user.email, email_verified: 'true' },
              customAttributes: {},
              groups: [],
              mfa: { sms: false, totp: null, preferred: null },
              identities: [],
              anomalies: [],
            },
            { source: '/test/exported-users', correlationId: topicPrefix, time },
          ),
          ...(user.imported
            ? [
                createEvent(
                  'UserImported',
                  {
                    sub: user.sub,
                    target: { kind: 'keycloak', realm: user.imported.realm },
                    targetUserId: `kc-${user.sub}`,
                    outcome: 'created',
                    matchedBy: null,
                    requiredActions: [...user.imported.requiredActions],
                    needsPasswordMigration: user.imported.needsPasswordMigration,
                    loginName: user.username.toLowerCase(),
                    treatment: user.imported.treatment,
                    adjustments: [],
                  },
                  { source: '/test/exported-users', correlationId: topicPrefix, time },
                ),
              ]
            : []),
        ]),
      );
    }
  } finally {
    await publisher.close();
  }
  await projectUntilCaughtUp(
    loadConfig(
      { ...env, KAFKA_TOPIC_PREFIX: topicPrefix, PROJECTOR_GROUP_ID: `${topicPrefix}-projector` },
      projectorSections,
    ),
  );
}
