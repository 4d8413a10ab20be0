import { randomBytes } from 'node:crypto';
import type { KeycloakConfig } from '#config';
import { KeycloakRealm, KeycloakRequestError, type AdminCredentials } from '#keycloak';
import type { JourneyClient } from './user-journeys.js';

/** An account at the identity provider: the person's login there. */
export interface ProviderAccount {
  readonly username: string;
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly password: string;
}

/** The public client the journeys sign in to; its redirect URI is never contacted (the flow stops there). */
const journeyClientId = 'ledger-journeys';
const journeyRedirectUri = 'http://127.0.0.1/ledger-journeys/callback';
/** The provider realm's client that the target's broker uses. */
const brokerClientId = 'target-broker';
/**
 * First-broker-login flow that links the provider account to the target user with the same
 * e-mail (or, where the realm allows duplicate e-mails, the same username) without asking:
 * Keycloak's "Detect existing broker user" + "Automatically set existing user". Meant for
 * providers whose e-mails are verified (trustEmail), which is how imported Cognito users are
 * re-bound when they were not pre-linked.
 */
export const linkByEmailFlow = 'link-imported-user';

/**
 * Sets up what the journeys need around a target realm on the same Keycloak: a public client, and
 * a second realm acting as an OpenID Connect identity provider (a stand-in for Google, Apple or a
 * SAML tenant) registered in the target under a provider alias. Idempotent.
 */
export class JourneyRealms {
  readonly target: KeycloakRealm;

  constructor(
    private readonly config: KeycloakConfig,
    private readonly admin: AdminCredentials,
  ) {
    this.target = new KeycloakRealm(config, admin);
  }

  async ensureClient(): Promise<JourneyClient> {
    await ignoreConflict(() =>
      this.target.call('journey client creation', (c) =>
        c.clients.create({
          realm: this.target.name,
          clientId: journeyClientId,
          publicClient: true,
          standardFlowEnabled: true,
          directAccessGrantsEnabled: false,
          redirectUris: [journeyRedirectUri],
        }),
      ),
    );
    return {
      keycloakUrl: this.config.url,
      realm: this.target.name,
      clientId: journeyClientId,
      redirectUri: journeyRedirectUri,
    };
  }

  /**
   * The provider realm for `alias` (`<target>-<alias>-idp`) and the target's identity provider
   * pointing at it; null when the target already has a provider of that alias that points
   * elsewhere (an operator's, left as it is).
   */
  async ensureProvider(alias: string): Promise<KeycloakRealm | null> {
    const provider = new KeycloakRealm({ ...this.config, realm: `${this.target.name}-${alias}-idp` }, this.admin);
    const oidc = `${this.config.url}/realms/${provider.name}/protocol/openid-connect`;
    const existing = await this.target.call('identity provider lookup', (c) => c.identityProviders.findOne({ alias }));
    if (existing && existing.config?.authorizationUrl !== `${oidc}/auth`) return null;
    await ignoreConflict(() =>
      provider.call('provider realm creation', (c) => c.realms.create({ realm: provider.name, enabled: true })),
    );
    const brokerEndpoint = `${this.config.url}/realms/${this.target.name}/broker/${alias}/endpoint`;
    await ignoreConflict(() =>
      provider.call('broker client creation', (c) =>
        c.clients.create({
          realm: provider.name,
          clientId: brokerClientId,
          publicClient: false,
          secret: randomBytes(24).toString('base64url'),
          standardFlowEnabled: true,
          redirectUris: [brokerEndpoint],
        }),
      ),
    );
    const [client] = await provider.call('broker client lookup', (c) =>
      c.clients.find({ realm: provider.name, clientId: brokerClientId }),
    );
    const secret = await provider.call('broker client secret', (c) =>
      c.clients.getClientSecret({ realm: provider.name, id: client!.id! }),
    );
    await this.ensureLinkFlow();
    if (!existing) {
      await this.target.call('identity provider creation', (c) =>
        c.identityProviders.create({
          alias,
          providerId: 'oidc',
          enabled: true,
          trustEmail: true,
          firstBrokerLoginFlowAlias: linkByEmailFlow,
          config: {
            clientId: brokerClientId,
            clientSecret: secret.value!,
            clientAuthMethod: 'client_secret_post',
            authorizationUrl: `${oidc}/auth`,
            tokenUrl: `${oidc}/token`,
            userInfoUrl: `${oidc}/userinfo`,
            jwksUrl: `${oidc}/certs`,
            issuer: `${this.config.url}/realms/${provider.name}`,
            useJwksUrl: 'true',
            validateSignature: 'true',
            defaultScope: 'openid email profile',
            syncMode: 'IMPORT',
          },
        }),
      );
    }
    return provider;
  }

  /** Accounts at the provider; answers each one's user id there, which is what the target's link records. */
  async addProviderAccounts(
    provider: KeycloakRealm,
    accounts: readonly ProviderAccount[],
  ): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const account of accounts) {
      const rep = {
        realm: provider.name,
        username: account.username,
        email: account.email,
        emailVerified: true,
        firstName: account.firstName,
        lastName: account.lastName,
        enabled: true,
        credentials: [{ type: 'password', value: account.password, temporary: false }],
      };
      try {
        const { id } = await provider.call('provider account creation', (c) => c.users.create(rep));
        ids.set(account.username, id);
      } catch (error) {
        if (!(error instanceof KeycloakRequestError && error.status === 409)) throw error;
        const [found] = await provider.call('provider account lookup', (c) =>
          c.users.find({ realm: provider.name, username: account.username, exact: true }),
        );
        await provider.call('provider account password', (c) =>
          c.users.resetPassword({
            realm: provider.name,
            id: found!.id!,
            credential: { type: 'password', value: account.password, temporary: false },
          }),
        );
        ids.set(account.username, found!.id!);
      }
    }
    return ids;
  }

  async deleteProvider(provider: KeycloakRealm): Promise<void> {
    await provider
      .call('provider realm deletion', (c) => c.realms.del({ realm: provider.name }))
      .catch(() => undefined);
  }

  private async ensureLinkFlow(): Promise<void> {
    const flows = await this.target.call('flows read', (c) => c.authenticationManagement.getFlows());
    if (flows.some((f) => f.alias === linkByEmailFlow)) return;
    await this.target.call('link flow creation', (c) =>
      c.authenticationManagement.createFlow({
        alias: linkByEmailFlow,
        providerId: 'basic-flow',
        topLevel: true,
        builtIn: false,
        description: 'Links a first broker login to the imported user with the same e-mail',
      }),
    );
    for (const provider of ['idp-detect-existing-broker-user', 'idp-auto-link']) {
      await this.target.call(`link flow step ${provider}`, (c) =>
        c.authenticationManagement.addExecutionToFlow({ flow: linkByEmailFlow, provider }),
      );
    }
    const executions = await this.target.call('link flow read', (c) =>
      c.authenticationManagement.getExecutions({ flow: linkByEmailFlow }),
    );
    for (const execution of executions) {
      await this.target.call('link flow step update', (c) =>
        c.authenticationManagement.updateExecution(
          { flow: linkByEmailFlow },
          { ...execution, requirement: 'REQUIRED' },
        ),
      );
    }
  }
}

async function ignoreConflict(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof KeycloakRequestError && error.status === 409)) throw error;
  }
}
