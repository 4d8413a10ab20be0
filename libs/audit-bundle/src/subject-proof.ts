import { isDeepStrictEqual } from 'node:util';
import {
  inclusionProof,
  leafHashesTree,
  ledgerLeafHash,
  NoteVerifierKey,
  openNote,
  parseCheckpoint,
  verifyInclusion,
  type Hash,
} from '#audit';
import { originOfPartition, type SealedRole } from './bundle-manifest.js';
import { eventOfRecord, formatRecordLine, leafRecordOf, parseRecordLine, type BundleRecord } from './bundle-record.js';

export const PROOF_FORMAT = 'ledger-subject-proof/1';

/** One fact of the subject: the record's bytes, the event they hold and, when sealed, its inclusion proof. */
export interface ProvenFact {
  readonly role: SealedRole;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** As in a bundle's record files: key, headers and value in base64. */
  readonly record: { key: string | null; headers: [string, string | null][]; value: string | null };
  /** The event the record holds, decoded (data in the current shape): for reading, re-derived by the verifier. */
  readonly event: unknown;
  /** False: written after the last checkpoint of its partition, so no proof yet. */
  readonly sealed: boolean;
  /** The origin of the checkpoint the proof leads to (a key of `checkpoints`). */
  readonly checkpoint?: string;
  readonly treeSize?: number;
  /** RFC 9162 §2.1.3 audit path, base64 hashes, deepest sibling first. */
  readonly inclusionProof?: string[];
}

/** `ledger prove <sub>`'s file (docs/audit.md, "Checking one user's proof"). */
export interface SubjectProof {
  readonly format: typeof PROOF_FORMAT;
  readonly subject: string;
  readonly origin: string;
  readonly verifierKey: string;
  readonly generatedAt: string;
  /** Signed checkpoint notes by origin: the latest verified checkpoint of each partition involved. */
  readonly checkpoints: Record<string, string>;
  readonly facts: ProvenFact[];
  readonly unsealedFacts: number;
}

/** A partition as `ledger prove` read it: every record's leaf hash, the subject's records, its latest checkpoint. */
export interface ProofPartition {
  readonly role: SealedRole;
  readonly topic: string;
  readonly partition: number;
  readonly leafHashes: readonly Hash[];
  readonly records: readonly BundleRecord[];
  /** The latest checkpoint note whose root the leaves give; undefined when none. */
  readonly checkpointNote: string | undefined;
}

/**
 * Builds the proof file: each record of the subject with its inclusion proof in the tree of its
 * partition's latest checkpoint, or marked unsealed when it lies beyond it. The checkpoint is
 * opened and its root compared with the leaves here too: a proof is never built on a checkpoint
 * the records do not give.
 */
export function buildSubjectProof(
  subject: string,
  origin: string,
  key: NoteVerifierKey,
  partitions: readonly ProofPartition[],
  generatedAt: Date,
): SubjectProof {
  const checkpoints: Record<string, string> = {};
  const facts: ProvenFact[] = [];
  for (const p of partitions) {
    const checkpointOrigin = originOfPartition(origin, p.role, p.partition);
    const checkpoint =
      p.checkpointNote === undefined ? undefined : parseCheckpoint(openNote(p.checkpointNote, key).text);
    if (checkpoint && checkpoint.origin !== checkpointOrigin)
      throw new Error(`checkpoint of ${checkpointOrigin} names origin ${checkpoint.origin}`);
    const size = checkpoint?.size ?? 0;
    const tree = leafHashesTree(p.leafHashes.slice(0, size));
    for (const record of p.records) {
      const line = JSON.parse(formatRecordLine(record)) as ProvenFact['record'] & { offset: string };
      const index = Number(record.offset);
      const base = {
        role: p.role,
        topic: p.topic,
        partition: p.partition,
        offset: record.offset,
        record: { key: line.key, headers: line.headers, value: line.value },
        event: JSON.parse(JSON.stringify(eventOfRecord(record))) as unknown,
      };
      if (!checkpoint || index >= size) {
        facts.push({ ...base, sealed: false });
        continue;
      }
      checkpoints[checkpointOrigin] = p.checkpointNote!;
      const proof = inclusionProof(index, size, tree);
      if (!verifyInclusion(ledgerLeafHash(leafRecordOf(record)), index, size, proof, checkpoint.rootHash))
        throw new Error(`${checkpointOrigin} offset ${record.offset}: the records do not give the checkpoint's root`);
      facts.push({
        ...base,
        sealed: true,
        checkpoint: checkpointOrigin,
        treeSize: size,
        inclusionProof: proof.map((h) => Buffer.from(h).toString('base64')),
      });
    }
  }
  return {
    format: PROOF_FORMAT,
    subject,
    origin,
    verifierKey: key.toString(),
    generatedAt: generatedAt.toISOString(),
    checkpoints,
    facts,
    unsealedFacts: facts.filter((f) => !f.sealed).length,
  };
}

