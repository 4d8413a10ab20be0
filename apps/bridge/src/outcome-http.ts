import type { BridgeOutcome, StoreConfirmation, VerifyResult } from './bridge-outcome.js';

/**
 * HTTP status per outcome, for the bridge's own API and the Keycloak provider. An unknown user and
 * a wrong password share 401, so a caller that passes statuses on cannot tell the two apart;
 * anything temporary is 429/503 and never 401.
 */
export function statusOf(outcome: BridgeOutcome): number {
  switch (outcome.kind) {
    case 'valid':
    case 'valid-with-challenge':
      return 200;
    case 'wrong-password':
    case 'unknown-user':
      return 401;
    case 'disabled':
    case 'not-confirmed':
    case 'reset-required':
    case 'not-migratable':
      return 403;
    case 'locked-out':
    case 'rate-limited':
      return 429;
    case 'temporarily-unavailable':
      return 503;
  }
}

/** The own API's answer: the outcome in full for a known user, one constant body for an unknown one. */
export function verifyBody(result: VerifyResult): Record<string, unknown> {
  const { outcome, decision, user, retryAfterSeconds } = result;
  if (outcome.kind === 'unknown-user') return { outcome: 'unknown-user', migrate: false, requiredActions: [] };
  return {
    outcome: outcome.kind,
    ...('cause' in outcome ? { cause: outcome.cause } : {}),
    ...('scope' in outcome ? { scope: outcome.scope } : {}),
    ...('reason' in outcome ? { reason: outcome.reason } : {}),
    ...('challenge' in outcome ? { challenge: outcome.challenge, codeSent: outcome.codeSent } : {}),
    migrate: decision.migrate,
    requiredActions: decision.requiredActions,
    ...(user ? { sub: user.sub } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

/** HTTP status of a store confirmation: the provider only logs it, an operator reads it. */
export function confirmationStatusOf(confirmation: StoreConfirmation): number {
  switch (confirmation.kind) {
    case 'recorded':
      return 200;
    case 'unknown-user':
      return 404;
    case 'not-stored':
      return 409;
    case 'temporarily-unavailable':
      return 503;
  }
}
