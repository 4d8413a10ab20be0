import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { decideJitMigration, type JitMigrationDecision } from '#domain';
import { createEvent, type LedgerEvent } from '#events';
import type { BridgeOutcome, VerifyResult } from './bridge-outcome.js';
import type { LoginGuard, Refusal } from './login-guard.js';
import type { MigratedUsers } from './migrated-users.js';
import type { MigrationUser, MigrationUserDirectory } from './migration-user.js';
import type { LoginContext, PasswordCheck } from './password-check.js';

export const BRIDGE_SOURCE = 'urn:cognito-migration-ledger:bridge';

export interface VerifyContext extends LoginContext {
  /** The address the request came from; limits fall back to it when the caller passes no end-user IP. */
  readonly callerIp: string;
}

/** Where PasswordMigrated goes: the ledger's publisher. */
export interface FactPublisher {
  publish(events: readonly LedgerEvent[]): Promise<void>;
}

export interface PasswordBridgeDeps {
  readonly users: MigrationUserDirectory;
  readonly passwords: PasswordCheck;
  readonly guard: LoginGuard;
  readonly migrated: MigratedUsers;
  readonly ledger: FactPublisher;
  /** The target realm PasswordMigrated names. */
  readonly realm: string;
  readonly logger: Logger;
  readonly now?: () => Date;
}

const noMigration: JitMigrationDecision = { migrate: false, requiredActions: [] };

/**
 * The one use case behind every contract the bridge speaks: is this the user's Cognito password,
 * and may the target keep it? The password lives only in this call: it goes to Cognito and
 * nowhere else (not into the result, the ledger, a log line or an error).
 */
export class PasswordBridge {
  /** Typical Cognito answer time, so that an unknown user is not answered measurably faster than a known one. */
  private typicalCognitoMs = 50;
  private readonly now: () => Date;

  constructor(private readonly deps: PasswordBridgeDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The profile of the user this login names, for contracts that look users up before any password. */
  lookup(login: string): Promise<MigrationUser | undefined> {
    return this.deps.users.find(login.trim());
  }

  async verify(login: string, password: string, context: VerifyContext): Promise<VerifyResult> {
    const started = performance.now();
    const timings: PhaseTimings = {};
    const result = await this.decide(login.trim(), password, context, timings);
    const { outcome, user } = result;
    this.deps.logger.info(
      {
        sub: user?.sub,
        outcome: outcome.kind,
        ...('cause' in outcome ? { cause: outcome.cause } : {}),
        ...('scope' in outcome ? { scope: outcome.scope } : {}),
        ms: Math.round(performance.now() - started),
        ...timings,
      },
      'password verify',
    );
    return result;
  }

  private async decide(
    login: string,
    password: string,
    context: VerifyContext,
    timings: PhaseTimings,
  ): Promise<VerifyResult> {
    const { guard, users, passwords, migrated } = this.deps;
    const byIp = await guard.admitIp(context.ip ?? context.callerIp);
    if (byIp) return refused(byIp, undefined);

    const lookedUp = performance.now();
    const user = login === '' || password === '' ? undefined : await users.find(login);
    timings.lookupMs = elapsed(lookedUp);
    if (!user) {
      // The same answer, after about the time a Cognito check takes, whatever was typed.
      await sleep(this.typicalCognitoMs);
      return result({ kind: 'unknown-user' }, undefined);
    }
    if (user.passwordMigratedVia !== null || migrated.has(user.sub)) return result({ kind: 'already-migrated' }, user);

    const byUser = await guard.admitUser(user.sub);
    if (byUser) return refused(byUser, user);
    const byQuota = await guard.admitCognitoCall();
    if (byQuota) {
      await guard.settle(user.sub, 'other');
      return refused(byQuota, user);
    }

    const asked = performance.now();
    const outcome = await passwords.check(user.username, password, context);
    timings.cognitoMs = elapsed(asked);
    this.typicalCognitoMs = 0.9 * this.typicalCognitoMs + 0.1 * timings.cognitoMs;

    await guard.settle(
      user.sub,
      outcome.kind === 'wrong-password'
        ? 'wrong-password'
        : outcome.kind === 'valid' || outcome.kind === 'valid-with-challenge'
          ? 'correct-password'
          : 'other',
    );
    const decision = decideJitMigration(outcome, user);
    if (outcome.kind === 'temporarily-unavailable') {
      return { ...result(outcome, user), retryAfterSeconds: outcome.cause === 'throttled' ? 1 : 5 };
    }
    if (!decision.migrate) return result(outcome, user);

    const recorded = performance.now();
    try {
      await this.deps.ledger.publish([
        createEvent(
          'PasswordMigrated',
          { sub: user.sub, target: { kind: 'keycloak', realm: this.deps.realm }, via: 'jit' },
          { source: BRIDGE_SOURCE, correlationId: user.sub, time: this.now() },
        ),
      ]);
    } catch (error) {
      // Unrecorded, the migration would be invisible to the ledger: the target must not keep the password yet.
      this.deps.logger.error({ sub: user.sub, err: (error as Error).name }, 'PasswordMigrated not recorded');
      return {
        ...result({ kind: 'temporarily-unavailable', cause: 'ledger-unavailable' }, user),
        retryAfterSeconds: 5,
      };
    }
    timings.ledgerMs = elapsed(recorded);
    migrated.add(user.sub);
    return { outcome, decision, user, retryAfterSeconds: undefined };
  }
}

/** Where a verification spent its time, for the log line: the ledger write is waited for on purpose. */
interface PhaseTimings {
  lookupMs?: number;
  cognitoMs?: number;
  ledgerMs?: number;
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

function result(outcome: BridgeOutcome, user: MigrationUser | undefined): VerifyResult {
  return { outcome, decision: noMigration, user, retryAfterSeconds: undefined };
}

function refused(refusal: Refusal, user: MigrationUser | undefined): VerifyResult {
  return {
    outcome: { kind: 'rate-limited', scope: refusal.scope },
    decision: noMigration,
    user,
    retryAfterSeconds: refusal.retryAfterSeconds,
  };
}
