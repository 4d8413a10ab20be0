import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { trafficIntervalOf, type LoginOutcome } from '#domain';
import type { LedgerEventOf } from '#events';
import { bridgeTrafficFact, emptyTally, tallyOf, type TrafficTally } from './bridge-traffic-fact.js';
import type { FactPublisher } from './password-bridge.js';

export interface BridgeTrafficRecorderOptions {
  readonly ledger: FactPublisher;
  /** The target realm the facts name. */
  readonly realm: string;
  readonly intervalSeconds: number;
  readonly logger: Logger;
  /** How often closed intervals are looked for and unpublished facts retried; 0: only on `flush()` and `close()` (tests). */
  readonly checkEveryMs?: number;
  readonly now?: () => Date;
  /** This process's instance id; drawn at random by default (a restart is another instance). */
  readonly instance?: string;
}

/**
 * Counts the bridge's Cognito AdminInitiateAuth calls by answer, per interval of its clock, and
 * records each interval in the ledger as one `BridgeTrafficObserved` fact once it has ended; on a
 * graceful shutdown, the interval it is in as a partial one. The bridge criteria are computed
 * from these facts (docs/bridge.md, "Traffic facts"). A login only adds to a tally in memory,
 * so its latency does not depend on Kafka. What a crash loses is said there: the intervals not
 * yet recorded, at most the current one when Kafka is up.
 *
 * One process records an interval at most once (its closed form or, at shutdown, its partial form,
 * never both) under an instance id no other process uses, so one event id never carries two
 * different contents. A fact that could not be published stays pending, built once, and goes with
 * the next attempt as the same bytes.
 */
export class BridgeTrafficRecorder {
  readonly instance: string;
  private readonly intervalMs: number;
  private readonly now: () => Date;
  /** Tallies of the intervals not recorded yet, by start (ms since the epoch). */
  private tallies = new Map<number, TrafficTally>();
  private unpublished: LedgerEventOf<'BridgeTrafficObserved'>[] = [];
  private publishing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: BridgeTrafficRecorderOptions) {
    this.instance = options.instance ?? randomUUID();
    this.intervalMs = options.intervalSeconds * 1000;
    this.now = options.now ?? (() => new Date());
    const every = options.checkEveryMs ?? Math.min(this.intervalMs, 1000);
    if (every > 0) {
      this.timer = setInterval(() => void this.flush(), every);
      this.timer.unref();
    }
  }

  /** One Cognito call and how it ended; after `close()` nothing is counted any more. */
  record(outcome: LoginOutcome): void {
    if (this.closed) return;
    const start = trafficIntervalOf(this.now(), this.intervalMs).start.getTime();
    this.tallies.set(start, tallyOf(this.tallies.get(start) ?? emptyTally(), outcome));
  }

  /** Records every interval that has ended, with the facts still unpublished; one at a time. */
  flush(): Promise<void> {
    if (this.closed) return this.publishing;
    this.publishing = this.publishing.then(() => this.publish(false));
    return this.publishing;
  }

  /**
   * Stops counting and records what is left: the ended intervals and the current one as partial
   * (`complete: false`, ending now). What still cannot be published is logged with its counts
   * (no user data in them) and is lost.
   */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closed = true;
    this.publishing = this.publishing.then(() => this.publish(true));
    await this.publishing;
    if (this.unpublished.length > 0) {
      this.options.logger.error(
        {
          facts: this.unpublished.map((e) => ({
            id: e.id,
            interval: e.data.interval,
            outcomes: e.data.outcomes,
            unavailable: e.data.unavailable,
          })),
        },
        'bridge traffic facts not recorded',
      );
    }
  }

  private async publish(closing: boolean): Promise<void> {
    const now = this.now();
    const current = trafficIntervalOf(now, this.intervalMs).start.getTime();
    for (const [start, tally] of [...this.tallies].sort(([a], [b]) => a - b)) {
      const ended = start < current;
      if (!ended && !closing) continue;
      this.tallies.delete(start);
      this.unpublished.push(
        bridgeTrafficFact({
          realm: this.options.realm,
          instance: this.instance,
          start: new Date(start),
          // A partial interval ends now; at least 1 ms after its start, so that it is not empty.
          end: ended ? new Date(start + this.intervalMs) : new Date(Math.max(now.getTime(), start + 1)),
          complete: ended,
          tally,
        }),
      );
    }
    if (this.unpublished.length === 0) return;
    const batch = this.unpublished;
    try {
      await this.options.ledger.publish(batch);
      this.unpublished = this.unpublished.slice(batch.length);
    } catch (error) {
      const e = error as { name?: string; code?: string };
      this.options.logger.error(
        { err: e.name, code: e.code, facts: batch.length },
        'bridge traffic facts not published; retrying',
      );
    }
  }
}
