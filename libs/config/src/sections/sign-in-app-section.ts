import { z } from 'zod';
import { section } from '../section.js';
import { listenPort, nonEmpty } from '../setting-rules.js';

/** The demo's sign-in application (apps/sign-in-app): where it listens and which Keycloak client it signs in with. */
export interface SignInAppConfig {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly clientId: string;
}

export const signInAppSection = section(
  {
    SIGN_IN_APP_HOST: nonEmpty.default('127.0.0.1'),
    SIGN_IN_APP_PORT: listenPort.default(18095),
    SIGN_IN_APP_CLIENT_ID: z
      .string()
      .regex(/^[\w.-]+$/, { error: 'must be a Keycloak client id of letters, digits, ".", "_" or "-"' })
      .default('migration-sign-in'),
  },
  (v): SignInAppConfig => ({ host: v.SIGN_IN_APP_HOST, port: v.SIGN_IN_APP_PORT, clientId: v.SIGN_IN_APP_CLIENT_ID }),
);
