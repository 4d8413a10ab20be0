import { decideLoginName, type LoginNameClaim, type LoginNameDecision } from './login-name-claim.js';
import type { LoginPolicy } from './login-policy.js';
import type { ImportRecord } from './user-migration.js';

/*
 * The importer's matching and collision policy: which Cognito user becomes which target account,
 * under which login name, with or without its e-mail and federated links. Pure: the importer
 * gathers what the target holds (lookups by id, `cognito_sub`, username, e-mail and identity),
 * asks these functions, and performs what they decide. Keycloak is the target whose behaviour the
 * rules follow; each rule says which measured behaviour it answers.
 */

/** A federated identity as the target holds it: its identity-provider alias and the provider's user id. */
export interface IdentityLink {
  readonly identityProvider: string;
  readonly userId: string;
}

/** One Cognito user about to be written into the target, as the matching policy sees it. */
export interface ImportCandidate {
  readonly sub: string;
  /** Derived from realm, pool and sub: an account with this id is one the importer wrote. */
  readonly id: string;
  readonly loginName: string;
  readonly email: string | null;
  readonly links: readonly IdentityLink[];
  /** The target's user-profile validation would refuse something (too long, not an e-mail…). */
  readonly needsValidation: boolean;
}

/** An account the target holds, reduced to what matching looks at. */
export interface TargetAccount {
  readonly id: string;
  /** As the target stores it (Keycloak: lower-cased; the e-mail in a realm that logs in by e-mail). */
  readonly username: string;
  /** The `cognito_sub` bookkeeping attribute; null: the account did not come from Cognito. */
  readonly cognitoSub: string | null;
  /** `cognito_matched_by`: an import matched this account, which existed before it. */
  readonly matchedBy: 'username' | 'email' | null;
  /** `cognito_email`: an import withheld the e-mail, which another account holds. */
  readonly withheldEmail: boolean;
}

/** What the import records for a user the target holds: the outcome part of UserImported. */
export interface StoredOutcome {
  readonly outcome: 'created' | 'matched';
  readonly matchedBy: 'username' | 'email' | null;
  readonly loginName: string;
  /** The candidate's e-mail is to be recorded as withheld (the account holds it in `cognito_email`). */
  readonly withoutEmail: boolean;
  /** The candidate's links the account does not hold: recorded as adjustments, not as re-bound. */
  readonly linksNotHeld: readonly IdentityLink[];
}

/** What happens to an exported user whose import the ledger may already record. */
export type ImportPath =
  /** The recorded import was computed from this very export: nothing can have changed. */
  | 'unchanged'
  /** Imported from an earlier export: the target account is read and the outcome compared. */
  | 'review'
  /** Not imported into this target yet. */
  | 'import';

export function decideImportPath(recorded: ImportRecord | undefined, exportFactId: string): ImportPath {
  if (recorded === undefined) return 'import';
  return recorded.basedOn === exportFactId ? 'unchanged' : 'review';
}

/**
 * The login name of a user in a pool with free-form usernames, where `user.19` and `USER.19` are
 * two Cognito users and the target has one lower-cased name for both (decideLoginName). A pool
 * whose usernames are an e-mail or a phone number has no such pairs: the name stays.
 */
export function decideCaseVariantLoginName(
  user: { readonly sub: string; readonly loginName: string },
  claims: Iterable<LoginNameClaim>,
  policy: LoginPolicy,
): LoginNameDecision {
  if (policy.usernameAttribute !== null) return { loginName: user.loginName, heldBy: null };
  return decideLoginName(user, claims);
}

/** Where a user is written: with the others of its batch (partialImport), or alone. */
export type ImportRoute = 'batch' | 'alone';

/**
 * One refused user makes Keycloak's partialImport refuse the whole batch, and two users of one
 * batch with one username (or one e-mail, where e-mails are unique) are such a pair. Users the
 * target's validation would refuse, and the second user of each colliding pair, go alone, where
 * the collision is looked at against what the target then holds. Usernames compare lower-cased,
 * as Keycloak stores them; e-mails too, as both Cognito and Keycloak match them.
 */
