import { randomBytes } from 'node:crypto';
import type { KeycloakConfig } from '#config';
import { UserDirectory, type AdminCredentials, type TargetUser } from '#keycloak';
import type { Ledger } from '#ledger';
import { federationPending, mfaPending, passwordPending, readWatchList, type WatchedUser } from '#watcher';
import { JourneyRealms } from './journey-realms.js';
import { enrolTotp, signInThroughProvider } from './user-journeys.js';

export interface RehearsalOptions {
  /** How many users flagged for MFA enrol TOTP again. */
  readonly mfaUsers: number;
  /** How many federated users that are not linked yet sign in through their provider. */
  readonly federatedUsers: number;
}

export interface RehearsalReport {
  readonly totpEnrolled: number;
  /** Provider logins that ended with the user linked (one per user and provider). */
  readonly providerLogins: number;
  /** Users flagged for MFA, and federated users not linked yet, before the rehearsal. */
  readonly mfaPending: number;
  readonly federationPending: number;
}

/**
 * Makes a few imported users do in the target what real users do after a migration, through
 * Keycloak's own pages: users flagged for MFA sign in and set up TOTP with a code computed from
 * the secret Keycloak shows; federated users that were not pre-linked sign in through their
 * identity provider, here a second realm of the same Keycloak acting as an OIDC provider.
 *
 * The demo does not know the users' Cognito passwords, so the MFA users get a password through
 * the admin API first, standing in for the JIT bridge; only users the bridge would migrate
 * (`needsPasswordMigration`) and not migrated yet are chosen. An admin-set password saves no user
 * event, so the watcher's reconciliation pass takes it for the bridge's store and records
 * PasswordMigrated (jit).
 *
 * Only users who can sign in are chosen, as the target holds them now: enabled (Cognito-disabled
 * and archived users are imported disabled, and an operator may disable one since), with an
 * e-mail where the journey needs one, and no required action the journey does not complete.
 * Candidates are taken in `sub` order, so the same ledger picks the same users.
 */
export async function rehearseUserJourneys(
  ledger: Ledger,
  config: KeycloakConfig,
  admin: AdminCredentials,
  providerAliases: Readonly<Record<string, string>>,
  options: RehearsalOptions,
): Promise<RehearsalReport> {
  const realms = new JourneyRealms(config, admin);
  const users = new UserDirectory(realms.target);
  const client = await realms.ensureClient();
  const watchList = await readWatchList(ledger, config.realm, providerAliases);
  const pending = watchList.pending().sort((a, b) => (a.sub < b.sub ? -1 : a.sub > b.sub ? 1 : 0));

  // Only users whose password is still to migrate: for a user the bridge migrated already, a
  // rehearsal password would replace the one the user knows while the ledger says Keycloak holds it.
  const mfa = pending.filter(
    (u) =>
      mfaPending(u) &&
      u.needsPasswordMigration &&
      passwordPending(u) &&
      u.requiredActions.every((a) => a === 'CONFIGURE_TOTP'),
  );
  let totpEnrolled = 0;
  for (const user of mfa) {
    if (totpEnrolled >= options.mfaUsers) break;
    const stored = await users.byId(user.targetUserId);
    // The realm asks for an e-mail on the profile page when it requires one; the user never had one to give.
    if (!canSignIn(stored, ['CONFIGURE_TOTP']) || !stored.email) continue;
    const password = `Rehearsal-${randomBytes(9).toString('base64url')}`;
    await realms.target.call('rehearsal password', (c) =>
      c.users.resetPassword({
        realm: realms.target.name,
        id: user.targetUserId,
        credential: { type: 'password', value: password, temporary: false },
      }),
    );
    await enrolTotp(client, user.loginName, password);
    totpEnrolled++;
  }

  const federated = pending.filter((u) => federationPending(u) && u.requiredActions.length === 0);
  let providerLogins = 0;
  let federatedSignedIn = 0;
  for (const user of federated) {
    if (federatedSignedIn >= options.federatedUsers) break;
    const stored = await users.byId(user.targetUserId);
    if (!canSignIn(stored, [])) continue;
    if (!stored.email) continue; // the provider matches by e-mail; without one there is nothing to match
    federatedSignedIn++;
    for (const alias of unlinked(user)) {
      const provider = await realms.ensureProvider(alias);
      if (!provider) continue;
      const password = `Rehearsal-${randomBytes(9).toString('base64url')}`;
      await realms.addProviderAccounts(provider, [
        {
          username: user.loginName,
          email: stored.email,
          firstName: stored.firstName ?? 'Rehearsal',
          lastName: stored.lastName ?? 'User',
          password,
        },
      ]);
      await signInThroughProvider(client, alias, user.loginName, password);
      providerLogins++;
    }
  }
  return {
    totpEnrolled,
    providerLogins,
    mfaPending: pending.filter(mfaPending).length,
    federationPending: pending.filter(federationPending).length,
  };
}

/** The target lets the user through its pages: enabled, and no required action but those the journey completes. */
function canSignIn(stored: TargetUser | undefined, completed: readonly string[]): stored is TargetUser {
  return stored !== undefined && stored.enabled && stored.requiredActions.every((a) => completed.includes(a));
}

function unlinked(user: WatchedUser): string[] {
  return user.providers.filter((p) => !user.reboundProviders.has(p));
}
