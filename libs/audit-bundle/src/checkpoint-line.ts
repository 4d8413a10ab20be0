/**
 * One record of the checkpoints topic in a bundle's `checkpoints.ndjson`: its offset there, its
 * key (the checkpoint's origin) and its value, the signed note's text, as JSON strings.
 */
export interface CheckpointLine {
  readonly offset: string;
  readonly origin: string;
  readonly note: string;
}

export function formatCheckpointLine(line: CheckpointLine): string {
  return `${JSON.stringify({ offset: line.offset, origin: line.origin, note: line.note })}\n`;
}

export function parseCheckpointLine(text: string): CheckpointLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  const { offset, origin, note } = (value ?? {}) as Record<string, unknown>;
  if (typeof offset !== 'string' || !/^(0|[1-9][0-9]*)$/.test(offset))
    throw new Error('offset is not a decimal string');
  if (typeof origin !== 'string') throw new Error('origin is not a string');
  if (typeof note !== 'string') throw new Error('note is not a string');
  return { offset, origin, note };
}
