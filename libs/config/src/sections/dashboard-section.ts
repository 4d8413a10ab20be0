import { z } from 'zod';
import { section } from '../section.js';
import { httpUrl } from '../setting-rules.js';

/** Who may read the projector's query API and its dashboard page. */
export const dashboardAccessModes = ['keycloak', 'open'] as const;
export type DashboardAccessMode = (typeof dashboardAccessModes)[number];

/**
 * The migration dashboard and the query API's access (apps/projector): a Keycloak login with the
 * roles `migration-viewer` / `migration-operator`, or, on the local stack only, open.
 */
export interface DashboardConfig {
  /**
   * `keycloak`: the page signs in through the realm KEYCLOAK_REALM (authorization code + PKCE) and
   * the API takes the realm's bearer tokens. `open`: no login at all, accepted only under
   * LEDGER_PROFILE=local (tests, benchmarks), never a default.
   */
  readonly access: DashboardAccessMode;
  /** The realm's public client of the page; its tokens carry it as audience. */
  readonly clientId: string;
  /** Where browsers reach the projector (redirect URIs are built on it); unset: http://PROJECTOR_HOST:PROJECTOR_PORT. */
  readonly publicUrl: string | undefined;
}

export const dashboardSection = section(
  {
    DASHBOARD_ACCESS: z
      .enum(dashboardAccessModes, { error: `must be one of ${dashboardAccessModes.join(', ')}` })
      .default('keycloak'),
    DASHBOARD_CLIENT_ID: z
      .string()
      .regex(/^[\w.-]+$/, { error: 'must be a Keycloak client id of letters, digits, ".", "_" or "-"' })
      .default('migration-dashboard'),
    DASHBOARD_PUBLIC_URL: httpUrl('https://migration.example.com').optional(),
  },
  (v): DashboardConfig => ({
    access: v.DASHBOARD_ACCESS,
    clientId: v.DASHBOARD_CLIENT_ID,
    publicUrl: v.DASHBOARD_PUBLIC_URL?.replace(/\/+$/, ''),
  }),
);
