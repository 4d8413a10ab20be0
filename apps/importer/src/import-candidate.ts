import { bookkeeping, type IdentityLink, type ImportCandidate, type TargetAccount } from '#domain';
import type { FederatedLink, TargetUser } from '#keycloak';
import type { MappedUser } from './mapped-user.js';

/** A mapped user as the matching policy (libs/domain, import-matching) sees it. */
export function importCandidateOf(user: MappedUser): ImportCandidate {
  return {
    sub: user.sub,
    id: user.id,
    loginName: user.loginName,
    email: user.email,
    links: user.links,
    needsValidation: user.findings.length > 0,
  };
}

/** A Keycloak user as the matching policy sees it: its id, username and the import's bookkeeping attributes. */
export function targetAccountOf(user: TargetUser): TargetAccount {
  const matchedBy = user.attributes[bookkeeping.matchedBy]?.[0];
  return {
    id: user.id,
    username: user.username,
    cognitoSub: user.attributes[bookkeeping.sub]?.[0] ?? null,
    matchedBy: matchedBy === 'username' || matchedBy === 'email' ? matchedBy : null,
    withheldEmail: user.attributes[bookkeeping.withheldEmail] !== undefined,
  };
}

/** The candidate's own link object (with the user name Keycloak shows) for a link the policy names. */
export function linkOf(user: MappedUser, link: IdentityLink): FederatedLink {
  return user.links.find((l) => l.identityProvider === link.identityProvider && l.userId === link.userId)!;
}
