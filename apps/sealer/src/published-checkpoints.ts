import { openNote, parseCheckpoint, type Checkpoint, type NoteVerifierKey } from '#audit';
import type { Ledger } from '#ledger';

/** One record of the checkpoints topic, opened against the verifier key. */
export type PublishedCheckpoint =
  | { readonly offset: string; readonly valid: true; readonly checkpoint: Checkpoint }
  | { readonly offset: string; readonly valid: false; readonly problem: string; readonly origin: string };

/**
 * Every record of the checkpoints topic in order, each either a checkpoint whose signature by
 * `key` verifies or the reason it is not one. The topic is the source of truth for what was
 * published: the sealer resumes from it and `ledger verify` checks it.
 */
export async function readPublishedCheckpoints(ledger: Ledger, key: NoteVerifierKey): Promise<PublishedCheckpoint[]> {
  const topic = ledger.topics.checkpoints;
  if (!(await ledger.hasTopics([topic]))) return [];
  const published: PublishedCheckpoint[] = [];
  await ledger.scanRaw([topic], (record) => {
    const origin = record.key?.toString('utf8') ?? '';
    try {
      const note = openNote(record.value?.toString('utf8') ?? '', key);
      const checkpoint = parseCheckpoint(note.text);
      if (checkpoint.origin !== origin) throw new Error(`its key ${origin} is not its origin ${checkpoint.origin}`);
      published.push({ offset: record.offset, valid: true, checkpoint });
    } catch (error) {
      published.push({ offset: record.offset, valid: false, problem: (error as Error).message, origin });
    }
  });
  return published.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
}
