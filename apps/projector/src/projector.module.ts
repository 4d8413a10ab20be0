import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { pino, type Logger } from 'pino';
import { register, type Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { DatabaseConfig, KafkaConfig, ProjectorConfig } from '#config';
import { Ledger, type LedgerTopics } from '#ledger';
import {
  CohortQueries,
  CutoverTimeline,
  ResetPipelineQueries,
  RouteBurnDownQueries,
  StuckUserQueries,
  openProjectionDataSource,
  ProjectionQueries,
  ProjectionStore,
} from '#projections';
import { AccessGuard, ACCESS_CONTROL, type AccessControl } from './access/access.guard.js';
import { DashboardPageController } from './access/dashboard-page.controller.js';
import { DashboardSignInController } from './access/dashboard-sign-in.controller.js';
import { BatchProjector } from './batch-projector.js';
import { Projector } from './projector.js';
import { PrometheusObserver } from './prometheus-observer.js';
import { ApiIndex } from './query-api/api-index.js';
import { ApiIndexController } from './query-api/api-index.controller.js';
import { CohortsController } from './query-api/cohorts.controller.js';
import { CompletionController } from './query-api/completion.controller.js';
import {
  CUTOVER_SETTINGS,
  CutoverStatusController,
  type CutoverSettings,
} from './query-api/cutover-status.controller.js';
import { HealthController, READY_MAX_LAG } from './query-api/health.controller.js';
import { METRICS_REGISTRY, MetricsController } from './query-api/metrics.controller.js';
import { ProjectorLagController } from './query-api/projector-lag.controller.js';
import { ResetPipelineController } from './query-api/reset-pipeline.controller.js';
import { RouteBurnDownController } from './query-api/route-burn-down.controller.js';
import { StuckUsersController } from './query-api/stuck-users.controller.js';
import { UsersController } from './query-api/users.controller.js';

export interface ProjectorSettings {
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly projector: ProjectorConfig;
  readonly topics?: LedgerTopics;
  /** Default: warnings and errors on stderr. */
  readonly logger?: Logger;
  /** Who may call the HTTP routes; without it (projecting only, no server) every protected route refuses. */
  readonly access?: AccessControl;
  /** The cutover the dashboard shows (the served projector's realm and the reconciler's policy). */
  readonly cutover?: CutoverSettings;
}

/** No sign-in configured: the protected routes answer 401 to everyone. */
const closed: AccessControl = { mode: 'closed' };

@Injectable()
class ProjectorShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(Projector) private readonly projector: Projector,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.projector.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Wires the projector to Kafka and PostgreSQL, and serves the query API, health and metrics. */
@Module({})
export class ProjectorModule {
  static register(settings: ProjectorSettings): DynamicModule {
    const schema = settings.projector.schema;
    const logger = (settings.logger ?? pino({ level: 'warn' }, process.stderr)).child({ app: 'projector', schema });
    return {
      module: ProjectorModule,
      imports: [TerminusModule],
      controllers: [
        DashboardSignInController,
        DashboardPageController,
        ApiIndexController,
        ProjectorLagController,
        UsersController,
        CompletionController,
        CutoverStatusController,
        CohortsController,
        RouteBurnDownController,
        ResetPipelineController,
        StuckUsersController,
        HealthController,
        MetricsController,
      ],
      providers: [
        { provide: DataSource, useFactory: () => openProjectionDataSource(settings.database.url, schema) },
        {
          provide: ProjectionStore,
          useFactory: (ds: DataSource) => new ProjectionStore(ds, schema),
          inject: [DataSource],
        },
        {
          provide: ProjectionQueries,
          useFactory: (ds: DataSource) => new ProjectionQueries(ds, schema),
          inject: [DataSource],
        },
        {
          provide: CohortQueries,
          useFactory: (ds: DataSource) => new CohortQueries(ds, schema),
          inject: [DataSource],
        },
        {
          provide: CutoverTimeline,
          useFactory: (ds: DataSource) => new CutoverTimeline(ds, schema),
          inject: [DataSource],
        },
        {
          provide: RouteBurnDownQueries,
          useFactory: (ds: DataSource) => new RouteBurnDownQueries(ds, schema),
          inject: [DataSource],
        },
        {
          provide: ResetPipelineQueries,
          useFactory: (ds: DataSource) => new ResetPipelineQueries(ds, schema),
          inject: [DataSource],
        },
        {
          provide: StuckUserQueries,
          useFactory: (ds: DataSource) => new StuckUserQueries(ds, schema),
          inject: [DataSource],
        },
        { provide: CUTOVER_SETTINGS, useValue: settings.cutover ?? null },
        ApiIndex,
        { provide: ACCESS_CONTROL, useValue: settings.access ?? closed },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: READY_MAX_LAG, useValue: settings.projector.readyMaxLag },
        // prom-client's default registry: several projectors in one process (e.g. in tests) share it.
        { provide: METRICS_REGISTRY, useValue: register },
        {
          provide: PrometheusObserver,
          useFactory: (registry: Registry) => new PrometheusObserver(registry),
          inject: [METRICS_REGISTRY],
        },
        {
          provide: Projector,
          useFactory: (store: ProjectionStore, observer: PrometheusObserver) =>
            new Projector(
              new Ledger({ kafka: settings.kafka, logger, ...(settings.topics ? { topics: settings.topics } : {}) }),
              store,
              new BatchProjector(store),
              { id: settings.projector.groupId, sessionTimeoutMs: settings.projector.sessionTimeoutMs },
              observer,
              logger,
            ),
          inject: [ProjectionStore, PrometheusObserver],
        },
        ProjectorShutdown,
      ],
      exports: [Projector, ProjectionQueries, ProjectionStore, DataSource, ApiIndex],
    };
  }
}