export interface ProofVerdict {
  readonly ok: boolean;
  readonly subject: string | null;
  readonly verifierKey: string | null;
  readonly keySource: 'pinned' | 'proof';
  readonly facts: number;
  readonly sealed: number;
  readonly unsealed: number;
  /** The first problem: which fact (index, partition, offset) and why. */
  readonly problem: string | null;
}

/**
 * Checks a proof file offline: every fact's record holds a valid event of the subject (content
 * hash, deterministic id, key = subject) equal to the event shown; every sealed fact's leaf leads
 * through its audit path to the root of a checkpoint signed by the verifier key, of its partition.
 */
export function verifySubjectProof(text: string, pinnedKey?: string): ProofVerdict {
  let proof: SubjectProof;
  const keySource: ProofVerdict['keySource'] = pinnedKey === undefined ? 'proof' : 'pinned';
  const verdict = (problem: string | null, partial: Partial<ProofVerdict> = {}): ProofVerdict => ({
    ok: problem === null,
    subject: null,
    verifierKey: pinnedKey ?? null,
    keySource,
    facts: 0,
    sealed: 0,
    unsealed: 0,
    problem,
    ...partial,
  });
  try {
    proof = JSON.parse(text) as SubjectProof;
  } catch (error) {
    return verdict(`not JSON: ${(error as Error).message}`);
  }
  if (proof?.format !== PROOF_FORMAT) return verdict(`format is not ${PROOF_FORMAT}`);
  if (typeof proof.subject !== 'string' || !Array.isArray(proof.facts) || typeof proof.checkpoints !== 'object')
    return verdict('subject, facts or checkpoints is missing');
  let key: NoteVerifierKey;
  try {
    key = NoteVerifierKey.parse(String(pinnedKey ?? proof.verifierKey).trim());
  } catch (error) {
    return verdict(`verifier key: ${(error as Error).message}`);
  }
  const summary = { subject: proof.subject, verifierKey: key.toString(), facts: proof.facts.length };
  let sealed = 0;
  for (const [i, fact] of proof.facts.entries()) {
    const where = `fact ${i} (${fact?.role}/${fact?.partition} offset ${fact?.offset})`;
    const problem = checkFact(proof, fact, key);
    if (problem) return verdict(`${where}: ${problem}`, summary);
    if (fact.sealed) sealed += 1;
  }
  if (proof.unsealedFacts !== proof.facts.length - sealed)
    return verdict(`unsealedFacts says ${proof.unsealedFacts}, the facts hold ${proof.facts.length - sealed}`, summary);
  return verdict(null, { ...summary, sealed, unsealed: proof.facts.length - sealed });
}

function checkFact(proof: SubjectProof, fact: ProvenFact, key: NoteVerifierKey): string | undefined {
  let record: BundleRecord;
  try {
    record = parseRecordLine(JSON.stringify({ offset: fact.offset, ...fact.record }));
  } catch (error) {
    return `record: ${(error as Error).message}`;
  }
  let event;
  try {
    event = eventOfRecord(record);
  } catch (error) {
    return `invalid record: ${(error as Error).message}`;
  }
  if (event.subject !== proof.subject) return `the event's subject ${event.subject} is not ${proof.subject}`;
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(event)), fact.event))
    return 'the event shown is not the event the record holds';
  if (fact.sealed !== true) return fact.sealed === false ? undefined : 'sealed is neither true nor false';
  const origin = originOfPartition(proof.origin, fact.role, fact.partition);
  if (fact.checkpoint !== origin) return `its checkpoint ${fact.checkpoint} is not of its partition (${origin})`;
  const note = proof.checkpoints[origin];
  if (typeof note !== 'string') return `no checkpoint note for ${origin}`;
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(openNote(note, key).text);
  } catch (error) {
    return `checkpoint ${origin}: ${(error as Error).message}`;
  }
  if (checkpoint.origin !== origin) return `the checkpoint note is of ${checkpoint.origin}, not ${origin}`;
  if (fact.treeSize !== checkpoint.size)
    return `treeSize ${fact.treeSize} is not the checkpoint's size ${checkpoint.size}`;
  if (!Array.isArray(fact.inclusionProof)) return 'inclusionProof is missing';
  const path = fact.inclusionProof.map((h) => Buffer.from(String(h), 'base64'));
  const index = Number(fact.offset);
  if (!verifyInclusion(ledgerLeafHash(leafRecordOf(record)), index, checkpoint.size, path, checkpoint.rootHash))
    return `the inclusion proof does not lead from the record's leaf to the root of ${origin} size ${checkpoint.size}: the record, its offset or the proof was altered`;
  return undefined;
}
