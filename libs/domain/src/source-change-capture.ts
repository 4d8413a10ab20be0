/**
 * Change capture from Cognito: what one rescan of the pool means for the ledger. Cognito has no
 * change feed for admin reads, so the pool is listed again and compared, user by user, with the
 * ledger's last view of them. The comparison is by fact id: an export whose content is unchanged
 * is the same fact (UserExported's id is its content hash), so "changed" is "a fact the ledger
 * does not hold". A user missing from the listing is only a suspect: a listing can end early
 * (an interrupted run, a short page mid-way), so each one is confirmed by a lookup of its own
 * before a deletion is recorded.
 */

/** The ledger's last view of one user of the pool. */
export interface SourceUserView {
  readonly sub: string;
  readonly username: string;
  /** Id of the user's latest UserExported fact. */
  readonly lastExported: string;
  /** Every UserExported id the ledger holds for the user (a user may change back to an earlier state). */
  readonly exportedIds: ReadonlySet<string>;
  /** A UserDeletedInSource is recorded. */
  readonly deleted: boolean;
}

/** The ledger's view of the whole pool, by sub. */
export type SourceView = ReadonlyMap<string, SourceUserView>;

/** One user as a rescan listed them, already turned into the UserExported fact it would record. */
export interface ListedUser {
  readonly sub: string;
  readonly exportId: string;
}

export interface RescanCommand {
  readonly listed: readonly ListedUser[];
  /** The listing ran to its last page; an incomplete one never leads to a deletion. */
  readonly complete: boolean;
}

export interface DeletionSuspect {
  readonly sub: string;
  readonly username: string;
  readonly lastExported: string;
}

export interface RescanDecision {
  /** Users the ledger has never seen: record their UserExported. */
  readonly added: readonly string[];
  /** Users whose listed state is a fact the ledger does not hold: record it. */
  readonly changed: readonly string[];
  readonly unchanged: number;
  /** Known users the listing did not return: each to be confirmed gone (empty for an incomplete listing). */
  readonly suspects: readonly DeletionSuspect[];
}

export function decideRescan(command: RescanCommand, view: SourceView): RescanDecision {
  const added: string[] = [];
  const changed: string[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const user of command.listed) {
    seen.add(user.sub);
    const known = view.get(user.sub);
    if (known === undefined) added.push(user.sub);
    // A fact the ledger holds is never written twice. A user changed back to an exact earlier
    // state would be one; Cognito stamps UserLastModifiedDate (the fact's `updatedAt`) on every
    // profile change, so a return to an earlier profile is a new fact all the same.
    else if (known.exportedIds.has(user.exportId)) unchanged++;
    else changed.push(user.sub);
  }
  const suspects: DeletionSuspect[] = [];
  if (command.complete) {
    for (const known of view.values()) {
      if (known.deleted || seen.has(known.sub)) continue;
      suspects.push({ sub: known.sub, username: known.username, lastExported: known.lastExported });
    }
  }
  return { added, changed, unchanged, suspects };
}

/** What the one lookup of a suspect answered. */
export type SourceLookup = 'not-found' | 'found' | 'failed';

export type DeletionDecision =
  | { readonly kind: 'record-deletion'; readonly suspect: DeletionSuspect }
  /** Still in the pool (the listing missed it, or it came back): nothing is recorded. */
  | { readonly kind: 'keep'; readonly reason: 'still-in-source' | 'lookup-failed' };

/** Only Cognito saying "no such user" for this user is a deletion; an error is not. */
export function decideDeletion(suspect: DeletionSuspect, lookup: SourceLookup): DeletionDecision {
  if (lookup === 'not-found') return { kind: 'record-deletion', suspect };
  return { kind: 'keep', reason: lookup === 'found' ? 'still-in-source' : 'lookup-failed' };
}

/** Folds the ledger's facts about a pool's users into its view, in ledger order (one partition per sub). */
export function evolveSourceView(
  view: Map<string, SourceUserView>,
  fact:
    | { readonly type: 'UserExported'; readonly id: string; readonly sub: string; readonly username: string }
    | { readonly type: 'UserDeletedInSource'; readonly sub: string },
): Map<string, SourceUserView> {
  const known = view.get(fact.sub);
  if (fact.type === 'UserDeletedInSource') {
    if (known) view.set(fact.sub, { ...known, deleted: true });
    return view;
  }
  const ids = new Set(known?.exportedIds ?? []);
  ids.add(fact.id);
  view.set(fact.sub, {
    sub: fact.sub,
    username: fact.username,
    lastExported: fact.id,
    exportedIds: ids,
    deleted: known?.deleted ?? false,
  });
  return view;
}
