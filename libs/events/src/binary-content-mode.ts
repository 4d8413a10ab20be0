import { InvalidEventError } from './invalid-event-error.js';
import type { LedgerEvent } from './ledger-event.js';
import { parseEvent } from './parse-event.js';

/**
 * The CloudEvents attributes a ledger record carries as `ce_<name>` headers (CloudEvents Kafka
 * protocol binding, binary content mode), besides `content-type`. Here, beside the catalog, so that
 * the Kafka adapter and the offline auditor's verifier (which must not load Kafka) read a record
 * the same way.
 */
export const cloudEventAttributes = [
  'specversion',
  'id',
  'source',
  'type',
  'subject',
  'time',
  'dataschema',
  'schemaversion',
  'correlationid',
  'causationid',
  'contenthash',
] as const;

/** Each attribute with its header's name, made once: a name built per record is looked up as a fresh string. */
const attributeHeaders = cloudEventAttributes.map((name) => [name, `ce_${name}`] as const);

/**
 * The event a binary-mode record holds (headers as text, the value the data's bytes), whichever
 * version of its type it was written at: the data arrives in the current shape (upcast by
 * `parseEvent`), the envelope as written. Errors name the header or data path at fault.
 */
export function eventOfBinaryRecord(headers: Readonly<Record<string, string>>, value: Uint8Array | null): LedgerEvent {
  const envelope: Record<string, unknown> = { datacontenttype: headers['content-type'] };
  for (const [name, headerName] of attributeHeaders) {
    const header = headers[headerName];
    if (header !== undefined) envelope[name] = name === 'schemaversion' ? Number(header) : header;
  }
  if (value === null) throw new InvalidEventError('value', 'record has no value (tombstone)');
  try {
    // A view of the bytes, not a copy (Buffer.from of a Uint8Array copies it).
    envelope.data = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
  } catch (error) {
    throw new InvalidEventError('value', `not JSON: ${(error as Error).message}`);
  }
  try {
    return parseEvent(envelope, value);
  } catch (error) {
    if (error instanceof InvalidEventError && !error.path.startsWith('data')) {
      const header = error.path === 'datacontenttype' ? 'content-type' : `ce_${error.path}`;
      throw new InvalidEventError(`header ${header}`, error.problem, error.eventType);
    }
    throw error;
  }
}
