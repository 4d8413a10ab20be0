import { collectDefaultMetrics, Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';
import type { BatchOutcome } from './batch-projector.js';
import type { PartitionLagView, ProjectorObserver } from './projector.js';

/**
 * The projector's Prometheus metrics, registered in `registry` (served at /metrics by
 * MetricsController). Several projectors may share one process (e.g. in tests): each metric and the
 * process metrics are registered once, and every projector counts into the same ones.
 */
export class PrometheusObserver implements ProjectorObserver {
  private readonly events: Counter;
  private readonly deadLettered: Counter;
  private readonly batchSeconds: Histogram;
  private readonly lag: Gauge;

  constructor(registry: Registry) {
    if (registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
      collectDefaultMetrics({ register: registry });
    }
    const registers = [registry];
    this.events = registered(
      registry,
      'projector_events_total',
      (name) =>
        new Counter({
          name,
          help: 'Facts applied to the projections (rate() gives events/s)',
          labelNames: ['topic'],
          registers,
        }),
    );
    this.deadLettered = registered(
      registry,
      'projector_dead_lettered_total',
      (name) =>
        new Counter({
          name,
          help: 'Facts sent to the dead-letter topic by the projector',
          labelNames: ['topic'],
          registers,
        }),
    );
    this.batchSeconds = registered(
      registry,
      'projector_batch_seconds',
      (name) =>
        new Histogram({
          name,
          help: 'Time to project one partition batch, transaction included',
          buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
          registers,
        }),
    );
    this.lag = registered(
      registry,
      'projector_lag',
      (name) =>
        new Gauge({
          name,
          help: 'Records of the partition not projected yet',
          labelNames: ['topic', 'partition'],
          registers,
        }),
    );
  }

  batchProjected(topic: string, outcome: BatchOutcome, seconds: number): void {
    this.events.inc({ topic }, outcome.applied);
    if (outcome.deadLettered > 0) this.deadLettered.inc({ topic }, outcome.deadLettered);
    this.batchSeconds.observe(seconds);
  }

  lagMeasured(lags: readonly PartitionLagView[]): void {
    for (const l of lags) this.lag.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
  }
}

/** The metric `name` of the registry, created by `create` when it has none yet. */
function registered<T extends Metric>(registry: Registry, name: string, create: (name: string) => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create(name);
}
