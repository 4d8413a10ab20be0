import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  GrowingTree,
  hashesEqual,
  ledgerLeafHash,
  NoteVerifierKey,
  openNote,
  parseCheckpoint,
  verifyConsistency,
  type Checkpoint,
} from '#audit';
import {
  MANIFEST_FILE,
  originOfPartition,
  parseManifest,
  type BundleFile,
  type BundleManifest,
  type BundlePartition,
} from './bundle-manifest.js';
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
  /** The first is the first bad place: partitions in manifest order, offsets ascending, then the checkpoints. */
  readonly findings: readonly BundleFinding[];
}

interface Head {
  readonly offset: string;
  readonly checkpoint: Checkpoint;
}

const MAX_FINDINGS = 100;

/**
 * Verifies an auditor's bundle offline: every file against the manifest, every record (schema
 * through the upcasters, content hash, deterministic id, key = subject, offsets from 0 without a
 * gap), every checkpoint's signature by the verifier key, each checkpoint's root against the
 * records and successive checkpoints of a partition consistent (RFC 9162 §2.1.4). Records after a
 * partition's last verified checkpoint are reported unsealed. Streams each file: constant memory
 * but for the leaves since the last checkpoint.
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
  for (const p of manifest.partitions) {
    const name = `${p.role}/${p.partition}`;
    const result = await verifyPartition(dir, p, heads.get(name) ?? [], manifest.checkpoints.file);
    findings.push(...result.findings);
    partitions.push(result.verdict);
    roots.push({ role: p.role, partition: p.partition, size: result.verdict.records, root: result.root });
    heads.delete(name);
  }
  for (const [name, orphans] of heads) {
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
): Promise<{ heads: Map<string, Head[]>; findings: BundleFinding[]; count: number }> {
  const file = manifest.checkpoints.file;
  const findings: BundleFinding[] = [];
  const heads = new Map<string, Head[]>();
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
      const list = heads.get(partition) ?? [];
      const latest = list.at(-1);
      if (latest && checkpoint.size < latest.checkpoint.size) {
        at(
          offset,
          'inconsistent-checkpoint',
          `${checkpoint.origin} size ${checkpoint.size} goes back from size ${latest.checkpoint.size} (offset ${latest.offset})`,
        );
        return;
      }
      if (latest && checkpoint.size === latest.checkpoint.size) {
        if (!hashesEqual(checkpoint.rootHash, latest.checkpoint.rootHash))
          at(
            offset,
            'inconsistent-checkpoint',
            `${checkpoint.origin} size ${checkpoint.size} has another root than the checkpoint of that size at offset ${latest.offset}`,
          );
        return;
      }
      list.push({ offset: line.offset, checkpoint });
      heads.set(partition, list);
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
  heads: readonly Head[],
  checkpointsFile: string,
): Promise<{ verdict: PartitionVerdict; findings: BundleFinding[]; root: Uint8Array }> {
  const name = `${expected.role}/${expected.partition}`;
  const tree = GrowingTree.empty();
  // Each finding with the position (records read) where it arose, to sort them in reading order.
  const found: (BundleFinding & { at: number })[] = [];
  const finding = (offset: string | null, reason: BundleFindingReason, detail: string, at = tree.size) => {
    if (found.length < MAX_FINDINGS) found.push({ file: expected.file, partition: name, offset, reason, detail, at });
  };
  let next = 0;
  let highest = -1n;
  let good: Head | undefined;
  let verified = 0;
  let firstBad: { head: Head; after: Head | undefined } | undefined;
  let goodAfterBad: Head | undefined;

  const integrityFinding = await readLines(dir, expected, (text, index) => {
    let record;
    try {
      record = parseRecordLine(text);
    } catch (error) {
      finding(String(tree.size), 'malformed-record', `line ${index + 1}: ${(error as Error).message}`);
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
      eventOfRecord(record);
    } catch (error) {
      finding(record.offset, 'invalid-record', (error as Error).message);
    }
    tree.append(ledgerLeafHash(leafRecordOf(record)));
    for (let head = heads[next]; head && head.checkpoint.size === tree.size; head = heads[++next]) {
      const root = tree.root();
      const previous = good;
      const consistent =
        hashesEqual(root, head.checkpoint.rootHash) &&
        (previous === undefined ||
          (tree.checkpointedSize === previous.checkpoint.size &&
            verifyConsistency(
              previous.checkpoint.size,
              head.checkpoint.size,
              tree.consistencyProofSinceCheckpoint(),
              previous.checkpoint.rootHash,
              head.checkpoint.rootHash,
            )));
      if (!consistent) firstBad ??= { head, after: previous };
      else if (firstBad) goodAfterBad ??= head;
      else {
        good = head;
        verified += 1;
        tree.markCheckpointed();
      }
    }
    // No later proof starts below the last verified checkpoint, or below any record when none follows.
    if (firstBad === undefined && next >= heads.length) tree.markCheckpointed();
  });

  if (firstBad) {
    const { head, after } = firstBad;
    const from = after?.checkpoint.size ?? 0;
    if (goodAfterBad)
      found.push({
        file: checkpointsFile,
        partition: 'checkpoints',
        offset: head.offset,
        at: head.checkpoint.size - 0.5,
        reason: 'inconsistent-checkpoint',
        detail: `${head.checkpoint.origin} size ${head.checkpoint.size} is not consistent with ${after ? `size ${from} (offset ${after.offset})` : 'the records'}, while the records give the later checkpoint of size ${goodAfterBad.checkpoint.size} (offset ${goodAfterBad.offset}): this checkpoint is of another history`,
      });
    else
      finding(
        String(from),
        'root-mismatch',
        `offsets ${from}–${head.checkpoint.size - 1} do not give the root of checkpoint ${head.checkpoint.origin} size ${head.checkpoint.size} (checkpoints offset ${head.offset}): a record there was changed, removed, inserted or moved`,
        head.checkpoint.size - 0.5,
      );
  } else if (next < heads.length) {
    const head = heads[next]!;
    finding(
      String(tree.size),
      'records-missing',
      `checkpoint ${head.checkpoint.origin} (checkpoints offset ${head.offset}) covers ${head.checkpoint.size} records but the partition ends at offset ${tree.size}: records were removed`,
    );
  }
  // In reading order, a root mismatch after the records of its range so that a record found bad
  // inside it is named first.
  const findings: BundleFinding[] = found.sort((a, b) => a.at - b.at).map(({ at: _, ...f }) => f);
  placeIntegrityFinding(findings, integrityFinding);
  const sealedSize = good?.checkpoint.size ?? 0;
  return {
    verdict: {
      partition: name,
      records: tree.size,
      checkpointsVerified: verified,
      sealedSize,
      unsealed: tree.size - sealedSize,
    },
    findings,
    root: tree.root(),
  };
}
