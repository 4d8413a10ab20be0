import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CheckpointHeads,
  ledgerLeafHash,
  NoteVerifierKey,
  openNote,
  parseCheckpoint,
  PartitionSealAudit,
  type SignedHead,
} from '#audit';
import {
  MANIFEST_FILE,
  originOfPartition,
  parseManifest,
  type BundleFile,
  type BundleManifest,
  type BundlePartition,
} from './bundle-manifest.js';
import { MemoryProjection, type ProjectionDigest } from '#projection-fold';
import { eventOfRecord, leafRecordOf, parseRecordLine } from './bundle-record.js';
import { parseCheckpointLine } from './checkpoint-line.js';
import { ledgerDigest } from './ledger-digest.js';

export type BundleFindingReason =
  | 'bundle-incomplete'
  | 'file-truncated'
  | 'file-altered'
  | 'malformed-record'
  | 'offset-gap'
  | 'offset-order'
  | 'invalid-record'
  | 'root-mismatch'
  | 'records-missing'
  | 'inconsistent-checkpoint'
  | 'bad-checkpoint';

/** One thing wrong and where: the file, the partition (`<role>/<n>`, or `checkpoints`) and the offset. */
export interface BundleFinding {
  readonly file: string;
  readonly partition: string;
  readonly offset: string | null;
  readonly reason: BundleFindingReason;
  readonly detail: string;
}

export interface PartitionVerdict {
  readonly partition: string;
  readonly records: number;
  readonly checkpointsVerified: number;
  /** Offsets below it are covered by a verified checkpoint. */
  readonly sealedSize: number;
  readonly unsealed: number;
}

export interface BundleVerdict {
  readonly ok: boolean;
  readonly origin: string | null;
  readonly verifierKey: string | null;
  /** `pinned`: given by the auditor; `bundle`: read from the bundle itself (trust it only if it matches one you got apart). */
  readonly keySource: 'pinned' | 'bundle';
  readonly records: number;
  readonly checkpoints: number;
  readonly checkpointsVerified: number;
  readonly unsealed: number;
  readonly partitions: readonly PartitionVerdict[];
  /** Of the records as read (docs/audit.md, "The ledger digest"); null when the bundle could not be read. */
  readonly ledgerDigest: string | null;
  /**
   * The projections' digest, folded in memory from the valid records as read: the digest `ledger
   * replay` prints for the same ledger (docs/audit.md, "The projection digest"); null when the
   * bundle could not be read.
   */
  readonly projection: ProjectionDigest | null;
  /** The first is the first bad place: partitions in manifest order, offsets ascending, then the checkpoints. */
  readonly findings: readonly BundleFinding[];
}

const MAX_FINDINGS = 100;

/**
 * Verifies an auditor's bundle offline: every file against the manifest, every record (schema
 * through the upcasters, content hash, deterministic id, key = subject, offsets from 0 without a
 * gap), every checkpoint's signature by the verifier key, each checkpoint's root against the
 * records and successive checkpoints of a partition consistent (RFC 9162 §2.1.4). Records after a
 * partition's last verified checkpoint are reported unsealed. Streams each file; what it holds
 * in memory is the projections it folds (each user's row, a hash per fact) and the leaves since the
 * last checkpoint.
 */
