import { createHash, type Hash as Sha256 } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { CompactRange, ledgerLeafHash } from '#audit';
import {
  BUNDLE_FORMAT,
  CHECKPOINTS_FILE,
  MANIFEST_FILE,
  partitionFileName,
  VERIFIER_FILE,
  VERIFIER_KEY_FILE,
  type BundleFile,
  type BundleManifest,
  type BundlePartition,
  type SealedRole,
} from './bundle-manifest.js';
import { formatRecordLine, leafRecordOf, type BundleRecord } from './bundle-record.js';
import { formatCheckpointLine, type CheckpointLine } from './checkpoint-line.js';
import { ledgerDigest } from './ledger-digest.js';

export interface BundlePartitionSource {
  readonly role: SealedRole;
  readonly topic: string;
  readonly partition: number;
}

interface OpenFile {
  readonly file: string;
  readonly stream: WriteStream;
  readonly sha256: Sha256;
  bytes: number;
  records: number;
}

/**
 * Writes an auditor's bundle (docs/audit.md, "The auditor's bundle") into an empty directory:
 * one NDJSON file per partition with its records in offset order, the checkpoints, the verifier
 * key, the standalone verifier and, last, the manifest. Records are streamed to disk as they are
 * read, each file hashed on the way, so a ledger of millions of records is exported in constant
 * memory.
 */
export class AuditBundleWriter {
  private readonly files = new Map<string, OpenFile>();
  private readonly trees = new Map<string, CompactRange>();
  private readonly checkpoints: OpenFile;

  private constructor(
    private readonly dir: string,
    private readonly origin: string,
    private readonly verifierKey: string,
    private readonly partitions: readonly BundlePartitionSource[],
  ) {
    this.checkpoints = this.open(CHECKPOINTS_FILE);
    for (const p of partitions) {
      this.files.set(partitionKey(p.role, p.partition), this.open(partitionFileName(p.role, p.partition)));
      this.trees.set(partitionKey(p.role, p.partition), CompactRange.empty());
    }
  }

  /** Refuses a directory that holds anything: a bundle is never written over another. */
  static async create(
    dir: string,
    origin: string,
    verifierKey: string,
    partitions: readonly BundlePartitionSource[],
  ): Promise<AuditBundleWriter> {
    await mkdir(join(dir, 'records'), { recursive: true });
    const present = (await readdir(dir)).filter((name) => name !== 'records');
    const records = await readdir(join(dir, 'records'));
    if (present.length > 0 || records.length > 0)
      throw new Error(`${dir} is not empty: an audit bundle is written into an empty directory`);
    return new AuditBundleWriter(dir, origin, verifierKey, partitions);
  }

  /** The next record of a partition (records of one partition must come in offset order). */
  async record(role: SealedRole, partition: number, record: BundleRecord): Promise<void> {
    const key = partitionKey(role, partition);
    const file = this.files.get(key);
    if (!file) throw new Error(`${key} is not a partition of this bundle`);
    this.trees.get(key)!.append(ledgerLeafHash(leafRecordOf(record)));
    await write(file, formatRecordLine(record));
  }

  async checkpoint(line: CheckpointLine): Promise<void> {
    await write(this.checkpoints, formatCheckpointLine(line));
  }

  /** Closes the files, copies the verifier and the key, then writes the manifest. */
  async close(verifierSource: string, exportedAt: Date): Promise<BundleManifest> {
    const partitions: BundlePartition[] = [];
    for (const p of this.partitions) {
      partitions.push({
        role: p.role,
        topic: p.topic,
        partition: p.partition,
        ...(await finish(this.files.get(partitionKey(p.role, p.partition))!)),
      });
    }
    const checkpoints = await finish(this.checkpoints);
    await copyFile(verifierSource, join(this.dir, VERIFIER_FILE));
    await writeFile(join(this.dir, VERIFIER_KEY_FILE), `${this.verifierKey}\n`);
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      origin: this.origin,
      verifierKey: this.verifierKey,
      exportedAt: exportedAt.toISOString(),
      partitions,
      checkpoints,
      ledgerDigest: ledgerDigest(
        this.partitions.map((p) => {
          const tree = this.trees.get(partitionKey(p.role, p.partition))!;
          return { role: p.role, partition: p.partition, size: tree.size, root: tree.root() };
        }),
      ),
    };
    await writeFile(join(this.dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }

  private open(file: string): OpenFile {
    return {
      file,
      stream: createWriteStream(join(this.dir, file)),
      sha256: createHash('sha256'),
      bytes: 0,
      records: 0,
    };
  }
}

function partitionKey(role: string, partition: number): string {
  return `${role}/${partition}`;
}

async function write(file: OpenFile, line: string): Promise<void> {
  const bytes = Buffer.from(line, 'utf8');
  file.sha256.update(bytes);
  file.bytes += bytes.length;
  file.records += 1;
  if (!file.stream.write(bytes)) await once(file.stream, 'drain');
}

async function finish(file: OpenFile): Promise<BundleFile> {
  file.stream.end();
  await once(file.stream, 'finish');
  return { file: file.file, records: file.records, bytes: file.bytes, sha256: file.sha256.digest('hex') };
}
