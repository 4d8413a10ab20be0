import { RateLimiterMemory, RateLimiterQueue, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginGuardLimits {
  readonly attemptsPerIpPerMinute: number;
  readonly attemptsPerUserPerMinute: number;
  readonly failuresPerUser: number;
  readonly failureWindowSeconds: number;
  readonly cognitoRps: number;
}

/** Refused before Cognito was asked; `retryAfterSeconds` is when the same request could pass. */
export interface Refusal {
  readonly scope: 'ip' | 'user' | 'failures' | 'cognito-quota';
  readonly retryAfterSeconds: number;
}

/**
 * The bridge is a password oracle for Cognito, so it limits who may ask how often before Cognito
 * sees anything: attempts per end-user IP and per user, and a budget of wrong passwords per user
 * that ends below Cognito's own lockout (5 failures), so an attacker cannot lock real users out of
 * Cognito through the bridge. All Cognito calls together are paced below the account's
 * UserAuthentication quota, which production traffic shares. In memory, per bridge process: run
 * one bridge, or give each its share of the limits.
 */
export class LoginGuard {
  private readonly perIp: RateLimiterMemory;
  private readonly perUser: RateLimiterMemory;
  private readonly failures: RateLimiterMemory;
  private readonly cognito: RateLimiterQueue;

  constructor(private readonly limits: LoginGuardLimits) {
    this.perIp = new RateLimiterMemory({ keyPrefix: 'ip', points: limits.attemptsPerIpPerMinute, duration: 60 });
    this.perUser = new RateLimiterMemory({ keyPrefix: 'user', points: limits.attemptsPerUserPerMinute, duration: 60 });
    this.failures = new RateLimiterMemory({
      keyPrefix: 'failures',
      points: limits.failuresPerUser,
      duration: limits.failureWindowSeconds,
    });
    // A second's worth of waiting callers; beyond that they are told to come back, not queued for long.
    this.cognito = new RateLimiterQueue(
      new RateLimiterMemory({ keyPrefix: 'cognito', points: limits.cognitoRps, duration: 1 }),
      { maxQueueSize: limits.cognitoRps },
    );
  }

  /** Counts one attempt from this address. */
  async admitIp(ip: string): Promise<Refusal | undefined> {
    return attempt('ip', this.perIp.consume(ip));
  }

  /**
   * Counts one attempt for this user and reserves one wrong password of their budget before
   * Cognito is asked: with the check in flight, concurrent guesses must not all pass the budget.
   * `settle` gives the reservation back unless the password was wrong.
   */
  async admitUser(sub: string): Promise<Refusal | undefined> {
    const overBudget = await attempt('failures', this.failures.consume(sub));
    if (overBudget) return overBudget;
    const overRate = await attempt('user', this.perUser.consume(sub));
    if (overRate) await this.failures.reward(sub, 1);
    return overRate;
  }

  /** Waits for a slot under the Cognito pace; refuses when a second's worth of callers already waits. */
  async admitCognitoCall(): Promise<Refusal | undefined> {
    try {
      await this.cognito.removeTokens(1);
      return undefined;
    } catch {
      return { scope: 'cognito-quota', retryAfterSeconds: 1 };
    }
  }

  /** After an admitted check: a wrong password keeps its reservation, a correct one clears the budget, anything else gives it back. */
  async settle(sub: string, outcome: 'wrong-password' | 'correct-password' | 'other'): Promise<void> {
    if (outcome === 'correct-password') await this.failures.delete(sub);
    else if (outcome === 'other') await this.failures.reward(sub, 1);
  }
}

/** rate-limiter-flexible rejects with a RateLimiterRes when the points are spent. */
async function attempt(scope: Refusal['scope'], consumed: Promise<RateLimiterRes>): Promise<Refusal | undefined> {
  try {
    await consumed;
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { scope, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    throw rejection;
  }
}