export async function verifyBundle(dir: string, pinnedKey?: string): Promise<BundleVerdict> {
  const keySource = pinnedKey === undefined ? 'bundle' : 'pinned';
  const fail = (detail: string, reason: BundleFindingReason = 'bundle-incomplete'): BundleVerdict => ({
    ok: false,
    origin: null,
    verifierKey: pinnedKey ?? null,
    keySource,
    records: 0,
    checkpoints: 0,
    checkpointsVerified: 0,
    unsealed: 0,
    partitions: [],
    ledgerDigest: null,
    projection: null,
    findings: [{ file: MANIFEST_FILE, partition: '-', offset: null, reason, detail }],
  });
  let manifest: BundleManifest;
  try {
    manifest = parseManifest(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(
      code === 'ENOENT'
        ? `${MANIFEST_FILE} is missing: the bundle is incomplete (the exporter writes it last)`
        : `${MANIFEST_FILE}: ${(error as Error).message}`,
    );
  }
  let key: NoteVerifierKey;
  try {
    key = NoteVerifierKey.parse((pinnedKey ?? manifest.verifierKey).trim());
  } catch (error) {
    return fail(`verifier key: ${(error as Error).message}`, 'bad-checkpoint');
  }

  const { heads, findings: checkpointFindings, count } = await readCheckpoints(dir, manifest, key);
  const findings: BundleFinding[] = [];
  const partitions: PartitionVerdict[] = [];
  const roots = [];
  const names = new Set<string>();
  const projection = new MemoryProjection();
  for (const p of manifest.partitions) {
    const name = `${p.role}/${p.partition}`;
    const result = await verifyPartition(dir, p, heads.of(name), manifest.checkpoints.file, projection);
    findings.push(...result.findings);
    partitions.push(result.verdict);
    roots.push({ role: p.role, partition: p.partition, size: result.verdict.records, root: result.root });
    names.add(name);
  }
  for (const [name, orphans] of heads.entries()) {
    if (names.has(name)) continue;
    for (const head of orphans)
      checkpointFindings.push({
        file: manifest.checkpoints.file,
        partition: 'checkpoints',
        offset: head.offset,
        reason: 'bad-checkpoint',
        detail: `${head.checkpoint.origin}: the bundle has no partition ${name}`,
      });
  }
  findings.push(...checkpointFindings);
  return {
    ok: findings.length === 0,
    origin: manifest.origin,
    verifierKey: key.toString(),
    keySource,
    records: partitions.reduce((sum, p) => sum + p.records, 0),
    checkpoints: count,
    checkpointsVerified: partitions.reduce((sum, p) => sum + p.checkpointsVerified, 0),
    unsealed: partitions.reduce((sum, p) => sum + p.unsealed, 0),
    partitions,
    ledgerDigest: ledgerDigest(roots),
    projection: projection.digest(),
    findings: findings.slice(0, MAX_FINDINGS),
  };
}

/** Each line of a file with its byte count and SHA-256, checked against the manifest at the end. */
async function readLines(
  dir: string,
  expected: BundleFile,
  onLine: (line: string, index: number) => void,
): Promise<(BundleFinding & { endsMidLine: boolean }) | undefined> {
  const hash = createHash('sha256');
  let bytes = 0;
  let last = -1;
  const input = createReadStream(join(dir, expected.file));
  input.on('data', (chunk: string | Buffer) => {
    if (typeof chunk === 'string') return; // no encoding is set: chunks are Buffers
    hash.update(chunk);
    bytes += chunk.length;
    last = chunk.at(-1) ?? last;
  });
  let lines = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) onLine(line, lines++);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ...integrity(expected, 'file-truncated', code === 'ENOENT' ? 'the file is missing' : (error as Error).message),
      endsMidLine: true,
    };
  }
  const endsMidLine = bytes > 0 && last !== 0x0a;
  if (bytes < expected.bytes || lines < expected.records || endsMidLine)
    return {
      ...integrity(
        expected,
        'file-truncated',
        `${bytes} bytes and ${lines} lines where the manifest says ${expected.bytes} bytes and ${expected.records} records${endsMidLine ? ', the last cut mid-line' : ''}: the file was cut short or records were removed`,
      ),
      endsMidLine,
    };
  const sha256 = hash.digest('hex');
  if (sha256 !== expected.sha256 || bytes !== expected.bytes || lines !== expected.records)
    return {
      ...integrity(
        expected,
        'file-altered',
        `${bytes} bytes, ${lines} lines, SHA-256 ${sha256}: the manifest says ${expected.bytes} bytes, ${expected.records} records, SHA-256 ${expected.sha256}`,
      ),
      endsMidLine,
    };
  return undefined;
}

/**
 * A file cut mid-line, or short of the manifest with its records a clean prefix (at most short of a
 * checkpoint), was truncated: that comes first. Otherwise the records' own findings name the place and the file's comes after them.
 */
function placeIntegrityFinding(
  findings: BundleFinding[],
  integrityFinding: (BundleFinding & { endsMidLine: boolean }) | undefined,
): void {
  if (!integrityFinding) return;
  const { endsMidLine, ...finding } = integrityFinding;
  const cleanPrefix = findings.every((f) => f.reason === 'records-missing');
  if (finding.reason === 'file-truncated' && (endsMidLine || cleanPrefix)) findings.unshift(finding);
  else findings.push(finding);
}

function integrity(file: BundleFile, reason: BundleFindingReason, detail: string): BundleFinding {
  const partition =
    'role' in file ? `${(file as BundlePartition).role}/${(file as BundlePartition).partition}` : 'checkpoints';
  return { file: file.file, partition, offset: null, reason, detail };
}