export function routeImportBatch(users: readonly ImportCandidate[], policy: LoginPolicy): ImportRoute[] {
  const names = new Set<string>();
  const emails = new Set<string>();
  return users.map((user) => {
    const name = user.loginName.toLowerCase();
    const email = policy.emailSignIn && user.email ? user.email.toLowerCase() : null;
    const collides = names.has(name) || (email !== null && emails.has(email));
    names.add(name);
    if (email !== null) emails.add(email);
    return user.needsValidation || collides ? 'alone' : 'batch';
  });
}

/**
 * Keycloak accepts one identity linked to several users (measured on 26.x): of the users of a
 * batch, the first one to carry an identity keeps it; each later one is imported without it.
 * Returns, per user, the links to leave out.
 */
export function linksClaimedEarlierInBatch(users: readonly ImportCandidate[]): IdentityLink[][] {
  const seen = new Set<string>();
  return users.map((user) => {
    const taken: IdentityLink[] = [];
    for (const link of user.links) {
      const key = `${link.identityProvider}/${link.userId}`;
      if (seen.has(key)) taken.push(link);
      seen.add(key);
    }
    return taken;
  });
}

/**
 * For the same reason, an identity another account of the target already has stays with that
 * account. Holding it is not "elsewhere" when the holder is this user: its derived id, or an
 * account that carries its `cognito_sub` (a matched account).
 */
export function linkHeldElsewhere(user: ImportCandidate, holders: readonly TargetAccount[]): boolean {
  return holders.some((holder) => holder.id !== user.id && holder.cognitoSub !== user.sub);
}

/** What partialImport answered for one user (`exists`: some account already had the username). */
export type BatchWriteResult =
  { readonly outcome: 'added' | 'exists'; readonly id: string } | { readonly outcome: 'refused' };

export type BatchWriteOutcome =
  /** Written now, under its derived id. */
  | 'added'
  /** Its derived id was there already: written by an earlier delivery, whose facts may be lost. */
  | 'written-before'
  /** Refused, or another account has its login name: settled alone (decideUnbatchedImport). */
  | 'look-closer';

export function decideBatchWrite(user: ImportCandidate, result: BatchWriteResult | undefined): BatchWriteOutcome {
  if (result === undefined || result.outcome === 'refused' || result.id !== user.id) return 'look-closer';
  return result.outcome === 'added' ? 'added' : 'written-before';
}

/**
 * How a user that goes alone is written: one the target's validation would refuse goes straight
 * through `POST /users`, which validates and names the field it refuses; any other first through
 * partialImport, which keeps the derived id (and so recognises a re-delivery).
 */
export function aloneWriteVia(user: ImportCandidate): 'partial-import' | 'validating-create' {
  return user.needsValidation ? 'validating-create' : 'partial-import';
}

/**
 * The target's answers, gathered one lookup at a time: undefined is "not asked yet", null is
 * "asked, nobody". Lookups cost a request each, so the decider asks for the next one only when
 * the ones it has do not settle the user.
 */
export interface TargetLookups {
  readonly byId?: TargetAccount | null;
  readonly bySub?: TargetAccount | null;
  readonly byUsername?: TargetAccount | null;
  /** The first account holding the e-mail. */
  readonly byEmail?: TargetAccount | null;
}

export type UnbatchedImportDecision =
  /** Not settled by what is known: ask the target this. */
  | { readonly kind: 'look-up'; readonly by: 'id' | 'sub' | 'username' | 'email' }
  /** The target already holds this user (written by an earlier run): its account decides the fact. */
  | { readonly kind: 'already-in-target'; readonly account: TargetAccount }
  /** The same person already had an account of their own: it is matched and marked, nothing of it overwritten. */
  | { readonly kind: 'match'; readonly account: TargetAccount; readonly by: 'username' | 'email' }
  /** A new account; `adjust` says what the user gives up to another Cognito user of the target. */
  | {
      readonly kind: 'write';
      readonly adjust:
        | { readonly kind: 'none' }
        | { readonly kind: 'without-email' }
        | { readonly kind: 'login-name'; readonly loginName: string; readonly heldBy: string };
    };

/**
 * A user that could not go with its batch: already imported (by derived id, or by `cognito_sub`
 * since Cognito subs are UUIDs unique across pools), or its login name or e-mail is taken.
 * Taken by an account that came from Cognito too (another sub): two Cognito users, one name or
 * e-mail, and this one gives it up. Taken by an account that did not come from Cognito: the same
 * person already has an account in the target, which is matched.
 */
