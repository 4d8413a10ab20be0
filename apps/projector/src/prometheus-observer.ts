import { Injectable } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { BatchOutcome } from './batch-projector.js';
import type { PartitionLagView, ProjectorObserver } from './projector.js';

export const projectorMetricProviders = [
  makeCounterProvider({
    name: 'projector_events_total',
    help: 'Facts applied to the projections (rate() gives events/s)',
    labelNames: ['topic'],
  }),
  makeCounterProvider({
    name: 'projector_dead_lettered_total',
    help: 'Facts sent to the dead-letter topic by the projector',
    labelNames: ['topic'],
  }),
  makeHistogramProvider({
    name: 'projector_batch_seconds',
    help: 'Time to project one partition batch, transaction included',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
  makeGaugeProvider({
    name: 'projector_lag',
    help: 'Records of the partition not projected yet',
    labelNames: ['topic', 'partition'],
  }),
];

@Injectable()
export class PrometheusObserver implements ProjectorObserver {
  constructor(
    @InjectMetric('projector_events_total') private readonly events: Counter<string>,
    @InjectMetric('projector_dead_lettered_total') private readonly deadLettered: Counter<string>,
    @InjectMetric('projector_batch_seconds') private readonly batchSeconds: Histogram<string>,
    @InjectMetric('projector_lag') private readonly lag: Gauge<string>,
  ) {}

  batchProjected(topic: string, outcome: BatchOutcome, seconds: number): void {
    this.events.inc({ topic }, outcome.applied);
    if (outcome.deadLettered > 0) this.deadLettered.inc({ topic }, outcome.deadLettered);
    this.batchSeconds.observe(seconds);
  }

  lagMeasured(lags: readonly PartitionLagView[]): void {
    for (const l of lags) this.lag.set({ topic: l.topic, partition: String(l.partition) }, l.lag);
  }
}
