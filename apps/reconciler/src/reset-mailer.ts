import type { KeycloakRealm } from '#keycloak';
import type { ResetMailConfig } from '#config';

export type TargetAccount = 'enabled' | 'disabled' | 'deleted';

/** Keycloak's side of a reset: the account's state, the e-mail itself, and its trace in the admin events. */
export class ResetMailer {
  constructor(private readonly realm: KeycloakRealm) {}

  /**
   * Points the realm's SMTP at the configured server and turns admin events on: the
   * `execute-actions-email` admin event is how a restart learns whether an interrupted send left
   * (Keycloak saves no user event for it; reference/keycloak-local.md, section 5).
   */
  async prepareRealm(smtp: ResetMailConfig): Promise<void> {
    const realm = this.realm.name;
    await this.realm.call('configure realm SMTP', (client) =>
      client.realms.update(
        { realm },
        {
          smtpServer: {
            host: smtp.host,
            port: String(smtp.port),
            from: smtp.from,
            fromDisplayName: smtp.fromName,
            auth: 'false',
            ssl: 'false',
            starttls: 'false',
          },
        },
      ),
    );
    const events = await this.realm.call('read event settings', (client) => client.realms.getConfigEvents({ realm }));
    if (!events.adminEventsEnabled) {
      await this.realm.call('enable admin events', (client) =>
        client.realms.updateConfigEvents({ realm }, { ...events, adminEventsEnabled: true }),
      );
    }
  }

  async account(targetUserId: string): Promise<TargetAccount> {
    const user = await this.realm.call('read user', (client) =>
      client.users.findOne({ id: targetUserId }, { catchNotFound: true }),
    );
    if (!user) return 'deleted';
    return user.enabled === false ? 'disabled' : 'enabled';
  }

  /** Keycloak e-mails the user a link to set a new password, valid for `lifespanSeconds`. */
  async send(targetUserId: string, lifespanSeconds: number): Promise<void> {
    await this.realm.call('execute-actions-email', (client) =>
      client.users.executeActionsEmail({ id: targetUserId, actions: ['UPDATE_PASSWORD'], lifespan: lifespanSeconds }),
    );
  }

  /** Whether Keycloak recorded an execute-actions e-mail to the user at or after `since` (wall clock). */
  async sentSince(targetUserId: string, since: Date): Promise<boolean> {
    const events = await this.realm.call('read admin events', (client) =>
      client.realms.findAdminEvents({
        realm: this.realm.name,
        operationTypes: 'ACTION',
        resourcePath: `users/${targetUserId}/execute-actions-email`,
        max: 100,
      }),
    );
    // A second of slack: Keycloak's clock and PostgreSQL's are the same machine's, but round differently.
    return events.some((e) => (e.time ?? 0) >= since.getTime() - 1000);
  }
}
