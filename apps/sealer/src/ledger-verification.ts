import { availableParallelism } from 'node:os';
import {
  CheckpointHeads,
  HASH_SIZE,
  PartitionSealAudit,
  prefixedLedgerLeafLength,
  writePrefixedLedgerLeaf,
  type LedgerLeafRecord,
  type Hash,
  type NoteVerifierKey,
} from '#audit';
import { ledgerDigest } from '#audit-bundle';
import type { Ledger } from '#ledger';
import { partitionOfOrigin, sealedTopicsOf } from './checkpoint-origin.js';
import { readPublishedCheckpoints } from './published-checkpoints.js';
import type { CheckedBatch } from './record-check.js';
import { RecordCheckPool } from './record-check-pool.js';

export type FindingReason =
  'invalid-record' | 'offset-gap' | 'root-mismatch' | 'records-missing' | 'inconsistent-checkpoint' | 'bad-checkpoint';

/** One thing wrong, where it is: a ledger record's offset, or a checkpoint's offset on the checkpoints topic. */
export interface VerificationFinding {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly reason: FindingReason;
  readonly detail: string;
}

export interface VerifiedPartition {
  readonly topic: string;
  /** `user-events` or `control-events`. */
  readonly role: string;
  readonly partition: number;
  readonly origin: string;
  readonly records: number;
  /** Checkpoints of this partition whose root the records give. */
  readonly checkpointsVerified: number;
  /** Size of the largest such checkpoint: offsets below it are sealed. */
  readonly sealedSize: number;
  /** Records after it. */
  readonly unsealed: number;
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly verifierKey: string;
  readonly origin: string;
  readonly records: number;
  /** Records of the checkpoints topic. */
  readonly checkpoints: number;
  readonly checkpointsVerified: number;
  readonly duplicateCheckpoints: number;
  readonly unsealed: number;
  readonly partitions: readonly VerifiedPartition[];
  /**
   * The ledger digest (docs/audit.md, "The ledger digest") over every record read, sealed or not:
   * the value `ledger audit export` and the bundle verifier print for the same ledger.
   */
  readonly ledgerDigest: string;
  /** The first is the first bad place (ledger topics in order, then offsets); at most `maxFindings`. */
  readonly findings: readonly VerificationFinding[];
  readonly durationMs: number;
}

export interface VerifyOptions {
  readonly origin: string;
  readonly onProgress?: (recordsRead: number, total: number) => void;
  readonly maxFindings?: number;
  /**
   * Worker threads that check records beside the thread reading Kafka; default one less than the
   * machine's available parallelism (the reading thread keeps a core), at least 1, at most 8; 0
   * checks them in the reading thread.
   */
  readonly threads?: number;
  /**
   * Batches a worker thread may have queued before the reading thread checks the next batch itself
   * (default 8); `Infinity`: every batch goes to the threads.
   */
  readonly queuedPerThread?: number;
}

interface PartitionAudit {
  readonly topic: string;
  readonly role: string;
  readonly partition: number;
  readonly origin: string;
  readonly seal: PartitionSealAudit;
  readonly findings: VerificationFinding[];
}

/**
 * `ledger verify`: reads the checkpoints topic and every record of the user and control topics
 * from offset 0 and checks, for an auditor, that
 * - each record is a valid event of its version (upcasters), with its content hash and its
 *   deterministic id, keyed by its subject;
 * - each partition's offsets run on from 0 without a gap;
 * - each checkpoint is signed by the verifier key and names a partition of this ledger;
 * - each checkpoint's root is the RFC 6962 root of the partition's records up to its size, and
 *   successive checkpoints of a partition are consistent (RFC 9162 §2.1.4), never going back.
 * Records after a partition's last checkpoint are counted as unsealed. The tree is kept as a
 * compact range plus the leaves since the last verified checkpoint, so memory does not grow with
 * the ledger.
 */
