/** One Cognito user that wants a login name in the target. */
export interface LoginNameClaim {
  readonly sub: string;
  /** As Cognito has it; the target (Keycloak) compares and keeps names lower-cased. */
  readonly loginName: string;
  /** The ledger records this user imported under this name, or the target holds it so. */
  readonly holds: boolean;
}

export interface LoginNameDecision {
  readonly loginName: string;
  /** The sub of the user that keeps the name when this one does not get it; null when it does. */
  readonly heldBy: string | null;
}

/**
 * A case-sensitive Cognito pool can hold `user.19` and `USER.19` as two users; Keycloak has one
 * lower-cased name for both. The name goes to the user already holding it (so nobody who may have
 * signed in loses it), else to the smallest sub among the claimants, whatever order they arrive
 * in. Any other user signs in with its sub, which is unique and never changes.
 */
export function decideLoginName(
  user: { readonly sub: string; readonly loginName: string },
  claims: Iterable<LoginNameClaim>,
): LoginNameDecision {
  const name = user.loginName.toLowerCase();
  let holder: LoginNameClaim | null = null;
  for (const claim of claims) {
    if (claim.loginName.toLowerCase() !== name) continue;
    if (holder === null || rank(claim) < rank(holder)) holder = claim;
  }
  if (holder === null || holder.sub === user.sub) return { loginName: user.loginName, heldBy: null };
  return { loginName: user.sub, heldBy: holder.sub };
}

/** Holders first, then by sub: a total order, so the result does not depend on the claims' order. */
function rank(claim: LoginNameClaim): string {
  return `${claim.holds ? '0' : '1'}${claim.sub}`;
}