async function readCheckpoints(
  dir: string,
  manifest: BundleManifest,
  key: NoteVerifierKey,
): Promise<{ heads: CheckpointHeads; findings: BundleFinding[]; count: number }> {
  const file = manifest.checkpoints.file;
  const findings: BundleFinding[] = [];
  const heads = new CheckpointHeads();
  const origins = new Map(
    manifest.partitions.map((p) => [
      originOfPartition(manifest.origin, p.role, p.partition),
      `${p.role}/${p.partition}`,
    ]),
  );
  let count = 0;
  const at = (offset: string | null, reason: BundleFindingReason, detail: string) =>
    findings.push({ file, partition: 'checkpoints', offset, reason, detail });
  const integrityFinding = await readLines(dir, manifest.checkpoints, (text, index) => {
    count += 1;
    let offset: string | null = null;
    try {
      const line = parseCheckpointLine(text);
      offset = line.offset;
      const checkpoint = parseCheckpoint(openNote(line.note, key).text);
      if (checkpoint.origin !== line.origin)
        throw new Error(`its key ${line.origin} is not its origin ${checkpoint.origin}`);
      const partition = origins.get(checkpoint.origin);
      if (partition === undefined) {
        // Not a log of this ledger (or of a partition the bundle lacks): said, not fatal to the others.
        at(
          offset,
          'bad-checkpoint',
          `origin ${checkpoint.origin} is not a partition of ${manifest.origin} in this bundle`,
        );
        return;
      }
      const admission = heads.admit(partition, { offset: line.offset, checkpoint });
      if (admission.kind === 'inconsistent') at(offset, 'inconsistent-checkpoint', admission.detail);
    } catch (error) {
      at(
        offset,
        offset === null ? 'malformed-record' : 'bad-checkpoint',
        `line ${index + 1}: ${(error as Error).message}`,
      );
    }
  });
  placeIntegrityFinding(findings, integrityFinding);
  return { heads, findings, count };
}

async function verifyPartition(
  dir: string,
  expected: BundlePartition,
  heads: readonly SignedHead[],
  checkpointsFile: string,
  projection: MemoryProjection,
): Promise<{ verdict: PartitionVerdict; findings: BundleFinding[]; root: Uint8Array }> {
  const name = `${expected.role}/${expected.partition}`;
  const seal = new PartitionSealAudit(heads);
  // Each finding with the position (records read) where it arose, to sort them in reading order.
  const found: (BundleFinding & { at: number })[] = [];
  const finding = (offset: string | null, reason: BundleFindingReason, detail: string, at = seal.size) => {
    if (found.length < MAX_FINDINGS) found.push({ file: expected.file, partition: name, offset, reason, detail, at });
  };
  let highest = -1n;

  const integrityFinding = await readLines(dir, expected, (text, index) => {
    let record;
    try {
      record = parseRecordLine(text);
    } catch (error) {
      finding(String(seal.size), 'malformed-record', `line ${index + 1}: ${(error as Error).message}`);
      return;
    }
    // A partition's offsets run 0, 1, 2…; a finding names the offset found, as `ledger verify` does,
    // once per break: the records after a gap that run on from it are not each reported again.
    const offset = BigInt(record.offset);
    if (offset > highest + 1n)
      finding(
        record.offset,
        'offset-gap',
        `offset ${record.offset} follows ${highest}: offset${offset - 1n > highest + 1n ? `s ${highest + 1n}–${offset - 1n} are` : ` ${highest + 1n} is`} missing (removed or moved)`,
      );
    else if (offset <= highest)
      finding(
        record.offset,
        'offset-order',
        `offset ${record.offset} comes after offset ${highest}: a record was moved or inserted`,
      );
    if (offset > highest) highest = offset;
    try {
      const event = eventOfRecord(record);
      projection.add({
        event,
        record: { topic: expected.topic, partition: expected.partition, offset: record.offset },
      });
    } catch (error) {
      finding(record.offset, 'invalid-record', (error as Error).message);
    }
    seal.append(ledgerLeafHash(leafRecordOf(record)));
  });

  const fault = seal.fault();
  if (fault?.kind === 'other-history')
    // The checkpoint is at fault, not the records: the finding names its line in the checkpoints file.
    found.push({
      file: checkpointsFile,
      partition: 'checkpoints',
      offset: fault.head.offset,
      at: fault.at,
      reason: 'inconsistent-checkpoint',
      detail: fault.detail,
    });
  else if (fault) finding(String(fault.from), fault.kind, fault.detail, fault.at);
  // In reading order, a root mismatch after the records of its range so that a record found bad
  // inside it is named first.
  const findings: BundleFinding[] = found.sort((a, b) => a.at - b.at).map(({ at: _, ...f }) => f);
  placeIntegrityFinding(findings, integrityFinding);
  return {
    verdict: {
      partition: name,
      records: seal.size,
      checkpointsVerified: seal.verified,
      sealedSize: seal.sealedSize,
      unsealed: seal.size - seal.sealedSize,
    },
    findings,
    root: seal.root,
  };
}
