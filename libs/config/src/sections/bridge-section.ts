import { z } from 'zod';
import { section } from '../section.js';
import { integer, listenPort, nonEmpty } from '../setting-rules.js';
import { sharedVariables } from './shared-variables.js';

/** The JIT password bridge (apps/bridge): where it listens, who may call it, how it checks passwords with Cognito. */
export interface BridgeConfig {
  readonly host: string;
  readonly port: number;
  /** Callers send it as `Authorization: Bearer <secret>` (what the Keycloak plugin and FusionAuth can send). */
  readonly sharedSecret: string;
  /** The app client the bridge authenticates with; needs ALLOW_ADMIN_USER_PASSWORD_AUTH. */
  readonly clientId: string;
  /** Set when the app client has a secret: every call then carries SECRET_HASH. */
  readonly clientSecret: string | undefined;
  /** The PostgreSQL schema of the projections (table `migration_user`). */
  readonly projectionSchema: string;
  /** Time limit of one AdminInitiateAuth call, retries included; callers time out at about 3 s. */
  readonly cognitoTimeoutMs: number;
  readonly cognitoMaxAttempts: number;
  /** Password checks per second sent to Cognito, kept below the account's UserAuthentication quota (120 by default, shared). */
  readonly cognitoRps: number;
  readonly attemptsPerIpPerMinute: number;
  readonly attemptsPerUserPerMinute: number;
  /** Wrong passwords per user within the window before the bridge stops asking Cognito (which locks after 5). */
  readonly failuresPerUser: number;
  readonly failureWindowSeconds: number;
  /** How long Cognito's user-level answers (disabled, reset required, no such user) are repeated without asking again. */
  readonly knownOutcomeTtlMs: number;
  /** The interval of the traffic facts (`BridgeTrafficObserved`) the bridge records: hourly by default. */
  readonly trafficIntervalSeconds: number;
}

export const bridgeSection = section(
  {
    BRIDGE_HOST: nonEmpty.default('127.0.0.1'),
    // 0: any free port (tests, benchmarks).
    BRIDGE_PORT: listenPort.default(18090),
    BRIDGE_SHARED_SECRET: z.string().min(16, { error: 'must be at least 16 characters' }),
    COGNITO_CLIENT_ID: z.string().regex(/^[\w+]+$/, { error: 'must be an app client id' }),
    COGNITO_CLIENT_SECRET: nonEmpty.optional(),
    PROJECTION_SCHEMA: sharedVariables.PROJECTION_SCHEMA,
    BRIDGE_COGNITO_TIMEOUT_MS: integer(100).default(2000),
    BRIDGE_COGNITO_MAX_ATTEMPTS: integer(1, 5).default(2),
    BRIDGE_COGNITO_RPS: integer(1).default(100),
    BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: integer(1).default(120),
    BRIDGE_ATTEMPTS_PER_USER_PER_MINUTE: integer(1).default(10),
    BRIDGE_FAILURES_PER_USER: integer(1).default(4),
    BRIDGE_FAILURE_WINDOW_SECONDS: integer(1).default(900),
    BRIDGE_KNOWN_OUTCOME_TTL_MS: integer(0).default(60_000),
    // A crash loses at most one interval's counts; shorter intervals for tests.
    BRIDGE_TRAFFIC_INTERVAL_SECONDS: integer(1, 86_400).default(3600),
  },
  (v): BridgeConfig => ({
    host: v.BRIDGE_HOST,
    port: v.BRIDGE_PORT,
    sharedSecret: v.BRIDGE_SHARED_SECRET,
    clientId: v.COGNITO_CLIENT_ID,
    clientSecret: v.COGNITO_CLIENT_SECRET,
    projectionSchema: v.PROJECTION_SCHEMA,
    cognitoTimeoutMs: v.BRIDGE_COGNITO_TIMEOUT_MS,
    cognitoMaxAttempts: v.BRIDGE_COGNITO_MAX_ATTEMPTS,
    cognitoRps: v.BRIDGE_COGNITO_RPS,
    attemptsPerIpPerMinute: v.BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE,
    attemptsPerUserPerMinute: v.BRIDGE_ATTEMPTS_PER_USER_PER_MINUTE,
    failuresPerUser: v.BRIDGE_FAILURES_PER_USER,
    failureWindowSeconds: v.BRIDGE_FAILURE_WINDOW_SECONDS,
    knownOutcomeTtlMs: v.BRIDGE_KNOWN_OUTCOME_TTL_MS,
    trafficIntervalSeconds: v.BRIDGE_TRAFFIC_INTERVAL_SECONDS,
  }),
);
