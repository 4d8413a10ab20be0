import { z } from 'zod';
import { readEnv, type Env } from './read-env.js';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const url = z.url({ message: 'must be a URL such as http://127.0.0.1:19229' });

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Topics are `<prefix>.user-events`, `<prefix>.control-events`, `<prefix>.dead-letter`. */
  readonly topicPrefix: string;
}

export function kafkaConfig(env: Env): KafkaConfig {
  const v = readEnv(env, {
    KAFKA_BROKERS: z
      .string()
      .regex(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, 'must be host:port[,host:port...]')
      // Without an explicit broker list, the local stack's broker (KAFKA_PORT) is the one meant.
      .default(`127.0.0.1:${stackConfig(env).kafkaPort}`),
    KAFKA_CLIENT_ID: z.string().min(1).default('cognito-migration-ledger'),
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[a-zA-Z0-9._-]+$/, 'must be letters, digits, ".", "_" or "-" (a Kafka topic name part)')
      .default('migration'),
  });
  return { brokers: v.KAFKA_BROKERS.split(','), clientId: v.KAFKA_CLIENT_ID, topicPrefix: v.KAFKA_TOPIC_PREFIX };
}

export interface DatabaseConfig {
  readonly url: string;
}

export function databaseConfig(env: Env): DatabaseConfig {
  const v = readEnv(env, {
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .default('postgres://postgres@127.0.0.1:5432/migration_ledger'),
  });
  return { url: v.DATABASE_URL };
}

/** Per-category request rates; defaults are AWS's default quotas (reference: Cognito quotas page). */
export interface CognitoQuotas {
  readonly userList: number;
  readonly userPoolResourceRead: number;
  readonly userPoolRead: number;
  readonly userRead: number;
  readonly userResourceRead: number;
}

export interface CognitoConfig {
  /** Unset means the real AWS endpoint for the region. */
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly maxAttempts: number;
  readonly quotas: CognitoQuotas;
}

export function cognitoConfig(env: Env): CognitoConfig {
  const rate = (fallback: number) => z.coerce.number().positive().default(fallback);
  const v = readEnv(env, {
    COGNITO_ENDPOINT: url.optional(),
    AWS_REGION: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')
      .default('us-east-1'),
    COGNITO_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
    COGNITO_RPS_USER_LIST: rate(30),
    COGNITO_RPS_USER_POOL_RESOURCE_READ: rate(5),
    COGNITO_RPS_USER_POOL_READ: rate(15),
    COGNITO_RPS_USER_READ: rate(120),
    COGNITO_RPS_USER_RESOURCE_READ: rate(50),
  });
  return {
    endpoint: v.COGNITO_ENDPOINT,
    region: v.AWS_REGION,
    maxAttempts: v.COGNITO_MAX_ATTEMPTS,
    quotas: {
      userList: v.COGNITO_RPS_USER_LIST,
      userPoolResourceRead: v.COGNITO_RPS_USER_POOL_RESOURCE_READ,
      userPoolRead: v.COGNITO_RPS_USER_POOL_READ,
      userRead: v.COGNITO_RPS_USER_READ,
      userResourceRead: v.COGNITO_RPS_USER_RESOURCE_READ,
    },
  };
}

export interface PoolConfig {
  readonly userPoolId: string;
}

export function poolConfig(env: Env): PoolConfig {
  const v = readEnv(env, {
    COGNITO_USER_POOL_ID: z
      .string()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must look like <region>_<id>, e.g. us-east-1_AbC123'),
  });
  return { userPoolId: v.COGNITO_USER_POOL_ID };
}

/** Where the local stack keeps its downloads, data and logs, and the loopback ports it uses. */
export interface StackConfig {
  readonly dir: string;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  readonly cognitoPort: number;
  readonly cognitoLocalPort: number;
  readonly keycloakPort: number;
  readonly keycloakManagementPort: number;
  /** The local SMTP catcher (maildev): Keycloak's realm SMTP points at `mailSmtpPort`, its REST API is on `mailWebPort`. */
  readonly mailSmtpPort: number;
  readonly mailWebPort: number;
  readonly javaHome: string | undefined;
}

