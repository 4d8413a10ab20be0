import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { pino, type Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ConfigError, type ConfigOf, type SectionName } from '#config';
import { defaultReconcilerPolicy, type ReconcilerPolicy } from '#domain';
import { Ledger, topicsWithPrefix, type LedgerTopics } from '#ledger';
import {
  DatabaseUnavailableError,
  dropSchemas,
  firstDifferences,
  ProjectionQueries,
  projectionSnapshot,
  replaceProjection,
  schemaExists,
  type CompletionMetrics,
  type ProjectionSnapshot,
  type RowDifference,
} from '#projections';
import { Projector, type ProjectionRunSummary } from './projector.js';
import { AccessTokenVerifier } from '#keycloak';
import type { AccessControl } from './access/access.guard.js';
import { DashboardSignIn } from './access/dashboard-sign-in.js';
import { ProjectorModule, type ProjectorSettings } from './projector.module.js';
import { ApiIndex } from './query-api/api-index.js';

/** The settings the projector uses (`ledger project`, `ledger replay`). */
export const projectorSections = ['kafka', 'database', 'projector'] as const satisfies readonly SectionName[];
export type ProjectorRuntimeConfig = ConfigOf<(typeof projectorSections)[number]>;

/** The settings of the serving projector (`ledger project --follow`): also who may call it. */
export const projectorServeSections = [
  ...projectorSections,
  'keycloak',
  'dashboard',
] as const satisfies readonly SectionName[];
export type ProjectorServeConfig = ConfigOf<(typeof projectorServeSections)[number]>;

export interface ProjectorOptions {
  readonly topics?: LedgerTopics;
  readonly logger?: Logger;
  /** The reconciler's policy, the dashboard's criteria are measured against; default: its documented defaults. */
  readonly policy?: ReconcilerPolicy;
}

function settingsOf(config: ProjectorRuntimeConfig, options: ProjectorOptions, schema?: string): ProjectorSettings {
  const { projector } = config;
  return {
    kafka: config.kafka,
    database: config.database,
    projector: schema ? { ...projector, schema } : projector,
    ...(options.topics ? { topics: options.topics } : {}),
    ...(options.logger
      ? { logger: options.logger }
      : config.log.level
        ? { logger: pino({ level: config.log.level }, process.stderr) }
        : {}),
  };
}

/**
 * Before PostgreSQL is touched: the broker answers and holds the ledger's topics, else one line
 * naming KAFKA_BROKERS or KAFKA_TOPIC_PREFIX within seconds (no schema created, no retry log).
 */
async function requireLedger(settings: ProjectorSettings): Promise<void> {
  const topics = settings.topics ?? topicsWithPrefix(settings.kafka.topicPrefix);
  await new Ledger({
    kafka: settings.kafka,
    topics,
    ...(settings.logger ? { logger: settings.logger } : {}),
  }).requireTopics();
}

async function withProjector<T>(
  settings: ProjectorSettings,
  use: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  await requireLedger(settings);
  const app = await namingLostDatabase(settings, () =>
    NestFactory.createApplicationContext(ProjectorModule.register(settings), { logger: false, abortOnError: false }),
  );
  try {
    return await namingLostDatabase(settings, () => use(app));
  } finally {
    await app.close();
  }
}

/**
 * Runs `work`, turning the failure of a PostgreSQL that cannot be reached or went away into one
 * error naming the server and DATABASE_URL. Nest is told not to abort on a failed start
 * (`abortOnError: false`): by default it logs the driver's stack (`connect ECONNREFUSED …`) and
 * exits the process itself, before the command could say which server it could not reach.
 */
async function namingLostDatabase<T>(settings: ProjectorSettings, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw DatabaseUnavailableError.of(error, settings.database.url, 'ledger project') ?? error;
  }
}

export interface CaughtUpReport {
  readonly schema: string;
  readonly run: ProjectionRunSummary;
  readonly metrics: CompletionMetrics;
}

/** Projects what the ledger holds now into PROJECTION_SCHEMA, then returns the completion metrics. */
export async function projectUntilCaughtUp(
  config: ProjectorRuntimeConfig,
  options: ProjectorOptions = {},
): Promise<CaughtUpReport> {
  const settings = settingsOf(config, options);
  return withProjector(settings, async (app) => {
    const run = await app.get(Projector).run();
    return { schema: settings.projector.schema, run, metrics: await app.get(ProjectionQueries).completion() };
  });
}

