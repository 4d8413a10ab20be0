import type UserRepresentation from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
import type { KeycloakRealm } from './keycloak-realm.js';
import { KeycloakRequestError } from './keycloak-request-error.js';
import { toTargetUser, type FederatedLink, type TargetUser, type TargetUserDetail } from './target-user.js';

/** Lookups and the few single-user writes the import needs besides its batches. */
export class UserDirectory {
  constructor(private readonly realm: KeycloakRealm) {}

  async byId(id: string): Promise<TargetUser | undefined> {
    const rep = await this.realm.call('user lookup by id', (c) => c.users.findOne({ realm: this.realm.name, id }));
    return rep ? toTargetUser(rep) : undefined;
  }

  /** Keycloak keeps usernames lower-cased; the comparison is exact on that form. */
  async byUsername(username: string): Promise<TargetUser | undefined> {
    const found = await this.find('user lookup by username', { username, exact: true });
    return found.find((u) => u.username === username.toLowerCase());
  }

  /** Several users when the realm allows duplicate e-mails. */
  async byEmail(email: string): Promise<TargetUser[]> {
    const found = await this.find('user lookup by e-mail', { email, exact: true });
    return found.filter((u) => u.email?.toLowerCase() === email.toLowerCase());
  }

  async byAttribute(name: string, value: string): Promise<TargetUser[]> {
    const found = await this.find(`user lookup by ${name}`, { q: `${name}:${value}` });
    return found.filter((u) => u.attributes[name]?.includes(value));
  }

  async byIdentity(identityProvider: string, userId: string): Promise<TargetUser[]> {
    return this.find(`user lookup by ${identityProvider} link`, { idpAlias: identityProvider, idpUserId: userId });
  }

  async detail(id: string): Promise<TargetUserDetail | undefined> {
    const user = await this.byId(id);
    if (!user) return undefined;
    const [groups, federatedIdentities] = await Promise.all([
      this.realm.call('group memberships read', (c) =>
        c.users.listGroups({ realm: this.realm.name, id, max: 1000, briefRepresentation: true }),
      ),
      this.links(id),
    ]);
    return { ...user, groups: groups.map((g) => g.path!), federatedIdentities };
  }

  /** One page of the realm's users, in Keycloak's order. */
  async page(first: number, max: number): Promise<TargetUser[]> {
    return this.find('user listing', { first, max });
  }

  async count(): Promise<number> {
    return this.realm.call('user count', (c) => c.users.count({ realm: this.realm.name }));
  }

  /**
   * One user through `POST /users`, which applies the realm's user-profile validation (that
   * partialImport skips) and so answers a user Keycloak refuses with its reason and field.
   * Keycloak chooses the id.
   */
  async create(user: UserRepresentation): Promise<string> {
    const { id } = await this.realm.call('user creation', (c) => c.users.create({ ...user, realm: this.realm.name }));
    return id;
  }

  /**
   * Sets attributes and adds (or removes) required actions of an existing user and keeps
   * everything else it has. The admin API replaces the whole attribute map on update, so the
   * current one is read first.
   */
  async amend(
    id: string,
    attributes: Readonly<Record<string, readonly string[]>>,
    requiredActions: readonly string[],
    withoutActions: readonly string[] = [],
  ): Promise<void> {
    const rep = await this.realm.call('user read for update', (c) => c.users.findOne({ realm: this.realm.name, id }));
    if (!rep) return;
    const merged = {
      ...(rep.attributes ?? {}),
      ...Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, [...v]])),
    };
    const actions = [...new Set([...(rep.requiredActions ?? []), ...requiredActions])].filter(
      (action) => !withoutActions.includes(action),
    );
    await this.realm.call('user update', (c) =>
      c.users.update({ realm: this.realm.name, id }, { ...rep, attributes: merged, requiredActions: actions }),
    );
  }

  /**
   * Sets profile fields and attributes of an existing user and keeps everything else, credentials
   * included (the representation sent carries none). An attribute given as `[]` is removed. The
   * admin API replaces the whole attribute map on update, so the current one is read first.
   * Returns false when the user is gone.
   */
  async updateProfile(
    id: string,
    changes: {
      readonly email?: string | null;
      readonly emailVerified?: boolean;
      readonly firstName?: string | null;
      readonly lastName?: string | null;
      readonly enabled?: boolean;
      readonly attributes?: Readonly<Record<string, readonly string[]>>;
    },
  ): Promise<boolean> {
    const rep = await this.realm.call('user read for update', (c) => c.users.findOne({ realm: this.realm.name, id }));
    if (!rep) return false;
    const attributes: Record<string, string[]> = { ...(rep.attributes ?? {}) };
    for (const [name, values] of Object.entries(changes.attributes ?? {})) {
      if (values.length === 0) delete attributes[name];
      else attributes[name] = [...values];
    }
    const fields = Object.fromEntries(
      (['email', 'emailVerified', 'firstName', 'lastName', 'enabled'] as const)
        .filter((field) => changes[field] !== undefined)
        // Keycloak clears a field given as an empty string; null would leave it as it was.
        .map((field) => [field, changes[field] === null ? '' : changes[field]]),
    );
    await this.realm.call('user update', (c) =>
      c.users.update({ realm: this.realm.name, id }, { ...rep, ...fields, attributes }),
    );
    return true;
  }

  /** Names of the top-level groups the user is a member of (Cognito groups are flat). */
  async groupNames(id: string): Promise<string[]> {
    const groups = await this.realm.call('group memberships read', (c) =>
      c.users.listGroups({ realm: this.realm.name, id, max: 1000, briefRepresentation: true }),
    );
    return groups.map((g) => g.path ?? `/${g.name}`).map((path) => path.slice(1));
  }

  async leaveGroup(id: string, groupId: string): Promise<void> {
    await this.realm.call('group membership removal', (c) =>
      c.users.delFromGroup({ realm: this.realm.name, id, groupId }),
    );
  }

  /** Deletes the account; an account already gone is no error. */
  async remove(id: string): Promise<void> {
    try {
      await this.realm.call('user deletion', (c) => c.users.del({ realm: this.realm.name, id }));
    } catch (error) {
      if (!(error instanceof KeycloakRequestError && error.status === 404)) throw error;
    }
  }

  async joinGroup(id: string, groupId: string): Promise<void> {
    await this.realm.call('group membership', (c) => c.users.addToGroup({ realm: this.realm.name, id, groupId }));
  }

  async links(id: string): Promise<FederatedLink[]> {
    const links = await this.realm.call('federated identities read', (c) =>
      c.users.listFederatedIdentities({ realm: this.realm.name, id }),
    );
    return links.map((l) => ({ identityProvider: l.identityProvider!, userId: l.userId!, userName: l.userName ?? '' }));
  }

  async link(id: string, link: FederatedLink): Promise<void> {
    await this.realm.call(`${link.identityProvider} link`, (c) =>
      c.users.addToFederatedIdentity({
        realm: this.realm.name,
        id,
        federatedIdentityId: link.identityProvider,
        federatedIdentity: { identityProvider: link.identityProvider, userId: link.userId, userName: link.userName },
      }),
    );
  }

  private async find(operation: string, query: Record<string, string | number | boolean>): Promise<TargetUser[]> {
    const reps = await this.realm.call(operation, (c) =>
      c.users.find({ realm: this.realm.name, briefRepresentation: false, ...query }),
    );
    return reps.map(toTargetUser);
  }
}
