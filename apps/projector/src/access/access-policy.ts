import { dashboardRoles } from '#keycloak';

/**
 * What a route requires: `open` (anyone: the API's index, the OpenAPI document, the sign-in
 * pages), `loopback` (health and metrics: anyone on this machine, a token from elsewhere),
 * `viewer` (the numbers) or `operator` (personal columns, CSV exports).
 */
export type AccessLevel = 'open' | 'loopback' | 'viewer' | 'operator';

/** Who is calling: the realm roles of their token or session (null: nobody signed in). */
export interface Caller {
  readonly subject: string;
  readonly username: string | null;
  readonly roles: readonly string[];
}

export type AccessDecision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'unauthenticated'; readonly message: string }
  | { readonly kind: 'forbidden'; readonly message: string };

const viewerRoles: readonly string[] = [dashboardRoles.viewer, dashboardRoles.operator];

export function isViewer(caller: Caller | null): boolean {
  return caller !== null && caller.roles.some((role) => viewerRoles.includes(role));
}

export function isOperator(caller: Caller | null): boolean {
  return caller !== null && caller.roles.includes(dashboardRoles.operator);
}

/** Whether `caller` may use a route that requires `level`, and if not, what the 401/403 says. */
export function decideAccess(level: AccessLevel, caller: Caller | null, fromLoopback: boolean): AccessDecision {
  if (level === 'open' || (level === 'loopback' && fromLoopback)) return { kind: 'allow' };
  if (caller === null) {
    return {
      kind: 'unauthenticated',
      message: 'sign in: send a Keycloak access token of the realm (Authorization: Bearer …) or sign in at /dashboard',
    };
  }
  const needed = level === 'operator' ? dashboardRoles.operator : dashboardRoles.viewer;
  const allowed = level === 'operator' ? isOperator(caller) : isViewer(caller);
  return allowed ? { kind: 'allow' } : { kind: 'forbidden', message: `requires the realm role ${needed}` };
}

/** Whether a socket's remote address is this machine (IPv4 127/8, IPv6 ::1, or IPv4-mapped). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The columns of a user that identify a person: shown to operators only. */
export const personalColumns = ['username', 'email', 'phoneNumber', 'loginName'] as const;

/** A user row as `caller` may see it: personal columns null for a viewer. */
export function visibleUser<R extends object>(row: R, caller: Caller | null): R {
  if (isOperator(caller)) return row;
  const out = { ...row } as Record<string, unknown>;
  for (const column of personalColumns) if (column in out) out[column] = null;
  // The folded state holds the exported attributes (e-mail among them).
  if ('state' in out) delete out.state;
  return out as R;
}

/** A fact of a user's history as `caller` may see it: for a viewer without its data (the export's attributes). */
export function visibleFact<F extends { data?: unknown }>(fact: F, caller: Caller | null): F {
  return isOperator(caller) ? fact : { ...fact, data: null };
}