export function stackConfig(env: Env): StackConfig {
  const v = readEnv(env, {
    STACK_DIR: z.string().min(1).default('.stack'),
    KAFKA_PORT: port(19092),
    KAFKA_CONTROLLER_PORT: port(19093),
    COGNITO_PORT: port(19229),
    COGNITO_LOCAL_PORT: port(19230),
    KEYCLOAK_PORT: port(18080),
    KEYCLOAK_MANAGEMENT_PORT: port(18081),
    MAIL_SMTP_PORT: port(18025),
    MAIL_WEB_PORT: port(18026),
    JAVA_HOME: z.string().min(1).optional(),
  });
  return {
    dir: v.STACK_DIR,
    kafkaPort: v.KAFKA_PORT,
    kafkaControllerPort: v.KAFKA_CONTROLLER_PORT,
    cognitoPort: v.COGNITO_PORT,
    cognitoLocalPort: v.COGNITO_LOCAL_PORT,
    keycloakPort: v.KEYCLOAK_PORT,
    keycloakManagementPort: v.KEYCLOAK_MANAGEMENT_PORT,
    mailSmtpPort: v.MAIL_SMTP_PORT,
    mailWebPort: v.MAIL_WEB_PORT,
    javaHome: v.JAVA_HOME,
  };
}

/** The target Keycloak: where its admin API is, which realm receives the users, and who administers it. */
export interface KeycloakConfig {
  readonly url: string;
  readonly realm: string;
  readonly adminUsername: string;
  /** Unset: the local stack's generated password is used (see `ledger stack up`). */
  readonly adminPassword: string | undefined;
  /** The `keycloak-quarkus-dist` version the local stack fetches from Maven Central. */
  readonly distVersion: string;
  /** How long one admin API call may take before it counts as failed. */
  readonly requestTimeoutMs: number;
}

export function keycloakConfig(env: Env): KeycloakConfig {
  const v = readEnv(env, {
    KEYCLOAK_URL: z
      .url({ message: 'must be a URL such as http://127.0.0.1:18080' })
      .default(`http://127.0.0.1:${stackConfig(env).keycloakPort}`),
    KEYCLOAK_REALM: z
      .string()
      .regex(/^[\w-]+$/, 'must be a realm name of letters, digits, "-" or "_"')
      .default('migration'),
    KEYCLOAK_ADMIN_USERNAME: z.string().min(1).default('admin'),
    KEYCLOAK_ADMIN_PASSWORD: z.string().min(1).optional(),
    KEYCLOAK_DIST_VERSION: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'must be a version such as 26.7.3')
      .default('26.7.3'),
    KEYCLOAK_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60000),
  });
  return {
    url: v.KEYCLOAK_URL.replace(/\/+$/, ''),
    realm: v.KEYCLOAK_REALM,
    adminUsername: v.KEYCLOAK_ADMIN_USERNAME,
    adminPassword: v.KEYCLOAK_ADMIN_PASSWORD,
    distVersion: v.KEYCLOAK_DIST_VERSION,
    requestTimeoutMs: v.KEYCLOAK_REQUEST_TIMEOUT_MS,
  };
}

/** How the importer writes users: see docs/importer-mapping.md for the mapping these settings tune. */
export interface ImporterConfig {
  /** Users per partialImport request; a request is one transaction whose cost grows with the square of its size. */
  readonly batchSize: number;
  /** partialImport requests in flight at once. */
  readonly concurrency: number;
  /** Cognito identity provider name -> Keycloak identity provider alias, merged over the defaults. */
  readonly providerAliases: Readonly<Record<string, string>>;
  /** Cognito attribute -> Keycloak attribute name, merged over the defaults. */
  readonly attributeNames: Readonly<Record<string, string>>;
  /** A JSON file with an array of Keycloak identity-provider representations to create in the realm when missing. */
  readonly identityProvidersFile: string | undefined;
}

const stringMap = (example: string) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        const value: unknown = JSON.parse(text);
        const parsed = z.record(z.string(), z.string().min(1)).safeParse(value);
        if (parsed.success) return parsed.data;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: `must be a JSON object of strings, e.g. ${example}` });
      return z.NEVER;
    })
    .optional();

