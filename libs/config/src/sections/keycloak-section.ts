import { section } from '../section.js';
import { httpUrl, integer } from '../setting-rules.js';
import { sharedVariables } from './shared-variables.js';

/** The target Keycloak: where its admin API is and which realm receives the users. */
export interface KeycloakConfig {
  readonly url: string;
  readonly realm: string;
  /** How long one admin API call may take before it counts as failed. */
  readonly requestTimeoutMs: number;
}

export const keycloakSection = section(
  {
    KEYCLOAK_URL: httpUrl('https://keycloak.example.com'),
    KEYCLOAK_REALM: sharedVariables.KEYCLOAK_REALM,
    KEYCLOAK_REQUEST_TIMEOUT_MS: integer(1000).default(60_000),
  },
  (v): KeycloakConfig => ({
    url: v.KEYCLOAK_URL.replace(/\/+$/, ''),
    realm: v.KEYCLOAK_REALM,
    requestTimeoutMs: v.KEYCLOAK_REQUEST_TIMEOUT_MS,
  }),
);
