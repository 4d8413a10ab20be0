import pMap from 'p-map';
import { compareWithTarget, credentialsNeeded, type LedgerClaims, type TargetHolding } from '#domain';
import { createEvent, type EventContext, type LedgerEvent } from '#events';
import type { KeycloakRealm, TargetUser, UserDirectory } from '#keycloak';
import { unlessDeleted } from './unless-deleted.js';
import type { WatchList, WatchedUser } from './watch-list.js';

/** Users per listing request: the realm's users are read in pages, not one request each. */
const listingPageSize = 500;

export interface ComparisonReport {
  /** Users the ledger calls imported into the realm, each compared. */
  readonly compared: number;
  /** Of them, users whose credentials had to be read. */
  readonly credentialsRead: number;
  readonly found: number;
  readonly resolved: number;
  /** Disagreements open in the ledger after this pass (recorded earlier or now, not resolved). */
  readonly open: number;
}

/**
 * The ledger-vs-target reconciliation: every user the ledger calls imported (or migrated) into
 * the realm is compared with what Keycloak holds (`compareWithTarget`, libs/domain): the user
 * exists, is enabled as recorded, still has the required actions the ledger expects, and holds a
 * password wherever the ledger recorded PasswordMigrated. Each disagreement becomes one
 * TargetDisagreementFound, each that the target no longer shows a TargetDisagreementResolved.
 *
 * The realm's users are listed page by page (their flags and required actions come with the
 * listing); credentials are read one user at a time, `concurrency` at once, only where a claim
 * rests on them. A user missing from the listing is looked up by id before being called missing:
 * a listing by offsets can skip a user while others are created.
 */
export class LedgerTargetComparison {
  constructor(
    private readonly realm: KeycloakRealm,
    private readonly users: UserDirectory,
    private readonly settings: {
      readonly concurrency: number;
      /** Treatments the importer applies with `enabled: false` whatever Cognito said (e.g. `archived`). */
      readonly disablingTreatments: ReadonlySet<string>;
    },
  ) {}

  async run(watchList: WatchList, context: EventContext): Promise<{ events: LedgerEvent[]; report: ComparisonReport }> {
    const listed = await this.listRealm();
    const imported = watchList.imported();
    let credentialsRead = 0;
    const decisions = await pMap(
      imported,
      async (user) => {
        const claims = this.claimsOf(user);
        const stored = listed.get(user.targetUserId) ?? (await this.byId(user.targetUserId));
        let holding: TargetHolding = stored
          ? {
              exists: true,
              enabled: stored.enabled,
              emailVerified: stored.emailVerified,
              requiredActions: stored.requiredActions,
              credentialTypes: null,
            }
          : { exists: false };
        if (holding.exists && credentialsNeeded(claims, holding)) {
          const types = await this.credentialTypes(user.targetUserId);
          credentialsRead++;
          holding = types === null ? { exists: false } : { ...holding, credentialTypes: types };
        }
        return compareWithTarget(claims, holding);
      },
      { concurrency: this.settings.concurrency },
    );
    const events: LedgerEvent[] = [];
    for (const { found, resolved } of decisions) {
      for (const data of found) events.push(createEvent('TargetDisagreementFound', data, context));
      for (const data of resolved) events.push(createEvent('TargetDisagreementResolved', data, context));
    }
    for (const event of events) watchList.add(event);
    const open = watchList.imported().reduce((n, user) => n + user.disagreements.filter((d) => !d.resolved).length, 0);
    return {
      events,
      report: {
        compared: imported.length,
        credentialsRead,
        found: events.filter((e) => e.type === 'TargetDisagreementFound').length,
        resolved: events.filter((e) => e.type === 'TargetDisagreementResolved').length,
        open,
      },
    };
  }

  private claimsOf(user: WatchedUser): LedgerClaims {
    return {
      sub: user.sub,
      target: { kind: 'keycloak', realm: this.realm.name },
      targetUserId: user.targetUserId,
      importEventId: user.importEventId,
      requiredActions: user.requiredActions,
      // The importer disables users of some treatments whatever Cognito said: the import is then the claim.
      enabled: this.settings.disablingTreatments.has(user.treatment)
        ? { value: false, eventId: user.importEventId }
        : user.exportedEnabled,
      passwordMigrations: user.passwordFacts,
      mfaReenrolled: user.mfaReenrolled,
      disagreements: user.disagreements,
    };
  }

  private async listRealm(): Promise<Map<string, TargetUser>> {
    const users = new Map<string, TargetUser>();
    for (let first = 0; ; first += listingPageSize) {
      const page = await this.users.page(first, listingPageSize);
      for (const user of page) users.set(user.id, user);
      if (page.length < listingPageSize) return users;
    }
  }

  private async byId(id: string): Promise<TargetUser | null> {
    return (await unlessDeleted(() => this.users.byId(id))) ?? null;
  }

  /** The credential types the user holds; null when the user is gone. */
  private async credentialTypes(id: string): Promise<string[] | null> {
    const found = await unlessDeleted(() =>
      this.realm.call('credentials read', (c) => c.users.getCredentials({ realm: this.realm.name, id })),
    );
    return found === null ? null : found.map((c) => c.type ?? '');
  }
}
