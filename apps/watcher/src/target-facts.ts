import type { FederationReboundData, MfaReenrolledData, PasswordMigratedData } from '#events';
import type { TargetObservation } from './target-observation.js';
import { bridgeMigrates, federationPending, mfaPending, passwordPending, type WatchedUser } from './watch-list.js';

/** A fact the target has shown, with the time it happened there. */
export type TargetFact =
  | { readonly type: 'MfaReenrolled'; readonly data: MfaReenrolledData; readonly at: Date }
  | { readonly type: 'FederationRebound'; readonly data: FederationReboundData; readonly at: Date }
  | { readonly type: 'PasswordMigrated'; readonly data: PasswordMigratedData; readonly at: Date };

/**
 * Pure: the facts an observation of the target proves about a watched user that the ledger does
 * not hold yet. The poll and the reconciliation pass both decide here, and each fact's id comes
 * from its fact key (realm, method / provider and provider user id / via), so the two never
 * disagree on what one fact is.
 */
export function decideTargetFacts(user: WatchedUser, realm: string, seen: TargetObservation): TargetFact[] {
  const target = { kind: 'keycloak' as const, realm };
  const facts: TargetFact[] = [];

  if (mfaPending(user) && seen.otpConfiguredAt)
    facts.push({ type: 'MfaReenrolled', data: { sub: user.sub, target, method: 'totp' }, at: seen.otpConfiguredAt });

  if (federationPending(user)) {
    // Keycloak holds one link per provider; a link to a provider the user never had at Cognito is not a rebinding.
    for (const link of seen.links ?? []) {
      if (!user.providers.includes(link.identityProvider) || user.reboundProviders.has(link.identityProvider)) continue;
      facts.push({
        type: 'FederationRebound',
        data: {
          sub: user.sub,
          target,
          provider: link.identityProvider,
          cognitoProvider: user.cognitoProviderOf[link.identityProvider] ?? link.identityProvider,
          providerUserId: link.userId,
          via: 'first-login',
        },
        at: seen.linksSeenAt,
      });
    }
  }

  // A password chosen after the bridge migrated one (PasswordMigrated jit) is a change, not a migration.
  // A stored password nobody chose on Keycloak's pages is the bridge's work when the bridge may
  // migrate this user (the provider's confirmation was lost); otherwise only a reset can have set it.
  if (passwordPending(user)) {
    if (seen.passwordChosenAt) {
      facts.push({
        type: 'PasswordMigrated',
        data: { sub: user.sub, target, via: 'reset' },
        at: seen.passwordChosenAt,
      });
    } else if (seen.passwordStoredAt) {
      const via = bridgeMigrates(user) ? 'jit' : 'reset';
      facts.push({ type: 'PasswordMigrated', data: { sub: user.sub, target, via }, at: seen.passwordStoredAt });
    }
  }
  return facts;
}
