import type { FederatedLink, UserEvent } from '#keycloak';

/** What the target showed about one user, from its events or read directly by the reconciliation pass. */
export interface TargetObservation {
  /** The user configured an OTP authenticator: the event's time or the credential's creation time. */
  readonly otpConfiguredAt: Date | null;
  /** The user chose a new password on Keycloak's own pages (an UPDATE_PASSWORD event). */
  readonly passwordChosenAt: Date | null;
  /** A stored password found by reading the credentials; it does not say who stored it. */
  readonly passwordStoredAt: Date | null;
  /** The user's federated identities as read now; null when they were not read. */
  readonly links: readonly FederatedLink[] | null;
  /** When the links were seen: a link event's time, or the time of the read. */
  readonly linksSeenAt: Date;
}

/**
 * Keycloak 26.5 saves two events for each credential a user sets: the older `UPDATE_TOTP` /
 * `UPDATE_PASSWORD` and `UPDATE_CREDENTIAL` with `details.credential_type`, in the same millisecond
 * (measured, reference keycloak-local.md §5). Either one is taken, so older servers that only
 * save the first kind and later ones that may drop it are both read.
 */
export const credentialEventTypes = ['UPDATE_TOTP', 'UPDATE_PASSWORD', 'UPDATE_CREDENTIAL'] as const;

/**
 * A first broker login that links an existing user saves `FEDERATED_IDENTITY_LINK` (and
 * `IDENTITY_PROVIDER_LINK_ACCOUNT` when confirmed by e-mail). `IDENTITY_PROVIDER_FIRST_LOGIN`
 * carries no user id, and a broker `LOGIN` of a pre-linked user adds no new fact, so neither is read.
 */
export const linkEventTypes = ['FEDERATED_IDENTITY_LINK', 'IDENTITY_PROVIDER_LINK_ACCOUNT'] as const;

/** `REGISTER`: a user who signed up in the target, recorded as born there (UserRegisteredInTarget). */
export const followedEventTypes: readonly string[] = [...credentialEventTypes, ...linkEventTypes, 'REGISTER'];

export interface EventEvidence {
  readonly otpConfiguredAt: Date | null;
  readonly passwordChosenAt: Date | null;
  /** A link was made; the provider user id is only in the user's federated identities, read afterwards. */
  readonly linkedAt: Date | null;
}

/** Pure: what a user's events of one page say (earliest time of each kind). */
export function evidenceOf(events: readonly UserEvent[]): EventEvidence {
  let otp: number | null = null;
  let password: number | null = null;
  let linked: number | null = null;
  const earliest = (current: number | null, time: number) => (current === null ? time : Math.min(current, time));
  for (const event of events) {
    const credential = event.details.credential_type;
    if (event.type === 'UPDATE_TOTP' || (event.type === 'UPDATE_CREDENTIAL' && credential === 'otp'))
      otp = earliest(otp, event.time);
    else if (event.type === 'UPDATE_PASSWORD' || (event.type === 'UPDATE_CREDENTIAL' && credential === 'password'))
      password = earliest(password, event.time);
    else if ((linkEventTypes as readonly string[]).includes(event.type)) linked = earliest(linked, event.time);
  }
  const date = (time: number | null) => (time === null ? null : new Date(time));
  return { otpConfiguredAt: date(otp), passwordChosenAt: date(password), linkedAt: date(linked) };
}

export interface StoredCredential {
  readonly type: string;
  /** Epoch milliseconds. */
  readonly createdDate: number | null;
}

/** Pure: what the credentials and links read by the reconciliation pass say. */
export function observationOfStored(
  credentials: readonly StoredCredential[] | null,
  links: readonly FederatedLink[] | null,
  now: Date,
): TargetObservation {
  const created = (type: string) => {
    const found = (credentials ?? []).filter((c) => c.type === type);
    if (found.length === 0) return null;
    return new Date(Math.min(...found.map((c) => c.createdDate ?? now.getTime())));
  };
  return {
    otpConfiguredAt: created('otp'),
    passwordChosenAt: null,
    passwordStoredAt: created('password'),
    links,
    linksSeenAt: now,
  };
}
