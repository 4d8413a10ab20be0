import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, it } from '@jest/globals';
import { pino } from 'pino';
import { CompactRange, formatCheckpoint, ledgerLeafHash, NoteSignerKey, signNote, type NoteVerifierKey } from '#audit';
import { kafkaConfig } from '#config';
import { createEvent, type LedgerEvent } from '#events';
import { encodeEvent, Ledger, topicsWithPrefix, type LedgerTopics, type RawLedgerRecord } from '#ledger';
import { publishRawRecords, type RawRecord } from '../../../test/support/publish-raw-records.js';
import { readPublishedCheckpoints } from './published-checkpoints.js';
import { Sealer } from './sealer.js';
import { SealRefusedError } from './seal-refused-error.js';
import { verifyLedger, type VerificationReport } from './ledger-verification.js';

const kafka = kafkaConfig(process.env);
const logger = pino({ level: 'silent' });
const origin = 'test.ledger/original';
const key = NoteSignerKey.generate('test.ledger');
const context = { source: '/test/sealer', correlationId: 'run', time: new Date('2026-01-01T00:00:00Z') };

function passwordMigrated(n: number, via: 'jit' | 'reset' = 'jit'): LedgerEvent {
  return createEvent('PasswordMigrated', { sub: `sub-${n}`, target: { kind: 'keycloak', realm: 'r' }, via }, context);
}

async function newLedger(): Promise<Ledger> {
  const ledger = new Ledger({ kafka, logger, topics: topicsWithPrefix(`seal-${randomUUID().slice(0, 8)}`) });
  await ledger.ensureTopics(2);
  return ledger;
}

async function seal(ledger: Ledger, everyRecords: number, signer = key) {
  return new Sealer(ledger, signer, { origin, everyRecords, intervalMs: 100 }, logger).run({ follow: false });
}

async function verify(ledger: Ledger, verifier: NoteVerifierKey = key.verifier): Promise<VerificationReport> {
  return verifyLedger(ledger, verifier, { origin });
}