export async function verifyLedger(
  ledger: Ledger,
  key: NoteVerifierKey,
  options: VerifyOptions,
): Promise<VerificationReport> {
  const started = Date.now();
  const maxFindings = options.maxFindings ?? 100;
  const sealedTopics = sealedTopicsOf(ledger.topics);
  const topics = sealedTopics.map((s) => s.topic);
  const checkpointFindings: VerificationFinding[] = [];
  const checkpointsTopic = ledger.topics.checkpoints;
  const atCheckpoint = (offset: string, reason: FindingReason, detail: string): VerificationFinding => ({
    topic: checkpointsTopic,
    partition: 0,
    offset,
    reason,
    detail,
  });

  const origin = await ledger.origin(topics);
  const total = [...origin.topics.values()].reduce(
    (sum, t) => sum + [...t.ends.values()].reduce((a, b) => a + Number(b), 0),
    0,
  );

  const published = await readPublishedCheckpoints(ledger, key);
  const heads = new CheckpointHeads();
  let duplicates = 0;
  for (const record of published) {
    if (!record.valid) {
      checkpointFindings.push(
        atCheckpoint(record.offset, 'bad-checkpoint', `checkpoint ${record.origin}: ${record.problem}`),
      );
      continue;
    }
    const { checkpoint } = record;
    const where = partitionOfOrigin(options.origin, sealedTopics, checkpoint.origin);
    if (!where) {
      checkpointFindings.push(
        atCheckpoint(
          record.offset,
          'bad-checkpoint',
          `origin ${checkpoint.origin} is not a partition of ${options.origin}`,
        ),
      );
      continue;
    }
    const admission = heads.admit(`${where.topic}/${where.partition}`, { offset: record.offset, checkpoint });
    if (admission.kind === 'repeat') duplicates += 1;
    if (admission.kind === 'inconsistent') {
      checkpointFindings.push(atCheckpoint(record.offset, 'inconsistent-checkpoint', admission.detail));
    }
  }

  const audits = new Map<string, PartitionAudit>();
  for (const [topic, { ends }] of origin.topics) {
    const sealed = sealedTopics.find((s) => s.topic === topic)!;
    for (const partition of [...ends.keys()].sort((a, b) => a - b)) {
      const key = `${topic}/${partition}`;
      audits.set(key, {
        topic,
        role: sealed.role,
        partition,
        origin: `${options.origin}/${sealed.role}/${partition}`,
        seal: new PartitionSealAudit(heads.of(key)),
        findings: [],
      });
    }
  }
  for (const [key, partitionHeads] of heads.entries()) {
    if (!audits.has(key)) {
      for (const head of partitionHeads) {
        checkpointFindings.push(
          atCheckpoint(head.offset, 'bad-checkpoint', `${head.checkpoint.origin}: the ledger has no partition ${key}`),
        );
      }
    }
  }

  let read = 0;
  const pool = RecordCheckPool.start(
    options.threads ?? Math.max(1, Math.min(8, availableParallelism() - 1)),
    options.queuedPerThread ?? QUEUED_PER_THREAD,
  );
  const batches = new BatchedChecks(pool, maxFindings);
  try {
    await ledger.scanRaw(topics, (record) => {
      const audit = audits.get(`${record.topic}/${record.partition}`);
      if (!audit) return;
      read += 1;
      if (options.onProgress && read % 10_000 === 0) options.onProgress(read, total);
      return batches.add(audit, record);
    });
    await batches.finish();
  } finally {
    await pool.close();
  }
  options.onProgress?.(read, total);

  for (const audit of audits.values()) concludePartition(audit, checkpointsTopic);
  const partitionFindings = [...audits.values()].flatMap((a) => a.findings);
  const findings = [...partitionFindings, ...checkpointFindings].slice(0, maxFindings);
  const partitions = [...audits.values()].map((a): VerifiedPartition => ({
    topic: a.topic,
    role: a.role,
    partition: a.partition,
    origin: a.origin,
    records: a.seal.size,
    checkpointsVerified: a.seal.verified,
    sealedSize: a.seal.sealedSize,
    unsealed: a.seal.size - a.seal.sealedSize,
  }));
  return {
    ok: findings.length === 0,
    verifierKey: key.toString(),
    origin: options.origin,
    records: read,
    checkpoints: published.length,
    checkpointsVerified: partitions.reduce((sum, p) => sum + p.checkpointsVerified, 0),
    duplicateCheckpoints: duplicates,
    unsealed: partitions.reduce((sum, p) => sum + p.unsealed, 0),
    partitions,
    ledgerDigest: ledgerDigest(
      [...audits.values()].map((a) => ({
        role: a.role,
        partition: a.partition,
        size: a.seal.size,
        root: a.seal.root,
      })),
    ),
    findings,
    durationMs: Date.now() - started,
  };
}

/** How many records a batch holds. */
const BATCH_RECORDS = 1000;
const BATCH_BYTES = 1 << 20;
/** Batches queued per worker thread beyond which the reading thread checks the next batch itself (RecordCheckPool). */
const QUEUED_PER_THREAD = 8;
/** Batches sent but maybe not applied yet beyond which the scan waits for the oldest. */
const BATCHES_IN_HAND = 16;

/**
 * Gathers the records the scan reads into batches for the pool, and applies the checked batches
 * to their partitions strictly in the order the records were read: the tree, the offsets and the
 * findings see exactly the sequence a one-record-at-a-time check would.
 */
