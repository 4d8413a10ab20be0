import { randomBytes } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import pThrottle from 'p-throttle';
import type { CognitoConfig, CognitoQuotas } from '#config';
import { quotaCategoryOf } from './quota-category.js';

/** Requests sent to Cognito, by operation, counting every attempt the service saw (retries included). */
export type ApiCallCounts = Record<string, number>;

export interface CognitoClientOptions {
  /** Pace requests to the configured per-category quotas (off only for local measurements). */
  readonly paced?: boolean;
  /**
   * `adaptive` (default) slows every later request after a throttling answer: right for bulk
   * reads, wrong for a login path that must answer within a caller's timeout (`standard`).
   */
  readonly retryMode?: 'adaptive' | 'standard';
}

export interface MeteredCognitoClient {
  readonly client: CognitoIdentityProviderClient;
  readonly calls: ApiCallCounts;
  readonly endpoint: string | undefined;
}

/**
 * The SDK client with AWS's adaptive retry mode (a client-side rate limiter that backs off on
 * TooManyRequestsException) and, added as SDK middleware so the SDK paginators stay untouched,
 * per-category pacing to the account's quotas and a per-operation call counter. Pacing is our own
 * because quotas are per account and shared with production traffic: adaptive retry only reacts
 * after being throttled.
 */
export function createCognitoClient(config: CognitoConfig, options: CognitoClientOptions = {}): MeteredCognitoClient {
  const local = config.endpoint !== undefined;
  const client = new CognitoIdentityProviderClient({
    region: config.region,
    endpoint: config.endpoint,
    retryMode: options.retryMode ?? 'adaptive',
    maxAttempts: config.maxAttempts,
    // An emulator checks no signature, but the SDK signs every request: a throwaway key per process
    // does, so no key is written down anywhere. The real service uses the default credential chain.
    ...(local ? { credentials: { accessKeyId: 'emulator', secretAccessKey: randomBytes(20).toString('hex') } } : {}),
  });
  const calls: ApiCallCounts = {};
  const pace = options.paced === false ? undefined : pacers(config.quotas);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = context.commandName ?? 'unknown';
      const category = quotaCategoryOf(operation);
      if (pace && category) await pace[category]();
      calls[operation.replace(/Command$/, '')] = (calls[operation.replace(/Command$/, '')] ?? 0) + 1;
      return next(args);
    },
    // After the retry middleware, so that each attempt is paced and counted as AWS counts it.
    { step: 'finalizeRequest', priority: 'low', name: 'quotaPacingAndCounting' },
  );
  return { client, calls, endpoint: config.endpoint };
}

function pacers(quotas: CognitoQuotas): Record<keyof CognitoQuotas, () => Promise<void>> {
  const out = {} as Record<keyof CognitoQuotas, () => Promise<void>>;
  for (const [category, rps] of Object.entries(quotas) as [keyof CognitoQuotas, number][]) {
    // `strict` holds the rate over every sliding window, not just per fixed window, as AWS measures it.
    const limit = Math.max(1, Math.floor(rps));
    const throttle = pThrottle({ limit, interval: Math.ceil((1000 * limit) / rps), strict: true });
    out[category] = throttle(async () => undefined);
  }
  return out;
}
