import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  formatCheckpoint,
  GrowingTree,
  hashesEqual,
  ledgerLeafHash,
  signNote,
  verifyConsistency,
  type Checkpoint,
  type NoteSignerKey,
} from '#audit';
import type { CheckpointPublisher, Ledger, ScanPosition } from '#ledger';
import { originOf, sealedTopicsOf, type SealedTopic } from './checkpoint-origin.js';
import { readPublishedCheckpoints } from './published-checkpoints.js';
import { SealRefusedError } from './seal-refused-error.js';

export interface SealerSettings {
  /** Checkpoint origins are `<origin>/<topic role>/<partition>`. */
  readonly origin: string;
  readonly everyRecords: number;
  readonly intervalMs: number;
}

export interface SealOptions {
  /** Keep sealing every `intervalMs` until `signal` aborts; otherwise one pass to the current end. */
  readonly follow: boolean;
  readonly signal?: AbortSignal;
}

export interface SealedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly origin: string;
  readonly records: number;
  readonly sealedSize: number;
}

export interface SealReport {
  readonly origin: string;
  readonly verifierKey: string;
  /** Checkpoints this run published. */
  readonly published: number;
  /** Checkpoints of this key already on the topic when the run started. */
  readonly resumedFrom: number;
  readonly passes: number;
  readonly partitions: readonly SealedPartition[];
  readonly durationMs: number;
}

interface PartitionState {
  readonly sealed: SealedTopic;
  readonly partition: number;
  readonly origin: string;
  readonly tree: GrowingTree;
  /** The last checkpoint of this partition on the topic (published earlier or by this run). */
  last: Checkpoint | undefined;
}

/**
 * Follows every partition of the user and control topics and publishes signed checkpoints of its
 * RFC 6962 tree to the checkpoints topic, every `everyRecords` records and at the end of every
 * pass (passes are `intervalMs` apart when following).
 *
 * The checkpoints topic is the only state: on start the sealer reads it back, rebuilds each
 * partition's tree by re-reading the partition up to its last checkpoint and checks that the root
 * is the one signed, then extends it. A crash between a checkpoint's produce and anything after it
 * therefore loses nothing and repeats nothing: the next run finds the checkpoint on the topic and
 * continues after it, so a checkpoint of a given size is published once. Before signing, the new
 * tree is proven consistent (RFC 9162 §2.1.4) with the last checkpoint as published. One sealer
 * runs per ledger.
 */
export class Sealer {
  constructor(
    private readonly ledger: Ledger,
    private readonly key: NoteSignerKey,
    private readonly settings: SealerSettings,
    private readonly logger: Logger,
  ) {}

