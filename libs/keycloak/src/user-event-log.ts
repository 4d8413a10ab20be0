import type { KeycloakRealm } from './keycloak-realm.js';
import { getAdminJson } from './admin-json.js';

/** One saved user event (`GET /admin/realms/{realm}/events`). */
export interface UserEvent {
  /** A UUID chosen by Keycloak; the only thing that tells apart two events of the same millisecond. */
  readonly id: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly type: string;
  /** Absent on some types, e.g. `IDENTITY_PROVIDER_FIRST_LOGIN` (measured on 26.5). */
  readonly userId: string | null;
  readonly details: Readonly<Record<string, string>>;
}

export interface UserEventPageQuery {
  readonly types: readonly string[];
  /** Inclusive lower bound, epoch milliseconds. */
  readonly since: number;
  readonly max: number;
  /** Only this user's events. */
  readonly userId?: string;
}

/**
 * The realm's saved user events, oldest first. Read with plain HTTP and the admin token because
 * the admin client's `realms.findEvents` drops `direction`, and Keycloak answers newest first
 * without it (see docs/watcher.md). `dateFrom` takes epoch milliseconds and is inclusive; events
 * of one millisecond come in no fixed order, so callers page by time and tell events apart by id.
 */
export class UserEventLog {
  constructor(private readonly realm: KeycloakRealm) {}

  async page(query: UserEventPageQuery): Promise<UserEvent[]> {
    const url = new URL(`${this.realm.config.url}/admin/realms/${encodeURIComponent(this.realm.name)}/events`);
    for (const type of query.types) url.searchParams.append('type', type);
    url.searchParams.set('dateFrom', String(query.since));
    url.searchParams.set('direction', 'asc');
    url.searchParams.set('first', '0');
    url.searchParams.set('max', String(query.max));
    if (query.userId !== undefined) url.searchParams.set('user', query.userId);
    const operation = 'user events read';
    const body = await this.realm.call(operation, (client) => getAdminJson(this.realm, client, url, operation));
    return (body as RawEvent[]).map((event) => ({
      id: event.id,
      time: event.time,
      type: event.type,
      userId: event.userId ?? null,
      details: event.details ?? {},
    }));
  }

  /** The event types this server knows; asking for any other is answered with HTTP 500 (measured on 26.5). */
  async knownTypes(): Promise<ReadonlySet<string>> {
    const info = await this.realm.call('server info read', (c) => c.serverInfo.find());
    return new Set(info.enums?.eventType ?? []);
  }
}

interface RawEvent {
  readonly id: string;
  readonly time: number;
  readonly type: string;
  readonly userId?: string;
  readonly details?: Record<string, string>;
}