async function rawRecords(ledger: Ledger, topic: string): Promise<RawLedgerRecord[]> {
  const records: RawLedgerRecord[] = [];
  await ledger.scanRaw([topic], (record) => void records.push(record));
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

function asRaw(topic: string, record: RawLedgerRecord, partition = record.partition): RawRecord {
  const headers = Object.fromEntries(record.headers.map(([name, value]) => [name, value?.toString('utf8') ?? '']));
  return { topic, partition, key: record.key ?? Buffer.alloc(0), value: record.value ?? Buffer.alloc(0), headers };
}

describe('sealer and ledger verify on a real broker', () => {
  let original: Ledger;
  let userRecords: RawLedgerRecord[];
  let checkpointRecords: RawLedgerRecord[];
  /** The partition the tampering happens in, and the offset. */
  let partition: number;
  const at = 2;

  beforeAll(async () => {
    original = await newLedger();
    const publisher = await original.publisher();
    await publisher.publish(Array.from({ length: 16 }, (_, n) => passwordMigrated(n)));
    await publisher.close();
    const report = await seal(original, 1);
    assert.equal(report.published, 16);
    userRecords = await rawRecords(original, original.topics.userEvents);
    checkpointRecords = await rawRecords(original, original.topics.checkpoints);
    const counts = [0, 1].map((p) => userRecords.filter((r) => r.partition === p).length);
    partition = counts[0]! >= counts[1]! ? 0 : 1;
    assert.ok(counts[partition]! >= at + 3, `partition ${partition} holds ${counts[partition]} records`);
  });

  /** A fresh ledger holding the original's records and checkpoints, with `partition`'s records and the checkpoints changed. */
  async function tampered(
    change: (records: RawLedgerRecord[]) => RawLedgerRecord[],
    changeCheckpoints: (records: RawRecord[]) => RawRecord[] = (records) => records,
  ): Promise<Ledger> {
    const copy = await newLedger();
    const target: LedgerTopics = copy.topics;
    const inPartition = userRecords.filter((r) => r.partition === partition);
    const others = userRecords.filter((r) => r.partition !== partition);
    await publishRawRecords(kafka, [
      ...others.map((r) => asRaw(target.userEvents, r)),
      ...change(inPartition).map((r) => asRaw(target.userEvents, r, partition)),
    ]);
    await publishRawRecords(kafka, changeCheckpoints(checkpointRecords.map((r) => asRaw(target.checkpoints, r))));
    return copy;
  }

  function firstFinding(report: VerificationReport) {
    assert.equal(report.ok, false);
    return report.findings[0]!;
  }

  it('verifies the sealed ledger: every record sealed, every checkpoint verified', async () => {
    const report = await verify(original);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ok, true);
    assert.equal(report.records, 16);
    assert.equal(report.checkpointsVerified, 16);
    assert.equal(report.unsealed, 0);
  });

  it('publishes nothing again for a ledger already sealed, and counts new records unsealed until sealed', async () => {
    assert.equal((await seal(original, 1)).published, 0);
    const publisher = await original.publisher();
    await publisher.publish([passwordMigrated(100), passwordMigrated(101)]);
    await publisher.close();
    const before = await verify(original);
    assert.equal(before.ok, true);
    assert.equal(before.unsealed, 2);
    const sealed = await seal(original, 10); // fewer than N: sealed at the end of the pass
    assert.ok(sealed.published >= 1);
    const after = await verify(original);
    assert.equal(after.ok, true);
    assert.equal(after.unsealed, 0);
    userRecords = await rawRecords(original, original.topics.userEvents);
    checkpointRecords = await rawRecords(original, original.topics.checkpoints);
  });

  it('names the record whose value changed by one byte', async () => {
    const copy = await tampered((records) =>
      records.map((r, i) => {
        if (i !== at) return r;
        const value = Buffer.from(r.value!);
        value[value.indexOf('"realm":"r"') + 9] = 's'.charCodeAt(0); // still a valid PasswordMigrated
        return { ...r, value };
      }),
    );
    const finding = firstFinding(await verify(copy));
    assert.deepEqual(
      [finding.topic, finding.partition, finding.offset, finding.reason],
      [copy.topics.userEvents, partition, String(at), 'invalid-record'],
    );
    assert.match(finding.detail, /contenthash/);
    // The sealer refuses to extend a ledger that no longer gives its checkpoints' roots.
    await assert.rejects(seal(copy, 1), SealRefusedError);
  });

  it('names the record whose header changed by one byte, though the event is still valid', async () => {
    const copy = await tampered((records) =>
      records.map((r, i) =>
        i !== at
          ? r
          : {
              ...r,
              headers: r.headers.map(([name, value]) => [
                name,
                name === 'ce_time' ? Buffer.from(value!.toString().replace('00:00:00', '00:00:01')) : value,
              ]),
            },
      ),
    );
    const finding = firstFinding(await verify(copy));
    assert.deepEqual(
      [finding.topic, finding.partition, finding.offset, finding.reason],
      [copy.topics.userEvents, partition, String(at), 'root-mismatch'],
    );
  });

  it('names where a record was removed', async () => {
    const copy = await tampered((records) => records.filter((_, i) => i !== at));
    const finding = firstFinding(await verify(copy));
    assert.deepEqual([finding.partition, finding.offset, finding.reason], [partition, String(at), 'root-mismatch']);
  });

  it('names where two records were swapped', async () => {
    const copy = await tampered((records) => {
      const swapped = [...records];
      [swapped[at], swapped[at + 1]] = [swapped[at + 1]!, swapped[at]!];
      return swapped;
    });
    const finding = firstFinding(await verify(copy));
    assert.deepEqual([finding.partition, finding.offset, finding.reason], [partition, String(at), 'root-mismatch']);
  });

  it('names where a record with a valid content hash was inserted', async () => {
    const inserted = encodeEvent(passwordMigrated(999, 'reset'));
    const copy = await tampered((records) => [
      ...records.slice(0, at),
      {
        ...records[at]!,
        key: Buffer.from(inserted.key),
        value: Buffer.from(inserted.value),
        headers: Object.entries(inserted.headers).map(([name, value]) => [name, Buffer.from(value)] as const),
      },
      ...records.slice(at),
    ]);
    const report = await verify(copy);
    assert.ok(!report.findings.some((f) => f.reason === 'invalid-record'), 'the inserted record is a valid event');
    const finding = firstFinding(report);
    assert.deepEqual([finding.partition, finding.offset, finding.reason], [partition, String(at), 'root-mismatch']);
  });

  it('names a checkpoint signed with another key', async () => {
    const other = NoteSignerKey.generate(key.name);
    let replaced = -1;
    const copy = await tampered(
      (records) => records,
      (checkpoints) =>
        checkpoints.map((record, i) => {
          if (i !== 3) return record;
          replaced = i;
          const text = record.value.toString('utf8');
          return { ...record, value: Buffer.from(signNote(text.slice(0, text.lastIndexOf('\n\n') + 1), other)) };
        }),
    );
    const finding = firstFinding(await verify(copy));
    assert.deepEqual(
      [finding.topic, finding.offset, finding.reason],
      [copy.topics.checkpoints, String(replaced), 'bad-checkpoint'],
    );
    assert.match(finding.detail, /not signed by test\.ledger/);
  });

  it('names a checkpoint inconsistent with its predecessor', async () => {
    // A checkpoint of the same key over another history of the partition: record `at` differs.
    const inPartition = userRecords.filter((r) => r.partition === partition);
    const size = at + 2;
    const otherHistory = CompactRange.of(
      inPartition.slice(0, size).map((r, i) => ledgerLeafHash(i === at ? { ...r, value: Buffer.from('{}') } : r)),
    );
    const rogueOrigin = `${origin}/user-events/${partition}`;
    const rogue = signNote(
      formatCheckpoint({ origin: rogueOrigin, size, rootHash: otherHistory.root(), extensions: [] }),
      key,
    );
    let replaced = -1;
    const copy = await tampered(
      (records) => records,
      (checkpoints) =>
        checkpoints.map((record, i) => {
          const text = record.value.toString('utf8');
          if (record.key.toString() !== rogueOrigin || !text.startsWith(`${rogueOrigin}\n${size}\n`)) return record;
          replaced = i;
          return { ...record, value: Buffer.from(rogue) };
        }),
    );
    assert.ok(replaced >= 0);
    const finding = firstFinding(await verify(copy));
    assert.deepEqual(
      [finding.topic, finding.offset, finding.reason],
      [copy.topics.checkpoints, String(replaced), 'inconsistent-checkpoint'],
    );
  });

  it('gives the same report whichever thread checks each batch', async () => {
    // Thousands of records, so that a verify makes several batches: checked all in the reading
    // thread, all on worker threads, or shared between them (a queue of one batch per thread),
    // the tree, the findings and their order must be those of a one-record-at-a-time check.
    const big = await newLedger();
    const publisher = await big.publisher();
    await publisher.publish(Array.from({ length: 6000 }, (_, n) => passwordMigrated(1000 + n)));
    await publisher.close();
    await seal(big, 1000);
    const records = await rawRecords(big, big.topics.userEvents);
    const last = records.filter((r) => r.partition === 0).at(-2)!; // in the last batch of the scan or near it
    const copy = await newLedger();
    const copied = records.map((r) => {
      if (r !== last) return asRaw(copy.topics.userEvents, r);
      const value = Buffer.from(r.value!);
      value[value.indexOf('"realm":"r"') + 9] = 's'.charCodeAt(0);
      return asRaw(copy.topics.userEvents, { ...r, value });
    });
    // In slices, in order: one request of them all is above the broker's largest.
    for (let i = 0; i < copied.length; i += 1000) await publishRawRecords(kafka, copied.slice(i, i + 1000));
    const checkpoints = await rawRecords(big, big.topics.checkpoints);
    await publishRawRecords(
      kafka,
      checkpoints.map((r) => asRaw(copy.topics.checkpoints, r)),
    );
    const reports = [];
    for (const options of [
      { threads: 0 },
      { threads: 2, queuedPerThread: Infinity },
      { threads: 1, queuedPerThread: 1 },
    ]) {
      const report = await verifyLedger(copy, key.verifier, { origin, ...options });
      reports.push({ ...report, durationMs: 0 }); // the one field that may differ
    }
    const [one, threads, shared] = reports;
    assert.equal(one!.records, 6000);
    const finding = firstFinding(one as VerificationReport);
    assert.deepEqual(
      [finding.topic, finding.partition, finding.offset, finding.reason],
      [copy.topics.userEvents, 0, last.offset, 'invalid-record'],
    );
    assert.deepEqual(threads, one);
    assert.deepEqual(shared, one);
  });

  it('resumes after kill -9 without publishing a checkpoint twice for the same size', async () => {
    const ledger = await newLedger();
    const publisher = await ledger.publisher();
    await publisher.publish(Array.from({ length: 3000 }, (_, n) => passwordMigrated(n)));
    await publisher.close();
    const keyFile = join(await mkdtemp(join(tmpdir(), 'seal-')), 'signer.key');
    await writeFile(keyFile, key.exportSecret(), { mode: 0o600 });
    const env = {
      ...process.env,
      KAFKA_TOPIC_PREFIX: ledger.topics.userEvents.replace(/\.user-events$/, ''),
      LEDGER_SEAL_KEY_FILE: keyFile,
      LEDGER_SEAL_ORIGIN: origin,
      LEDGER_SEAL_EVERY_RECORDS: '5',
    };
    for (let run = 0; run < 2; run++) {
      const before = (await readPublishedCheckpoints(ledger, key.verifier)).length;
      const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', 'seal'], { env, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Kill it once it is publishing, between one checkpoint and the next.
      for (let tries = 0; ; tries++) {
        const ends = (await ledger.origin([ledger.topics.checkpoints])).topics.get(ledger.topics.checkpoints)!.ends;
        if (Number(ends.get(0) ?? 0n) >= before + 20) break;
        assert.ok(tries < 600, 'the sealer published nothing within 60 s');
        await sleep(100);
      }
      child.kill('SIGKILL');
      await exited;
    }
    const resumed = await seal(ledger, 5);
    assert.ok(resumed.resumedFrom >= 1, 'the last run resumed from the checkpoints on the topic');
    const published = await readPublishedCheckpoints(ledger, key.verifier);
    const sizes = new Map<string, number[]>();
    for (const record of published) {
      assert.ok(record.valid);
      sizes.set(record.checkpoint.origin, [...(sizes.get(record.checkpoint.origin) ?? []), record.checkpoint.size]);
    }
    for (const [name, list] of sizes) {
      assert.deepEqual(
        list,
        [...new Set(list)].sort((a, b) => a - b),
        `${name}: a size published twice or out of order`,
      );
    }
    const report = await verify(ledger);
    assert.equal(report.ok, true, JSON.stringify(report.findings));
    assert.equal(report.duplicateCheckpoints, 0);
    assert.equal(report.unsealed, 0);
    assert.equal(report.records, 3000);
  });
});
