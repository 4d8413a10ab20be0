import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { decideJitMigration, refusalBeforeCognito, type JitMigrationDecision, type JitMigrationSubject } from '#domain';
import { jitPasswordMigrated, JIT_BRIDGE_SOURCE, type LedgerEvent } from '#events';
import type { BridgeOutcome, StoreConfirmation, VerifyResult } from './bridge-outcome.js';
import type { KnownOutcomes } from './known-outcomes.js';
import type { LoginGuard, Refusal } from './login-guard.js';
import type { MigrationUser, MigrationUserDirectory, MigrationUserIdentity } from './migration-user.js';
import type { LoginContext, PasswordCheck } from './password-check.js';
import type { StoredPasswords } from './stored-passwords.js';

export const BRIDGE_SOURCE = JIT_BRIDGE_SOURCE;

/**
 * The contract a verification came through. Only the bridge's own API, which the project's
 * Keycloak provider speaks, has a store confirmation (`/v1/verify/stored`), on which
 * `PasswordMigrated` is recorded for Keycloak. The Keycloak user-migration plugin and FusionAuth's
 * Generic Connector keep the password without telling the bridge: nothing is recorded for them
 * and no confirmation is awaited (docs/bridge.md).
 */
export type BridgeContract = 'bridge-api' | 'keycloak-user-migration' | 'fusionauth-connector';

export interface VerifyContext extends LoginContext {
  readonly contract: BridgeContract;
  /** The address the request came from; limits fall back to it when the caller passes no end-user IP. */
  readonly callerIp: string;
  /** Set by callers that know whom they ask about (the Keycloak provider): the user is found by it, not by the login. */
  readonly identity?: MigrationUserIdentity | undefined;
}

/** Where PasswordMigrated goes: the ledger's publisher. */
export interface FactPublisher {
  publish(events: readonly LedgerEvent[]): Promise<void>;
}

export interface PasswordBridgeDeps {
  readonly users: MigrationUserDirectory;
  readonly passwords: PasswordCheck;
  readonly guard: LoginGuard;
  /** Cognito's user-level answers of the last moments, repeated instead of asked again. */
  readonly known: KnownOutcomes;
  readonly ledger: FactPublisher;
  /** The target, asked whether it holds a password before PasswordMigrated is recorded. */
  readonly stored: StoredPasswords;
  /** The target realm PasswordMigrated names. */
  readonly realm: string;
  readonly logger: Logger;
}

const noMigration: JitMigrationDecision = { migrate: false, requiredActions: [] };

/**
 * The one use case behind every contract the bridge speaks: is this the user's Cognito password,
 * and may the target keep it? The password lives only in `verify`: it goes to Cognito and nowhere
 * else (not into the result, the ledger, a log line or an error).
 *
 * Verifying records nothing: `PasswordMigrated` says the target holds the password, which only
 * the target knows once its transaction has committed. It tells the bridge so (`confirmStored`),
 * and the bridge records the fact after reading the credential back. An answer that reaches the
 * target too late therefore leaves nothing behind, and the next login simply verifies again.
 */
export class PasswordBridge {
  /** Typical Cognito answer time, so that an unknown user is not answered measurably faster than a known one. */
  private typicalCognitoMs = 50;
  /** Subs told to migrate through the bridge's own API whose store the target has not confirmed (or refused) yet, in this process. */
  private readonly unconfirmed = new Set<string>();

