import { Worker } from 'node:worker_threads';
import { checkBatch, type CheckedBatch, type RecordBatch } from './record-check.js';

interface Pending {
  readonly resolve: (checked: CheckedBatch) => void;
  readonly reject: (error: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** Batches sent to it. */
  sent: number;
  /** Batches it has checked, counted by the thread itself (shared memory, see `queued`). */
  readonly checked: Int32Array;
}

/**
 * Checks record batches on worker threads (node:worker_threads), so that decoding and validating
 * records, most of `ledger verify`'s cost, runs beside the thread that reads Kafka. A batch goes
 * to the thread with the fewest batches queued; results come back in any order, and the caller
 * applies them in the order it sent them. With no threads, it checks each batch in place.
 */
export class RecordCheckPool {
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(
    private readonly threads: readonly Thread[],
    private readonly queuedPerThread: number,
  ) {}

  /**
   * `queuedPerThread`: batches a thread may have queued before the next batch is checked in the
   * calling thread instead (`Infinity`: never). When the threads are the slower half, the caller
   * (the thread reading Kafka) would otherwise idle while they catch up.
   */
  static start(threads: number, queuedPerThread = Infinity): RecordCheckPool {
    const pool: Thread[] = [];
    const instance = new RecordCheckPool(pool, queuedPerThread);
    for (let n = 0; n < threads; n++) {
      const checked = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(new URL('./record-check-worker.js', import.meta.url), { workerData: { checked } });
      const thread: Thread = { worker, pending: new Map(), sent: 0, checked };
      worker.on('message', ({ id, checked }: { id: number; checked: CheckedBatch }) => {
        const pending = thread.pending.get(id);
        thread.pending.delete(id);
        pending?.resolve(checked);
      });
      const fail = (error: Error) => {
        instance.failure ??= error;
        for (const pending of thread.pending.values()) pending.reject(error);
        thread.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`a record-check thread stopped with exit code ${code}`));
      });
      pool.push(thread);
    }
    return instance;
  }

  /**
   * Checks the batch on the thread with the fewest batches queued, or in the calling thread when
   * there are no threads or each has `queuedPerThread` queued. A thread's queue is read from a
   * counter it keeps in shared memory, not from the results received: a caller busy in a
   * synchronous loop receives no message, and would see the threads busy long after they ran dry.
   */
  check(batch: RecordBatch): Promise<CheckedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    const queued = this.threads.reduce((sum, t) => sum + queuedAt(t), 0);
    if (this.threads.length === 0 || queued >= this.queuedPerThread * this.threads.length) {
      try {
        return Promise.resolve(checkBatch(batch));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    const thread = this.threads.reduce((a, b) => (queuedAt(b) < queuedAt(a) ? b : a));
    const id = this.nextId++;
    thread.sent += 1;
    return new Promise<CheckedBatch>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, batch }, [batch.leaves.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

function queuedAt(thread: Thread): number {
  return thread.sent - Atomics.load(thread.checked, 0);
}
