import { Worker } from 'node:worker_threads';
import { checkBatch, type CheckedBatch, type RecordBatch } from './record-check.js';

interface Pending {
  readonly resolve: (checked: CheckedBatch) => void;
  readonly reject: (error: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * Checks record batches on worker threads (node:worker_threads), so that decoding and validating
 * records, most of `ledger verify`'s cost, runs beside the thread that reads Kafka. A batch goes
 * to the thread with the fewest batches in hand; results come back in any order, and the caller
 * applies them in the order it sent them. With no threads, it checks each batch in place.
 */
export class RecordCheckPool {
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(private readonly threads: readonly Thread[]) {}

  static start(threads: number): RecordCheckPool {
    const pool: Thread[] = [];
    const instance = new RecordCheckPool(pool);
    for (let n = 0; n < threads; n++) {
      const worker = new Worker(new URL('./record-check-worker.js', import.meta.url));
      const thread: Thread = { worker, pending: new Map() };
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

  check(batch: RecordBatch): Promise<CheckedBatch> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.threads.length === 0) {
      try {
        return Promise.resolve(checkBatch(batch));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    const thread = this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<CheckedBatch>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, batch }, [batch.leaves.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
