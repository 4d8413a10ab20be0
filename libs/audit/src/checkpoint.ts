import { HASH_SIZE, type Hash } from './merkle-hash.js';
import { MalformedCheckpointError } from './malformed-checkpoint-error.js';

/**
 * A C2SP tlog-checkpoint body (https://c2sp.org/tlog-checkpoint): the origin (a unique name of
 * the log), the tree size and the root hash, then optional extension lines.
 */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Hash;
  readonly extensions: readonly string[];
}

/** The checkpoint text, each line ending in `\n`: the text a signed note signs. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  if (!isLine(checkpoint.origin))
    throw new MalformedCheckpointError(`origin ${JSON.stringify(checkpoint.origin)} is not one non-empty line`);
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0)
    throw new MalformedCheckpointError(`size ${checkpoint.size} is not a tree size`);
  if (checkpoint.rootHash.length !== HASH_SIZE)
    throw new MalformedCheckpointError(`root hash has ${checkpoint.rootHash.length} bytes, not ${HASH_SIZE}`);
  for (const extension of checkpoint.extensions) {
    if (!isLine(extension))
      throw new MalformedCheckpointError(`extension ${JSON.stringify(extension)} is not one non-empty line`);
  }
  const lines = [
    checkpoint.origin,
    String(checkpoint.size),
    Buffer.from(checkpoint.rootHash).toString('base64'),
    ...checkpoint.extensions,
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/** Parses a checkpoint body strictly: a decimal size without leading zeros, a canonical base64 32-byte root. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new MalformedCheckpointError('checkpoint does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw new MalformedCheckpointError(`checkpoint has ${lines.length} lines, needs origin, size and root hash`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (!isLine(origin)) throw new MalformedCheckpointError('line 1: the origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine))
    throw new MalformedCheckpointError(`line 2: ${JSON.stringify(sizeLine)} is not a decimal tree size`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new MalformedCheckpointError(`line 2: tree size ${sizeLine} is too large`);
  const rootHash = Buffer.from(rootLine, 'base64');
  if (rootHash.length !== HASH_SIZE || rootHash.toString('base64') !== rootLine) {
    throw new MalformedCheckpointError(
      `line 3: ${JSON.stringify(rootLine)} is not the base64 of a ${HASH_SIZE}-byte hash`,
    );
  }
  extensions.forEach((extension, i) => {
    if (!isLine(extension)) throw new MalformedCheckpointError(`line ${i + 4}: an extension line is empty`);
  });
  return { origin, size, rootHash, extensions };
}

function isLine(text: string): boolean {
  return text.length > 0 && !text.includes('\n');
}
