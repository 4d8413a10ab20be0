/**
 * bench:verify — `ledger verify`'s rate against the rate of merely reading the same records, in
 * one run: BENCH_RECORDS synthetic facts (`--records N`, default 1,000,000; a realistic mix from the
 * synthetic ledger) published to 12 partitions, sealed by the sealer (checkpoints every
 * LEDGER_SEAL_EVERY_RECORDS, default 10,000), then
 * - **read**: every record read with kafkajs through the ledger's raw scan, nothing checked;
 * - **verify**: `verifyLedger` as `ledger verify` runs it: every record decoded through the
 *   upcasters with its content hash and id checked, every leaf hashed, every checkpoint's
 *   signature, root and consistency checked.
 * Read and verify alternate BENCH_REPEATS times (default 2); the best of each counts.
 * BENCH_VERIFY_THREADS sets verifyLedger's record-check threads (0: all in one thread),
 * BENCH_VERIFY_QUEUED_PER_THREAD the batches a thread may have queued before the reading thread
 * checks one itself (`Infinity`: never). Prints one JSON line, with the process's CPU time in each
 * measure (both cores busy or one); the goal is verify ≥ 50 % of read.
 */
import './local-profile.js';
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { NoteSignerKey } from '#audit';
import { kafkaConfig, sealConfig } from '#config';
import type { LedgerEvent } from '#events';
import { Ledger, topicsWithPrefix } from '#ledger';
import { Sealer, verifyLedger } from '#sealer';
import { localStack } from '#stack';
import { syntheticLedger } from '../test/support/synthetic-ledger.js';

const flag = process.argv.indexOf('--records');
const records = Number(flag > 0 ? process.argv[flag + 1] : (process.env.BENCH_RECORDS ?? 1_000_000));
if (!Number.isSafeInteger(records) || records < 1) throw new Error(`--records must be a whole number ≥ 1`);
const repeats = Number(process.env.BENCH_REPEATS ?? 2);
// verifyLedger's record-check threads; unset: its default (available parallelism), 0: none.
const threads = process.env.BENCH_VERIFY_THREADS === undefined ? undefined : Number(process.env.BENCH_VERIFY_THREADS);
const queued = process.env.BENCH_VERIFY_QUEUED_PER_THREAD;
const queuedPerThread = queued === undefined ? undefined : Number(queued);
if (queuedPerThread !== undefined && !(queuedPerThread >= 0)) {
  throw new Error(`BENCH_VERIFY_QUEUED_PER_THREAD must be a number ≥ 0 or Infinity, not ${queued}`);
}

/** CPU seconds this process (every thread) has used. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  log('bringing the stack up');
  await localStack(process.env).up(log);
  const prefix = `bench-verify-${randomUUID().slice(0, 8)}`;
  const ledger = new Ledger({
    kafka: { ...kafkaConfig(process.env), topicPrefix: prefix },
    topics: topicsWithPrefix(prefix),
    logger: pino({ level: 'warn' }, process.stderr),
  });
  await ledger.ensureTopics(12);

  let started = performance.now();
  const publisher = await ledger.publisher();
  let published = 0;
  let chunk: LedgerEvent[] = [];
  for (const history of syntheticLedger({ users: Math.ceil(records / 2), seed: 5, poolId: 'us-east-1_Bench02' })) {
    chunk.push(...history.slice(0, records - published - chunk.length));
    if (chunk.length >= 10_000 || published + chunk.length >= records) {
      await publisher.publish(chunk);
      published += chunk.length;
      chunk = [];
      if (published % 100_000 < 10_000) log(`  published ${published}`);
    }
    if (published >= records) break;
  }
  await publisher.close();
  log(`published ${published} records in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const key = NoteSignerKey.generate('bench.ledger');
  const origin = `bench.ledger/${prefix}`;
  started = performance.now();
  const seal = await new Sealer(
    ledger,
    key,
    { origin, everyRecords: sealConfig(process.env).everyRecords, intervalMs: 1000 },
    pino({ level: 'warn' }, process.stderr),
  ).run({ follow: false });
  const sealSeconds = (performance.now() - started) / 1000;
  log(`sealed: ${seal.published} checkpoints in ${sealSeconds.toFixed(1)} s`);

  // Read and verify alternate, each `repeats` times, and the best time of each counts: on a shared
  // machine a burst of someone else's load then spoils neither measure alone.
  const topics = [ledger.topics.userEvents, ledger.topics.controlEvents];
  let readSeconds = Infinity;
  let verifySeconds = Infinity;
  let read = 0;
  let readCpu = 0;
  let verifyCpu = 0;
  let report: Awaited<ReturnType<typeof verifyLedger>> | undefined;
  for (let round = 1; round <= repeats; round++) {
    let cpu = cpuSeconds();
    started = performance.now();
    read = 0;
    await ledger.scanRaw(topics, () => {
      read += 1;
    });
    const readTook = (performance.now() - started) / 1000;
    const readCpuTook = cpuSeconds() - cpu;
    if (readTook < readSeconds) [readSeconds, readCpu] = [readTook, readCpuTook];
    log(`read ${round}: ${read} records in ${readTook.toFixed(1)} s (${readCpuTook.toFixed(1)} s of CPU)`);

    cpu = cpuSeconds();
    started = performance.now();
    report = await verifyLedger(ledger, key.verifier, { origin, threads, queuedPerThread });
    const verifyTook = (performance.now() - started) / 1000;
    const verifyCpuTook = cpuSeconds() - cpu;
    if (verifyTook < verifySeconds) [verifySeconds, verifyCpu] = [verifyTook, verifyCpuTook];
    log(
      `verify ${round}: ${report.records} records, ${report.checkpointsVerified} checkpoints in ${verifyTook.toFixed(1)} s (${verifyCpuTook.toFixed(1)} s of CPU)`,
    );
    if (!report.ok || report.records !== read) {
      throw new Error(
        `verify did not pass: ${JSON.stringify(report.findings.slice(0, 3))}, ${report.records} of ${read}`,
      );
    }
  }

  const verifyRate = Math.round(read / verifySeconds);
  const readRate = Math.round(read / readSeconds);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'verify',
      records: read,
      partitions: 12,
      checkpoints: report!.checkpointsVerified,
      repeats,
      verify_threads: threads ?? 'default',
      verify_queued_per_thread: queued ?? 'default',
      verify_records_per_s: verifyRate,
      read_records_per_s: readRate,
      verify_pct_of_read: Number(((100 * verifyRate) / readRate).toFixed(1)),
      verify_seconds: Number(verifySeconds.toFixed(1)),
      read_seconds: Number(readSeconds.toFixed(1)),
      verify_cpu_seconds: Number(verifyCpu.toFixed(1)),
      read_cpu_seconds: Number(readCpu.toFixed(1)),
      seal_records_per_s: Math.round(read / sealSeconds),
      seal_seconds: Number(sealSeconds.toFixed(1)),
    })}\n`,
  );
}

await main();
