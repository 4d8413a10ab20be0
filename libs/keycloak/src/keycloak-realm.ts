import KeycloakAdminClient from '@keycloak/keycloak-admin-client';
import pRetry from 'p-retry';
import type { KeycloakConfig } from '#config';
import type { AdminCredentials } from './admin-credentials.js';
import { AdminTokenSource } from './admin-token-source.js';
import { toKeycloakFailure } from './keycloak-failure.js';
import { KeycloakRequestError } from './keycloak-request-error.js';
import { KeycloakUnavailableError } from './keycloak-unavailable-error.js';

export interface KeycloakRealmOptions {
  /**
   * How long one call keeps retrying while Keycloak is unavailable before it gives up with
   * KeycloakUnavailableError. Kafka consumers keep it below their session timeout (30 s) and let
   * the consumer restart the batch, which pauses consumption instead of losing the group.
   */
  readonly patienceMs?: number;
  /** Told about every retry, e.g. to log it or count it. */
  readonly onRetry?: (failure: KeycloakUnavailableError, delayMs: number) => void;
}

/**
 * The one door to one realm of a Keycloak server: the admin client with tokens that renew before
 * they expire, and calls whose failures are typed and retried with backoff while the server is away.
 */
export class KeycloakRealm {
  readonly client: KeycloakAdminClient;
  private readonly tokens: AdminTokenSource;
  private readonly patienceMs: number;

  constructor(
    readonly config: KeycloakConfig,
    credentials: AdminCredentials,
    private readonly options: KeycloakRealmOptions = {},
  ) {
    this.tokens = new AdminTokenSource(config.url, credentials, config.requestTimeoutMs);
    this.client = new KeycloakAdminClient({
      baseUrl: config.url,
      realmName: config.realm,
      timeout: config.requestTimeoutMs,
    });
    this.client.registerTokenProvider(this.tokens);
    this.patienceMs = options.patienceMs ?? 20_000;
  }

  get name(): string {
    return this.config.realm;
  }

  /** Admin tokens obtained so far (each one a renewal before the previous expired). */
  get tokenRenewals(): number {
    return this.tokens.renewals;
  }

  /**
   * Runs one admin call. While Keycloak is unavailable it is retried with exponential backoff
   * (0.25 s doubling to 5 s) for up to `patienceMs`; any answer Keycloak gives is final.
   */
  async call<T>(operation: string, request: (client: KeycloakAdminClient) => Promise<T>): Promise<T> {
    return pRetry(
      async () => {
        try {
          return await request(this.client);
        } catch (error) {
          throw await this.classify(error, operation);
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: 250,
        maxTimeout: 5_000,
        factor: 2,
        maxRetryTime: this.patienceMs,
        shouldRetry: ({ error }) => error instanceof KeycloakUnavailableError,
        onFailedAttempt: ({ error, retryDelay }) => {
          if (error instanceof KeycloakUnavailableError) this.options.onRetry?.(error, retryDelay);
        },
      },
    );
  }

  /** Succeeds when the realm's public endpoint answers 200; otherwise KeycloakUnavailableError. */
  async probe(): Promise<void> {
    const url = `${this.config.url}/realms/${encodeURIComponent(this.config.realm)}`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      if (response.status !== 200 && response.status !== 404) throw new Error(`HTTP ${response.status} from ${url}`);
    } catch (error) {
      throw new KeycloakUnavailableError(this.config.url, 'a readiness probe', error);
    }
  }

  private async classify(error: unknown, operation: string): Promise<Error> {
    const failure = toKeycloakFailure(error, this.config.url, operation);
    // A 500 is either a request Keycloak cannot process (partialImport answers some bad users with
    // a NullPointerException) or a server in trouble; only the second is worth waiting for.
    if (failure instanceof KeycloakRequestError && failure.status >= 500) {
      try {
        await this.probe();
      } catch (unavailable) {
        return unavailable as Error;
      }
    }
    return failure;
  }
}
