import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** What `/health/ready` answered: ready or not, and the lag it reported (NaN when it named none). */
export interface ReadinessAnswer {
  readonly ready: boolean;
  readonly lag: number;
}

/** One `ledger project --follow` process of a fault case, asked over its HTTP port as a probe would. */
export class ProjectorInstance {
  private ended = false;

  constructor(
    private readonly process: { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> },
    private readonly port: number,
  ) {
    void process.done.then(() => (this.ended = true));
  }

  /** Whether the process has ended (killed, stopped, or by itself). */
  get exited(): boolean {
    return this.ended;
  }

  /** Resolves with its exit code and what it wrote to stderr once the process has ended. */
  get whenEnded(): Promise<{ code: number | null; stderr: string }> {
    return this.process.done;
  }

  get pid(): number {
    return this.process.child.pid!;
  }

  /**
   * `/health/ready`: 200 with the lag per partition, or 503 whose message says how many facts wait
   * (PROJECTOR_READY_MAX_LAG, apps/projector/src/ledger-readiness.ts).
   */
  async readiness(): Promise<ReadinessAnswer> {
    const response = await fetch(`http://127.0.0.1:${this.port}/health/ready`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { info?: { ledger?: { lag?: number } } };
    if (response.status === 200) return { ready: true, lag: body.info?.ledger?.lag ?? Number.NaN };
    const waiting = /(\d+) facts not projected yet/.exec(JSON.stringify(body));
    return { ready: false, lag: waiting ? Number(waiting[1]) : Number.NaN };
  }

  /** Waits until the instance listens and answers ready; fails when it exits first. */
  async untilReady(timeoutMs: number): Promise<ReadinessAnswer> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.ended)
        throw new Error(`ledger project --follow exited: ${(await this.process.done).stderr.slice(-800)}`);
      const answer = await this.readiness().catch(() => undefined);
      if (answer?.ready) return answer;
      if (performance.now() > deadline) throw new Error(`the projector on port ${this.port} never answered ready`);
      await sleep(250);
    }
  }

  /** `projector_events_total` summed over its labels: the facts this instance applied. */
  async eventsProjected(): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('projector_events_total'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  /** SIGKILL, no chance of a clean shutdown; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (!this.ended) this.process.child.kill('SIGKILL');
    await this.process.done;
  }

  /** SIGTERM: the operator's Ctrl-C; resolves once the process has ended. */
  async stop(): Promise<void> {
    if (!this.ended) this.process.child.kill('SIGTERM');
    await this.process.done;
  }
}
