/**
 * bench:audit-bundle — the offline auditor's verifier on a bundle of BENCH_RECORDS records
 * (default 1,000,000) over 12 user-event partitions, sealed every 10,000 records per partition, the
 * last records of each partition unsealed. Built without Kafka (the bundle's bytes are those
 * `ledger audit export` writes), then, in one run:
 * - **write**: AuditBundleWriter writing the bundle (NDJSON, hashes, manifest), timed apart from
 *   making the events;
 * - **verify**: `node verify-bundle.mjs DIR`, the standalone verifier, in a child process as an
 *   auditor runs it: every record's schema, content hash and id, every leaf, every checkpoint;
 * - **read**: the floor, reading the same files line by line and parsing each line's JSON, no check.
 * Prints one JSON line: records per second of each, and verify as a share of read.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { CompactRange, formatCheckpoint, ledgerLeafHash, NoteSignerKey, signNote } from '#audit';
import { AuditBundleWriter, leafRecordOf, originOfPartition, type BundleRecord } from '#audit-bundle';
import { createEvent } from '#events';
import { encodeEvent, partitionOfKey } from '#ledger';

const records = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const partitions = 12;
const every = 10_000;
const origin = 'bench.ledger/migration';
const key = NoteSignerKey.generate('bench.ledger');
const verifier = resolve('dist/audit-verifier/verify-bundle.mjs');
const context = { source: '/bench', correlationId: 'bench', time: new Date('2026-01-01T00:00:00Z') };

const dir = await mkdtemp(join(tmpdir(), 'bench-audit-bundle-'));
try {
  const bundle = join(dir, 'bundle');
  const sources = Array.from({ length: partitions }, (_, partition) => ({
    role: 'user-events' as const,
    topic: 'bench.user-events',
    partition,
  }));
  let writing = 0;
  let started = performance.now();
  const writer = await AuditBundleWriter.create(bundle, origin, key.verifier.toString(), sources);
  const trees = sources.map(() => CompactRange.empty());
  let checkpoints = 0;
  for (let n = 0; n < records; n++) {
    const event = createEvent(
      'PasswordMigrated',
      {
        sub: `00000000-0000-4000-8000-${String(n % 300_000).padStart(12, '0')}`,
        target: { kind: 'keycloak', realm: `r${Math.floor(n / 300_000)}` },
        via: 'jit',
      },
      context,
    );
    const encoded = encodeEvent(event);
    started = performance.now();
    const partition = partitionOfKey(encoded.key, partitions);
    const tree = trees[partition]!;
    const record: BundleRecord = {
      offset: String(tree.size),
      key: Buffer.from(encoded.key),
      headers: Object.entries(encoded.headers).map(([name, value]) => [name, Buffer.from(value)] as const),
      value: Buffer.from(encoded.value),
    };
    tree.append(ledgerLeafHash(leafRecordOf(record)));
    await writer.record('user-events', partition, record);
    if (tree.size % every === 0) {
      const checkpointOrigin = originOfPartition(origin, 'user-events', partition);
      const note = signNote(
        formatCheckpoint({ origin: checkpointOrigin, size: tree.size, rootHash: tree.root(), extensions: [] }),
        key,
      );
      await writer.checkpoint({ offset: String(checkpoints++), origin: checkpointOrigin, note });
    }
    writing += performance.now() - started;
  }
  started = performance.now();
  await writer.close(verifier, new Date());
  const writeSeconds = (writing + performance.now() - started) / 1000;

  const verifyStarted = performance.now();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(bundle, 'verify-bundle.mjs'), bundle, '--json'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  const verdict = JSON.parse(stdout) as { ok: boolean; records: number; unsealed: number; checkpointsVerified: number };
  if (!verdict.ok || verdict.records !== records)
    throw new Error(`the bundle did not verify: ${stdout.slice(0, 2000)}`);

  const readStarted = performance.now();
  let read = 0;
  let bytes = 0;
  for (const name of await readdir(join(bundle, 'records'))) {
    const file = join(bundle, 'records', name);
    bytes += (await stat(file)).size;
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      JSON.parse(line);
      read += 1;
    }
  }
  const readSeconds = (performance.now() - readStarted) / 1000;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'audit-bundle',
      records,
      checkpoints: verdict.checkpointsVerified,
      unsealed: verdict.unsealed,
      bundle_bytes: bytes,
      write_records_per_s: Math.round(records / writeSeconds),
      verify_records_per_s: Math.round(records / verifySeconds),
      read_records_per_s: Math.round(read / readSeconds),
      verify_share_of_read: Number((readSeconds / verifySeconds).toFixed(3)),
    })}\n`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
