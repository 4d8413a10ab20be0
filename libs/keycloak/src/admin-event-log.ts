import type { KeycloakRealm } from './keycloak-realm.js';
import { getAdminJson } from './admin-json.js';

/** One saved admin event that created a user (`GET /admin/realms/{realm}/admin-events`). */
export interface UserCreatedAdminEvent {
  /** A UUID chosen by Keycloak; tells apart two events of the same millisecond. */
  readonly id: string;
  /** Epoch milliseconds. */
  readonly time: number;
  /** The created user's id, from the event's `resourcePath` (`users/<id>`). */
  readonly userId: string;
}

export interface AdminEventPageQuery {
  /** Inclusive lower bound, epoch milliseconds. */
  readonly since: number;
  readonly max: number;
}

/** `users/<id>` and nothing after it: the path of a user resource. */
const userPath = /^users\/([^/]+)$/;

/**
 * The realm's saved admin events that created a user (`operationTypes=CREATE`,
 * `resourceTypes=USER`), oldest first: users an administrator created in the admin console or
 * through the admin REST API, which Keycloak records as admin events only (no user event).
 *
 * Only the event's time, id and resource path are read; the representation is never asked for
 * nor kept (it would hold what the administrator sent, a password included; Keycloak stores it
 * only with `adminEventsDetailsEnabled`, which this class never switches on). `partialImport`
 * saves its users as `REALM` resources, so the importer's users are not in these pages.
 * Read with plain HTTP for the same reason as UserEventLog: the admin client drops `direction`.
 */
export class AdminEventLog {
  constructor(private readonly realm: KeycloakRealm) {}

  /**
   * Turns the realm's admin events on when they are off (leaving every other event setting as
   * it is); true when this call switched them on. Only users created afterwards are saved.
   */
  async ensureEnabled(): Promise<boolean> {
    const realm = this.realm.name;
    const current = await this.realm.call('events config read', (c) => c.realms.getConfigEvents({ realm }));
    if (current.adminEventsEnabled) return false;
    await this.realm.call('admin events enable', (c) =>
      c.realms.updateConfigEvents({ realm }, { ...current, adminEventsEnabled: true }),
    );
    return true;
  }

  async usersCreated(query: AdminEventPageQuery): Promise<UserCreatedAdminEvent[]> {
    const url = new URL(`${this.realm.config.url}/admin/realms/${encodeURIComponent(this.realm.name)}/admin-events`);
    url.searchParams.set('operationTypes', 'CREATE');
    url.searchParams.set('resourceTypes', 'USER');
    url.searchParams.set('dateFrom', String(query.since));
    url.searchParams.set('direction', 'asc');
    url.searchParams.set('first', '0');
    url.searchParams.set('max', String(query.max));
    const operation = 'admin events read';
    const body = (await this.realm.call(operation, (client) =>
      getAdminJson(this.realm, client, url, operation),
    )) as RawAdminEvent[];
    return userCreations(body);
  }
}

/**
 * Pure: the user creations of a page of admin events. A failed creation is saved too (with
 * `error`) and names no user that exists; a path below a user (`users/<id>/role-mappings/…`) is
 * not a user.
 */
export function userCreations(page: readonly RawAdminEvent[]): UserCreatedAdminEvent[] {
  const created: UserCreatedAdminEvent[] = [];
  for (const event of page) {
    const userId = userPath.exec(event.resourcePath ?? '')?.[1];
    if (userId === undefined || event.error) continue;
    const id = decodeURIComponent(userId);
    // Older servers save admin events without an id; one creation per user id tells them apart then.
    created.push({ id: event.id ?? `user:${id}`, time: event.time, userId: id });
  }
  return created;
}

/** An admin event as Keycloak answers it, of the fields read here (never `representation`). */
export interface RawAdminEvent {
  readonly id?: string;
  readonly time: number;
  readonly resourcePath?: string;
  readonly error?: string;
}