class BatchedChecks {
  /** The batch being gathered: each record's prefixed leaf written in place, back to back. */
  private leaves = Buffer.allocUnsafeSlow(BATCH_BYTES);
  private ends = new Uint32Array(BATCH_RECORDS);
  private bytes = 0;
  private places: { audit: PartitionAudit; offset: string }[] = [];
  /** Each sent batch's application, in order; each one waits for the one before. */
  private readonly inHand: Promise<void>[] = [];
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: RecordCheckPool,
    private readonly maxFindings: number,
  ) {}

  add(audit: PartitionAudit, record: LedgerLeafRecord & { readonly offset: string }): void | Promise<void> {
    const length = prefixedLedgerLeafLength(record);
    if (this.places.length > 0 && this.bytes + length > this.leaves.length) this.send();
    // A record larger than a batch gets a buffer of its own size.
    if (length > this.leaves.length) this.leaves = Buffer.allocUnsafeSlow(length);
    this.bytes = writePrefixedLedgerLeaf(record, this.leaves, this.bytes);
    this.ends[this.places.length] = this.bytes;
    this.places.push({ audit, offset: record.offset });
    if (this.places.length < BATCH_RECORDS) return;
    this.send();
    // Keep memory bounded: a reader faster than the checks waits for the oldest batch.
    if (this.inHand.length > BATCHES_IN_HAND) return this.inHand.shift();
  }

  async finish(): Promise<void> {
    if (this.places.length > 0) this.send();
    await this.last;
  }

  private send(): void {
    // Buffers of their own (allocUnsafeSlow, not Node's shared pool), so that they can be
    // transferred to a thread rather than copied.
    const batch = { leaves: this.leaves.subarray(0, this.bytes), ends: this.ends.subarray(0, this.places.length) };
    const places = this.places;
    const checked = this.pool.check(batch);
    checked.catch(() => undefined); // awaited below, in order; never an unhandled rejection meanwhile
    this.last = this.last.then(async () => applyBatch(places, await checked, this.maxFindings));
    this.last.catch(() => undefined); // the failure is met by `finish` or the scan's await
    this.inHand.push(this.last);
    this.leaves = Buffer.allocUnsafeSlow(BATCH_BYTES);
    this.ends = new Uint32Array(BATCH_RECORDS);
    this.places = [];
    this.bytes = 0;
  }
}

function applyBatch(
  places: readonly { audit: PartitionAudit; offset: string }[],
  checked: CheckedBatch,
  maxFindings: number,
): void {
  let problem = 0;
  places.forEach(({ audit, offset }, i) => {
    const found = checked.problems[problem];
    const invalid = found !== undefined && found[0] === i ? found[1] : undefined;
    if (invalid !== undefined) problem += 1;
    checkRecord(audit, offset, checked.hashes.subarray(HASH_SIZE * i, HASH_SIZE * (i + 1)), invalid, maxFindings);
  });
}

function checkRecord(
  audit: PartitionAudit,
  offset: string,
  leafHash: Hash,
  invalid: string | undefined,
  maxFindings: number,
): void {
  const { seal } = audit;
  const finding = (reason: FindingReason, detail: string) => {
    if (audit.findings.length < maxFindings) {
      audit.findings.push({ topic: audit.topic, partition: audit.partition, offset, reason, detail });
    }
  };
  // Offsets are decimal text; a string comparison spares two BigInts a record on the usual path.
  if (offset !== String(seal.size)) {
    finding(
      'offset-gap',
      `offset ${offset} follows ${seal.size - 1}: offsets ${seal.size}–${BigInt(offset) - 1n} are missing`,
    );
  }
  if (invalid !== undefined) finding('invalid-record', invalid);
  seal.append(leafHash);
}

function concludePartition(audit: PartitionAudit, checkpointsTopic: string): void {
  const fault = audit.seal.fault();
  if (fault?.kind === 'other-history') {
    // The checkpoint is at fault, not the records: the finding names its place on the checkpoints topic.
    audit.findings.push({
      topic: checkpointsTopic,
      partition: 0,
      offset: fault.head.offset,
      reason: 'inconsistent-checkpoint',
      detail: fault.detail,
    });
  } else if (fault) {
    audit.findings.push({
      topic: audit.topic,
      partition: audit.partition,
      offset: String(fault.from),
      reason: fault.kind,
      detail: fault.detail,
    });
  }
  // A root mismatch is placed at the end of its range, so that a record found bad inside it comes first.
  const sortKey = (f: VerificationFinding) =>
    f.topic !== audit.topic ? Infinity : f.reason === 'root-mismatch' ? fault!.at : Number(f.offset);
  audit.findings.sort((a, b) => sortKey(a) - sortKey(b));
}
