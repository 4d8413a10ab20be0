import type { KeycloakRealm } from './keycloak-realm.js';
import { KeycloakRequestError } from './keycloak-request-error.js';

const PAGE = 500;

/**
 * The realm's top-level groups, created on first use and remembered, so that a batch of users
 * costs no group lookups once their groups exist. Cognito groups are flat; each becomes a
 * top-level group whose path is `/<name>` (Keycloak resolves a name containing "/" as that
 * top-level group when no nested group matches, measured on 26.5).
 */
export class GroupDirectory {
  private known: Map<string, string> | undefined;
  private pending: Promise<unknown> = Promise.resolve();
  /** Groups this directory created. */
  created = 0;

  constructor(private readonly realm: KeycloakRealm) {}

  static pathOf(name: string): string {
    return `/${name}`;
  }

  /** Makes sure every named group exists; calls are serialised so that concurrent batches create a group once. */
  ensure(names: Iterable<string>): Promise<void> {
    const wanted = [...new Set(names)];
    const run = this.pending.then(() => this.ensureNow(wanted));
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** The id of a group `ensure` has seen. */
  async idOf(name: string): Promise<string | undefined> {
    return (await this.load()).get(name);
  }

  private async ensureNow(wanted: readonly string[]): Promise<void> {
    const known = await this.load();
    for (const name of wanted) {
      if (known.has(name)) continue;
      try {
        const { id } = await this.realm.call(`group ${name} creation`, (c) =>
          c.groups.create({ realm: this.realm.name, name }),
        );
        known.set(name, id);
        this.created++;
      } catch (error) {
        // 409: another importer created it first; it exists, which is all that matters.
        if (!(error instanceof KeycloakRequestError && error.status === 409)) throw error;
        const [found] = await this.realm.call(`group ${name} lookup`, (c) =>
          c.groups.find({ realm: this.realm.name, search: name, exact: true, briefRepresentation: true }),
        );
        if (found?.id) known.set(name, found.id);
      }
    }
  }

  private async load(): Promise<Map<string, string>> {
    if (this.known) return this.known;
    const known = new Map<string, string>();
    for (let first = 0; ; first += PAGE) {
      const page = await this.realm.call('group listing', (c) =>
        c.groups.find({ realm: this.realm.name, first, max: PAGE, briefRepresentation: true }),
      );
      for (const group of page) if (group.name && group.id) known.set(group.name, group.id);
      if (page.length < PAGE) break;
    }
    this.known = known;
    return known;
  }
}