  async run(options: SealOptions): Promise<SealReport> {
    const started = Date.now();
    const sealedTopics = sealedTopicsOf(this.ledger.topics);
    await this.ledger.requireTopics(sealedTopics.map((s) => s.topic));
    await this.ledger.ensureTopics(); // creates the checkpoints topic of a ledger older than it
    const lastPublished = await this.lastPublished();
    const states = new Map<string, PartitionState>();
    const stateOf = (topic: string, partition: number): PartitionState => {
      const key = `${topic}/${partition}`;
      let state = states.get(key);
      if (!state) {
        const sealed = sealedTopics.find((s) => s.topic === topic) as SealedTopic;
        const origin = originOf(this.settings.origin, sealed, partition);
        state = { sealed, partition, origin, tree: GrowingTree.empty(), last: lastPublished.get(origin) };
        states.set(key, state);
      }
      return state;
    };
    const publisher = await this.ledger.checkpointPublisher();
    let published = 0;
    let passes = 0;
    let position: ScanPosition = new Map();
    try {
      for (;;) {
        passes += 1;
        position = await this.ledger.scanRaw(
          sealedTopics.map((s) => s.topic),
          async (record) => {
            const state = stateOf(record.topic, record.partition);
            this.append(state, record.offset, ledgerLeafHash(record));
            const sinceCheckpoint = state.tree.size - state.tree.checkpointedSize;
            if (state.tree.size > (state.last?.size ?? 0) && sinceCheckpoint >= this.settings.everyRecords) {
              published += await this.publish(state, publisher);
            }
          },
          position,
        );
        for (const [key, end] of position) {
          const [topic, partition] = splitKey(key);
          const state = stateOf(topic, partition);
          if (state.last && end < BigInt(state.last.size)) {
            throw new SealRefusedError(
              `${key} ends at offset ${end} but its checkpoint ${state.origin} covers ${state.last.size} records: records were removed`,
            );
          }
          if (state.tree.size > (state.last?.size ?? 0)) published += await this.publish(state, publisher);
        }
        if (!options.follow || options.signal?.aborted) break;
        await sleep(this.settings.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
        if (options.signal?.aborted) break;
      }
    } finally {
      await publisher.close();
    }
    return {
      origin: this.settings.origin,
      verifierKey: this.key.verifier.toString(),
      published,
      resumedFrom: lastPublished.size,
      passes,
      partitions: [...states.values()]
        .map((s) => ({
          topic: s.sealed.topic,
          partition: s.partition,
          origin: s.origin,
          records: s.tree.size,
          sealedSize: s.last?.size ?? 0,
        }))
        .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
      durationMs: Date.now() - started,
    };
  }

  /** The largest checkpoint of each origin this key signed; others' records are left alone. */
  private async lastPublished(): Promise<Map<string, Checkpoint>> {
    const last = new Map<string, Checkpoint>();
    for (const record of await readPublishedCheckpoints(this.ledger, this.key.verifier)) {
      if (!record.valid) {
        this.logger.warn(
          { offset: record.offset, origin: record.origin, problem: record.problem },
          'checkpoint ignored',
        );
        continue;
      }
      const { checkpoint } = record;
      const known = last.get(checkpoint.origin);
      if (known && known.size === checkpoint.size && !hashesEqual(known.rootHash, checkpoint.rootHash)) {
        throw new SealRefusedError(
          `${this.ledger.topics.checkpoints} offset ${record.offset}: two checkpoints of ${checkpoint.origin} at size ${checkpoint.size} with different roots`,
        );
      }
      if (!known || checkpoint.size > known.size) last.set(checkpoint.origin, checkpoint);
    }
    return last;
  }

  private append(state: PartitionState, offset: string, leaf: Uint8Array): void {
    const { tree, last } = state;
    if (BigInt(offset) !== BigInt(tree.size)) {
      throw new SealRefusedError(
        `${state.sealed.topic}/${state.partition}: read offset ${offset} where ${tree.size} was next: the partition does not run on from offset 0`,
      );
    }
    tree.append(leaf);
    if (last && tree.size <= last.size) {
      // Rebuilding up to the last checkpoint: no proof starts below it, so no leaf is kept.
      tree.markCheckpointed();
      if (tree.size === last.size && !hashesEqual(tree.root(), last.rootHash)) {
        throw new SealRefusedError(
          `${state.sealed.topic}/${state.partition}: offsets 0–${last.size - 1} no longer give the root of checkpoint ${last.origin} size ${last.size}: the ledger was altered (run \`ledger verify\`)`,
        );
      }
    }
  }

  private async publish(state: PartitionState, publisher: CheckpointPublisher): Promise<number> {
    const { tree, last } = state;
    const root = tree.root();
    if (last) {
      const proof = tree.consistencyProofSinceCheckpoint();
      if (tree.checkpointedSize !== last.size || !verifyConsistency(last.size, tree.size, proof, last.rootHash, root)) {
        throw new SealRefusedError(
          `${state.sealed.topic}/${state.partition}: the tree of size ${tree.size} is not consistent with checkpoint ${last.origin} size ${last.size}`,
        );
      }
    }
    const checkpoint: Checkpoint = { origin: state.origin, size: tree.size, rootHash: root, extensions: [] };
    const offset = await publisher.publish(state.origin, signNote(formatCheckpoint(checkpoint), this.key));
    state.last = checkpoint;
    tree.markCheckpointed();
    this.logger.info({ origin: state.origin, size: checkpoint.size, offset }, 'checkpoint published');
    return 1;
  }
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf('/');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}