export function decideUnbatchedImport(
  command: { readonly user: ImportCandidate; readonly policy: LoginPolicy },
  target: TargetLookups,
): UnbatchedImportDecision {
  const { user, policy } = command;
  if (target.byId === undefined) return { kind: 'look-up', by: 'id' };
  if (target.byId !== null) return { kind: 'already-in-target', account: target.byId };
  if (target.bySub === undefined) return { kind: 'look-up', by: 'sub' };
  if (target.bySub !== null) return { kind: 'already-in-target', account: target.bySub };

  if (target.byUsername === undefined) return { kind: 'look-up', by: 'username' };
  const byName = target.byUsername;
  if (byName !== null) {
    if (byName.cognitoSub === null) return { kind: 'match', account: byName, by: 'username' };
    // A login name that is the e-mail goes with it: without the e-mail, the Cognito username is left.
    if (user.email !== null && user.loginName === user.email) return write({ kind: 'without-email' });
    // A case variant the ledger does not know as imported, yet the target holds: the holder keeps the name.
    if (policy.usernameAttribute === null && byName.cognitoSub !== user.sub)
      return write({ kind: 'login-name', loginName: user.sub, heldBy: byName.cognitoSub });
    return write({ kind: 'none' });
  }

  // Only a realm that keeps e-mails unique refuses a second account with one e-mail.
  if (policy.emailSignIn && user.email !== null) {
    if (target.byEmail === undefined) return { kind: 'look-up', by: 'email' };
    const holder = target.byEmail;
    if (holder !== null)
      return holder.cognitoSub !== null
        ? write({ kind: 'without-email' })
        : { kind: 'match', account: holder, by: 'email' };
  }
  return write({ kind: 'none' });
}

function write(adjust: Extract<UnbatchedImportDecision, { kind: 'write' }>['adjust']): UnbatchedImportDecision {
  return { kind: 'write', adjust };
}

/**
 * The fact for a user the target already holds (written now or on an earlier delivery): the
 * account, not the candidate, says what happened, so a re-delivery records the same fact. An
 * e-mail the account holds as withheld is recorded as withheld; links the account does not hold
 * (`making`: links the caller adds right after) are recorded as not re-bound.
 */
export function decideStoredOutcome(
  user: ImportCandidate,
  account: TargetAccount,
  accountLinks: readonly IdentityLink[],
  making: readonly IdentityLink[] = [],
): StoredOutcome {
  const held = [...accountLinks, ...making];
  return {
    outcome: account.matchedBy !== null ? 'matched' : 'created',
    matchedBy: account.matchedBy,
    loginName: account.username,
    withoutEmail: account.withheldEmail && user.email !== null,
    linksNotHeld: user.links.filter((link) => !held.some((h) => sameLink(h, link))),
  };
}

/** The candidate's links an account lacks: what a review of an imported user adds to it. */
export function linksToAdd(user: ImportCandidate, accountLinks: readonly IdentityLink[]): IdentityLink[] {
  return user.links.filter((link) => !accountLinks.some((held) => sameLink(held, link)));
}

/**
 * Links for a matched account: Keycloak holds one link per identity provider, so a provider the
 * account is already linked to keeps its link. The same identity there counts as re-bound;
 * another identity of that provider means the candidate's is left out.
 */
export function decideMatchLinks(
  user: ImportCandidate,
  accountLinks: readonly IdentityLink[],
): { readonly link: readonly IdentityLink[]; readonly held: readonly IdentityLink[] } {
  const link: IdentityLink[] = [];
  const held: IdentityLink[] = [];
  for (const candidate of user.links) {
    const sameProvider = accountLinks.filter((l) => l.identityProvider === candidate.identityProvider);
    if (sameProvider.length === 0) link.push(candidate);
    else if (!sameProvider.some((l) => l.userId === candidate.userId)) held.push(candidate);
  }
  return { link, held };
}

function sameLink(a: IdentityLink, b: IdentityLink): boolean {
  return a.identityProvider === b.identityProvider && a.userId === b.userId;
}
