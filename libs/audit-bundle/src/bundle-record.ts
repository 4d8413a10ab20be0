import type { LedgerLeafRecord } from '#audit';
import { eventOfBinaryRecord, type LedgerEvent } from '#events';

/** One Kafka record of a ledger partition, as the broker holds it: what the Merkle leaf covers. */
export interface BundleRecord {
  /** Decimal, as Kafka gives it. */
  readonly offset: string;
  readonly key: Buffer | null;
  /** In record order. */
  readonly headers: readonly (readonly [name: string, value: Buffer | null])[];
  readonly value: Buffer | null;
}

/**
 * One line of a bundle's record file: JSON with the key, header values and value in standard
 * base64 (null stays null), so that every byte the leaf covers survives a text file and any JSON
 * reader gets it back. The offset is a decimal string: Kafka offsets are 64-bit.
 */
interface RecordLine {
  readonly offset: string;
  readonly key: string | null;
  readonly headers: readonly (readonly [string, string | null])[];
  readonly value: string | null;
}

export function formatRecordLine(record: BundleRecord): string {
  const line: RecordLine = {
    offset: record.offset,
    key: base64OrNull(record.key),
    headers: record.headers.map(([name, value]) => [name, base64OrNull(value)]),
    value: base64OrNull(record.value),
  };
  return `${JSON.stringify(line)}\n`;
}

/** Parses one record line strictly; the error says what is wrong with it. */
export function parseRecordLine(text: string): BundleRecord {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof line !== 'object' || line === null || Array.isArray(line)) throw new Error('not a JSON object');
  const { offset, key, headers, value } = line as Record<string, unknown>;
  if (typeof offset !== 'string' || !/^(0|[1-9][0-9]*)$/.test(offset))
    throw new Error('offset is not a decimal string');
  if (!Array.isArray(headers)) throw new Error('headers is not an array');
  return {
    offset,
    key: bytesOrNull(key, 'key'),
    headers: headers.map((header: unknown, i) => {
      if (!Array.isArray(header) || header.length !== 2 || typeof header[0] !== 'string')
        throw new Error(`header ${i} is not [name, base64 or null]`);
      return [header[0], bytesOrNull(header[1], `header ${header[0]}`)] as const;
    }),
    value: bytesOrNull(value, 'value'),
  };
}

export function leafRecordOf(record: BundleRecord): LedgerLeafRecord {
  return { offset: record.offset, key: record.key, headers: record.headers, value: record.value };
}

/**
 * The event a record holds, checked as `ledger verify` checks it: schema of its version (through
 * the upcasters), content hash, deterministic id, and the key being the event's subject.
 */
export function eventOfRecord(record: BundleRecord): LedgerEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of record.headers) {
    // kafkajs hands the first value of a repeated name to the event reader; the ledger repeats none.
    if (value !== null && !(name in headers)) headers[name] = value.toString('utf8');
  }
  const event = eventOfBinaryRecord(headers, record.value);
  const key = record.key?.toString('utf8') ?? null;
  if (key !== event.subject) throw new Error(`key ${JSON.stringify(key)} is not the subject ${event.subject}`);
  return event;
}

function base64OrNull(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('base64');
}

function bytesOrNull(encoded: unknown, what: string): Buffer | null {
  if (encoded === null) return null;
  if (typeof encoded !== 'string') throw new Error(`${what} is neither base64 nor null`);
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64') !== encoded) throw new Error(`${what} is not canonical base64`);
  return bytes;
}