  constructor(private readonly deps: PasswordBridgeDeps) {}

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
        contract: context.contract,
        outcome: outcome.kind,
        ...('cause' in outcome ? { cause: outcome.cause } : {}),
        ...('scope' in outcome ? { scope: outcome.scope } : {}),
        ...('reason' in outcome ? { reason: outcome.reason } : {}),
        ms: Math.round(performance.now() - started),
        ...timings,
      },
      'password verify',
    );
    return result;
  }

  /**
   * The target says it has stored the password of its user `targetUserId` (Cognito user `sub`):
   * recorded as `PasswordMigrated` (jit) once the target's admin API shows the credential. The
   * fact is built from what the target says (the credential's creation time), so a repeated
   * confirmation, or the watcher finding the same password, records the same event.
   */
  async confirmStored(sub: string, targetUserId: string): Promise<StoreConfirmation> {
    const user = await this.deps.users.findByIdentity({ sub });
    let confirmation: StoreConfirmation;
    if (!user) confirmation = { kind: 'unknown-user' };
    else confirmation = await this.record(user, targetUserId);
    if (confirmation.kind !== 'temporarily-unavailable') this.unconfirmed.delete(sub);
    this.deps.logger.info(
      { sub: user?.sub, outcome: confirmation.kind, ...('cause' in confirmation ? { cause: confirmation.cause } : {}) },
      'password store confirmation',
    );
    return confirmation;
  }

  /**
   * Waits until every store this process answered "migrate" for has been confirmed, or `timeoutMs`
   * passed (a password the target's policy refused is never confirmed). For a caller that stops the
   * bridge after a wave of logins (the demo): confirmations still in flight would otherwise be left
   * to the watcher's next pass. Resolves with the number still unconfirmed.
   */
  async settled(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.unconfirmed.size > 0 && Date.now() < deadline) await sleep(50);
    return this.unconfirmed.size;
  }

  private async record(user: MigrationUser, targetUserId: string): Promise<StoreConfirmation> {
    let storedAt: Date | null;
    try {
      storedAt = await this.deps.stored.storedAt(targetUserId, user.sub);
    } catch (error) {
      this.deps.logger.warn(
        { sub: user.sub, err: (error as Error).name },
        'target not asked whether it holds the password',
      );
      return { kind: 'temporarily-unavailable', cause: 'target-unavailable' };
    }
    if (storedAt === null) return { kind: 'not-stored' };
    const fact = jitPasswordMigrated(user.sub, this.deps.realm, storedAt);
    try {
      // Keycloak asks about a user again only when it holds no password for them; if the ledger has
      // their fact already, Keycloak lost the password it had confirmed (a crash undid the commit:
      // its dev-file store keeps commits in memory for up to 500 ms) and the watcher's pass found
      // the disagreement. The fact's id is per user, target and path, its time the new credential's:
      // recording it again would put a second, different copy of one fact in the ledger. The
      // watcher's next pass resolves the disagreement instead.
      if (await this.deps.users.holdsFact(user.sub, fact.id)) return { kind: 'recorded', sub: user.sub };
      await this.deps.ledger.publish([fact]);
    } catch (error) {
      // The target holds the password either way; the watcher's reconciliation pass records it later.
      this.deps.logger.error({ sub: user.sub, err: (error as Error).name }, 'PasswordMigrated not recorded');
      return { kind: 'temporarily-unavailable', cause: 'ledger-unavailable' };
    }
    return { kind: 'recorded', sub: user.sub };
  }

  private async decide(
    login: string,
    password: string,
    context: VerifyContext,
    timings: PhaseTimings,
  ): Promise<VerifyResult> {
    const { guard, users, passwords, known } = this.deps;
    const byIp = await guard.admitIp(context.ip ?? context.callerIp);
    if (byIp) return refused(byIp, undefined);

    const lookedUp = performance.now();
    const identified = context.identity?.sub || context.identity?.targetUserId;
    const user =
      password === ''
        ? undefined
        : identified
          ? await users.findByIdentity(context.identity!)
          : login === ''
            ? undefined
            : await users.find(login);
    timings.lookupMs = elapsed(lookedUp);
    if (!user) {
      // The same answer, after about the time a Cognito check takes, whatever was typed.
      await sleep(this.typicalCognitoMs);
      return result({ kind: 'unknown-user' }, undefined);
    }

    const subject = subjectOf(user);
    const refusal = refusalBeforeCognito(subject);
    if (refusal === 'disabled' || refusal === 'reset-required') return result({ kind: refusal }, user);
    if (refusal !== undefined) {
      return result(
        { kind: 'not-migratable', reason: refusal === 'federated-only' ? 'federated-only' : 'treatment' },
        user,
      );
    }
    const repeated = known.get(user.sub);
    if (repeated !== undefined) return result({ kind: repeated }, user);

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
    known.remember(user.sub, outcome.kind);

    await guard.settle(
      user.sub,
      outcome.kind === 'wrong-password'
        ? 'wrong-password'
        : outcome.kind === 'valid' || outcome.kind === 'valid-with-challenge' || outcome.kind === 'not-confirmed'
          ? 'correct-password'
          : 'other',
    );
    if (outcome.kind === 'temporarily-unavailable') {
      return { ...result(outcome, user), retryAfterSeconds: outcome.cause === 'throttled' ? 1 : 5 };
    }
    const decision = decideJitMigration(outcome, subject);
    if (decision.migrate && context.contract === 'bridge-api') this.unconfirmed.add(user.sub);
    return { outcome, decision, user, retryAfterSeconds: undefined };
  }
}

function subjectOf(user: MigrationUser): JitMigrationSubject {
  return {
    enabled: user.enabled,
    sourceStatus: user.sourceStatus,
    mfaRequired: user.mfaRequired,
    imported: user.imported,
  };
}

/** Where a verification spent its time, for the log line. */
interface PhaseTimings {
  lookupMs?: number;
  cognitoMs?: number;
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