export function importerConfig(env: Env): ImporterConfig {
  const v = readEnv(env, {
    IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(25),
    IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(3),
    IMPORT_PROVIDER_ALIASES: stringMap('{"Google":"google"}'),
    IMPORT_ATTRIBUTE_NAMES: stringMap('{"phone_number":"phone"}'),
    IMPORT_IDENTITY_PROVIDERS_FILE: z.string().min(1).optional(),
  });
  return {
    batchSize: v.IMPORT_BATCH_SIZE,
    concurrency: v.IMPORT_CONCURRENCY,
    providerAliases: v.IMPORT_PROVIDER_ALIASES ?? {},
    attributeNames: v.IMPORT_ATTRIBUTE_NAMES ?? {},
    identityProvidersFile: v.IMPORT_IDENTITY_PROVIDERS_FILE,
  };
}

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
}

export function bridgeConfig(env: Env): BridgeConfig {
  const positive = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
  const v = readEnv(env, {
    BRIDGE_HOST: z.string().min(1).default('127.0.0.1'),
    // 0: any free port (tests, benchmarks).
    BRIDGE_PORT: z.coerce.number().int().min(0).max(65535).default(18090),
    BRIDGE_SHARED_SECRET: z.string().min(16, 'must be at least 16 characters'),
    COGNITO_CLIENT_ID: z.string().regex(/^[\w+]+$/, 'must be an app client id'),
    COGNITO_CLIENT_SECRET: z.string().min(1).optional(),
    PROJECTION_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case PostgreSQL identifier')
      .default('projection'),
    BRIDGE_COGNITO_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
    BRIDGE_COGNITO_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(5).default(2),
    BRIDGE_COGNITO_RPS: positive(100),
    BRIDGE_ATTEMPTS_PER_IP_PER_MINUTE: positive(120),
    BRIDGE_ATTEMPTS_PER_USER_PER_MINUTE: positive(10),
    BRIDGE_FAILURES_PER_USER: positive(4),
    BRIDGE_FAILURE_WINDOW_SECONDS: positive(900),
    BRIDGE_KNOWN_OUTCOME_TTL_MS: z.coerce.number().int().min(0).default(60_000),
  });
  return {
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
  };
}

/** The projector (apps/projector): where its projections live and where its query API listens. */
export interface ProjectorConfig {
  /** The PostgreSQL schema of the projections; replays and tests use a schema of their own. */
  readonly schema: string;
  readonly host: string;
  readonly port: number;
  /** Only assigns partitions: the projector keeps its offsets in PostgreSQL, never in the group. */
  readonly groupId: string;
  /** Readiness fails while more facts than this wait to be projected: reads would be that stale. */
  readonly readyMaxLag: number;
}

export function projectorConfig(env: Env): ProjectorConfig {
  const v = readEnv(env, {
    PROJECTION_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case PostgreSQL identifier')
      .max(40, 'must be at most 40 characters (replay schemas add a suffix)')
      .default('projection'),
    PROJECTOR_HOST: z.string().min(1).default('127.0.0.1'),
    PROJECTOR_PORT: port(18070),
    PROJECTOR_GROUP_ID: z.string().min(1).default('projector'),
    PROJECTOR_READY_MAX_LAG: z.coerce.number().int().nonnegative().default(10_000),
  });
  return {
    schema: v.PROJECTION_SCHEMA,
    host: v.PROJECTOR_HOST,
    port: v.PROJECTOR_PORT,
    groupId: v.PROJECTOR_GROUP_ID,
    readyMaxLag: v.PROJECTOR_READY_MAX_LAG,
  };
}