/** Where browsers reach the projector: DASHBOARD_PUBLIC_URL, or the address it listens on. */
export function projectorPublicUrl(config: ProjectorServeConfig): string {
  const { host, port } = config.projector;
  return config.dashboard.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Who may call the API: the realm's tokens and the page's sessions, or nobody checked (DASHBOARD_ACCESS=open, local only). */
function accessControlOf(config: ProjectorServeConfig): AccessControl {
  if (config.dashboard.access === 'open') return { mode: 'open' };
  const verifier = new AccessTokenVerifier({
    keycloakUrl: config.keycloak.url,
    realm: config.keycloak.realm,
    audience: config.dashboard.clientId,
  });
  const signIn = new DashboardSignIn(
    {
      keycloakUrl: config.keycloak.url,
      realm: config.keycloak.realm,
      clientId: config.dashboard.clientId,
      publicUrl: projectorPublicUrl(config),
    },
    verifier,
  );
  return { mode: 'keycloak', signIn };
}

/**
 * Serves the dashboard, the query API (OpenAPI at /docs), health and /metrics, and projects new
 * facts until stopped. The API and the page require a Keycloak login with a dashboard role
 * (DASHBOARD_ACCESS; libs/keycloak `ensureDashboardAccess` makes the client and the roles).
 */
export async function serveProjector(
  config: ProjectorServeConfig,
  options: ProjectorOptions = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const settings = {
    ...settingsOf(config, options),
    access: accessControlOf(config),
    cutover: {
      target: { kind: 'keycloak' as const, realm: config.keycloak.realm },
      policy: options.policy ?? defaultReconcilerPolicy,
    },
  };
  await requireLedger(settings);
  const app = await namingLostDatabase(settings, () =>
    NestFactory.create(ProjectorModule.register(settings), { logger: ['error', 'warn'], abortOnError: false }),
  );
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Cognito Migration Ledger: projections')
      .setDescription("Each user's migration state, completion metrics and burn-down, projected from the ledger")
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'an access token of the realm, for the dashboard client',
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  app.get(ApiIndex).describe(document);
  await app.listen(settings.projector.port, settings.projector.host);
  const projector = app.get(Projector);
  await projector.follow();
  // Keeps the lag gauge current between readiness probes.
  const lagTimer = setInterval(() => void projector.lag().catch(() => undefined), 5000);
  return {
    url: `http://${settings.projector.host}:${settings.projector.port}`,
    close: async () => {
      clearInterval(lagTimer);
      await app.close();
    },
  };
}

export interface ReplayReport {
  readonly schema: string;
  readonly run: ProjectionRunSummary;
  readonly replay: ProjectionSnapshot;
  /** With `compare`: the live schema's snapshot, and the first rows that differ (none when the digests match). */
  readonly live?: ProjectionSnapshot;
  readonly differences?: readonly RowDifference[];
  /** With `replace`: the live schema the replay now is. */
  readonly replaced?: string;
}

/**
 * Rebuilds every projection from offset 0 into a fresh schema and digests it. With `compare`, the
 * replay stops at exactly the offsets the live schema (PROJECTION_SCHEMA) had reached, read in the
 * same snapshot as its digest, so that the two digests must be equal. With `replace`, the replay
 * then takes the live schema's place: the way out when the live schema's offsets are not of this
 * ledger (another Kafka, topics recreated).
 */
export async function replayProjections(
  config: ProjectorRuntimeConfig,
  options: ProjectorOptions & { compare?: boolean; keep?: boolean; replace?: boolean } = {},
): Promise<ReplayReport> {
  const live = config.projector;
  if (options.replace && (options.compare || options.keep)) {
    throw new Error('replay --replace cannot be combined with --compare or --keep: it replaces the live schema');
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const schema = `${live.schema}_replay_${stamp}`;
  const settings = settingsOf(config, options, schema);
  const replaySettings = {
    ...settings,
    projector: { ...settings.projector, groupId: `${live.groupId}-replay-${randomUUID()}` },
  };
  return withProjector(replaySettings, async (app) => {
    const dataSource = app.get(DataSource);
    try {
      let liveSnapshot: ProjectionSnapshot | undefined;
      if (options.compare) {
        if (!(await schemaExists(dataSource, live.schema)))
          throw new ConfigError('PROJECTION_SCHEMA', `schema "${live.schema}" does not exist: nothing to compare with`);
        liveSnapshot = await projectionSnapshot(dataSource, live.schema);
      }
      const run = await app.get(Projector).run(
        liveSnapshot
          ? {
              until: liveSnapshot.offsets,
              untilPositions: { schema: live.schema, positions: liveSnapshot.positions },
              bounded: true,
            }
          : {},
      );
      const replay = await projectionSnapshot(dataSource, schema);
      if (options.replace) {
        await replaceProjection(dataSource, live.schema, schema);
        return { schema, run, replay, replaced: live.schema };
      }
      if (!liveSnapshot) return { schema, run, replay };
      const differences =
        liveSnapshot.digest === replay.digest ? [] : await firstDifferences(dataSource, live.schema, schema);
      return { schema, run, replay, live: liveSnapshot, differences };
    } finally {
      if (!options.keep) await dropSchemas(dataSource, [schema]);
    }
  });
}

export function formatCompletion(metrics: CompletionMetrics): string {
  const s = metrics.byStatus;
  const lines = [
    `Completion (${metrics.users} users)`,
    `  migrated     ${metrics.migrated} (${metrics.pctMigrated} % of all, ${metrics.pctActiveMigrated} % of ${metrics.active} active)`,
    `  by status    imported ${s.imported}, exported ${s.exported}, import-failed ${s['import-failed']}, disabled ${s.disabled}, unexported ${s.unexported}`,
    `  passwords    ${metrics.passwordVia.jit} by JIT, ${metrics.passwordVia.reset} by reset`,
    `  MFA          ${metrics.mfa.reenrolled} of ${metrics.mfa.required} re-enrolled (${metrics.mfa.pctReenrolled} %)`,
    ...metrics.federation.map(
      (f) => `  federation   ${f.provider}: ${f.rebound} of ${f.expected} re-bound (${f.pctRebound} %)`,
    ),
    `  resets       ${metrics.resets.sent} sent to ${metrics.resets.users} users`,
  ];
  return `${lines.join('\n')}\n`;
}

export function formatRunSummary(run: ProjectionRunSummary): string {
  return (
    `Projected ${run.events} facts in ${run.seconds.toFixed(1)} s (${run.eventsPerSecond} facts/s), ` +
    `${run.batches} batches, ${run.skipped} already applied, ${run.deadLettered} dead-lettered\n`
  );
}
