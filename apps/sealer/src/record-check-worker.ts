import { parentPort, workerData } from 'node:worker_threads';
import { checkBatch, type RecordBatch } from './record-check.js';

/** A thread of `RecordCheckPool`: checks the batches it is sent and returns what it found. */
const port = parentPort;
if (port === null) throw new Error('record-check-worker runs as a worker thread of RecordCheckPool');
const { checked: checkedCount } = workerData as { checked: Int32Array };
port.on('message', ({ id, batch }: { id: number; batch: RecordBatch }) => {
  const checked = checkBatch(batch);
  Atomics.add(checkedCount, 0, 1); // what the pool reads as this thread's queue
  port.postMessage({ id, checked }, [checked.hashes.buffer as ArrayBuffer]);
});