/** The watcher (apps/watcher): how it follows the target realm's user events and how often it reconciles. */
export interface WatcherConfig {
  /** PostgreSQL schema of the watcher's event cursor (table `event_cursor`). */
  readonly schema: string;
  /** Pause between two polls of the event store while following. */
  readonly pollIntervalMs: number;
  /** Time between two reconciliation passes while following (reads every pending user's credentials and links). */
  readonly reconcileIntervalMs: number;
  /** Events per request to Keycloak. */
  readonly pageSize: number;
  /**
   * How far before the cursor each poll reads again. Keycloak stamps an event when it is built
   * and saves it when the request's transaction commits, so an event can appear after a later one.
   */
  readonly overlapMs: number;
  /** Users whose credentials and links are read at once during a reconciliation pass. */
  readonly reconcileConcurrency: number;
}

export function watcherConfig(env: Env): WatcherConfig {
  const v = readEnv(env, {
    WATCHER_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case PostgreSQL identifier')
      .default('watcher'),
    WATCHER_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(5000),
    WATCHER_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1000).default(900_000),
    WATCHER_PAGE_SIZE: z.coerce.number().int().min(10).max(10_000).default(500),
    WATCHER_OVERLAP_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    WATCHER_RECONCILE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  });
  return {
    schema: v.WATCHER_SCHEMA,
    pollIntervalMs: v.WATCHER_POLL_INTERVAL_MS,
    reconcileIntervalMs: v.WATCHER_RECONCILE_INTERVAL_MS,
    pageSize: v.WATCHER_PAGE_SIZE,
    overlapMs: v.WATCHER_OVERLAP_MS,
    reconcileConcurrency: v.WATCHER_RECONCILE_CONCURRENCY,
  };
}

/** The reconciler (apps/reconciler): its policy, where it keeps its send journal, and the realm's mail settings. */
export interface ReconcilerConfig {
  /** YAML or JSON policy (docs/reconciler.md); unset: the documented defaults. */
  readonly policyFile: string | undefined;
  /** PostgreSQL schema of the reconciler's own table (`reset_attempt`, the send journal). */
  readonly schema: string;
  /** The projections it reads (table `migration_user`). */
  readonly projectionSchema: string;
  /** SMTP server the reconciler configures in the realm so that reset e-mails can leave Keycloak. */
  readonly smtp: { readonly host: string; readonly port: number; readonly from: string; readonly fromName: string };
}

export function reconcilerConfig(env: Env): ReconcilerConfig {
  const identifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case PostgreSQL identifier');
  const v = readEnv(env, {
    RECONCILER_POLICY_FILE: z.string().min(1).optional(),
    RECONCILER_SCHEMA: identifier.default('reconciler'),
    PROJECTION_SCHEMA: identifier.default('projection'),
    RECONCILER_SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    RECONCILER_SMTP_PORT: port(stackConfig(env).mailSmtpPort),
    RECONCILER_SMTP_FROM: z.email({ message: 'must be an e-mail address' }).default('no-reply@migration.local'),
    RECONCILER_SMTP_FROM_NAME: z.string().min(1).default('Account migration'),
  });
  return {
    policyFile: v.RECONCILER_POLICY_FILE,
    schema: v.RECONCILER_SCHEMA,
    projectionSchema: v.PROJECTION_SCHEMA,
    smtp: {
      host: v.RECONCILER_SMTP_HOST,
      port: v.RECONCILER_SMTP_PORT,
      from: v.RECONCILER_SMTP_FROM,
      fromName: v.RECONCILER_SMTP_FROM_NAME,
    },
  };
}

/** The demo's sign-in application (apps/sign-in-app): where it listens and which Keycloak client it signs in with. */
export interface SignInAppConfig {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly clientId: string;
}

export function signInAppConfig(env: Env): SignInAppConfig {
  const v = readEnv(env, {
    SIGN_IN_APP_HOST: z.string().min(1).default('127.0.0.1'),
    SIGN_IN_APP_PORT: z.coerce.number().int().min(0).max(65535).default(18095),
    SIGN_IN_APP_CLIENT_ID: z
      .string()
      .regex(/^[\w.-]+$/, 'must be a Keycloak client id of letters, digits, ".", "_" or "-"')
      .default('migration-sign-in'),
  });
  return { host: v.SIGN_IN_APP_HOST, port: v.SIGN_IN_APP_PORT, clientId: v.SIGN_IN_APP_CLIENT_ID };
}
