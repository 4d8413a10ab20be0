import {
  canonicalJson,
  cloudEventAttributes,
  eventCatalog,
  eventOfBinaryRecord,
  InvalidEventError,
  type LedgerEvent,
} from '#events';

/**
 * CloudEvents Kafka protocol binding, binary content mode
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md):
 * attributes travel as `ce_*` headers, the data is the record value and the key is the subject.
 * A consumer can filter on headers (type, correlation id) without parsing the payload. The value
 * is the data's canonical JSON (RFC 8785), so a consumer checks the content hash over the bytes
 * as they arrive.
 */
export interface LedgerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface EncodedRecord {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

const attributes = cloudEventAttributes;

/**
 * The record for a new event, always at its type's current version. An event read at an older
 * version carries its data upcast under the envelope it was written with: encoding it would make
 * a record whose hash and headers no longer describe its value, so it is refused. A stored record
 * is copied as its bytes (as the dead-letter topic does), never re-encoded.
 */
export function encodeEvent(event: LedgerEvent): EncodedRecord {
  const current = eventCatalog[event.type].version;
  if (event.schemaversion !== current) {
    throw new InvalidEventError(
      'schemaversion',
      `read at version ${event.schemaversion}: only a new event is encoded, at version ${current}`,
      event.type,
    );
  }
  const headers: Record<string, string> = { 'content-type': event.datacontenttype };
  for (const name of attributes) {
    const value = event[name];
    if (value !== undefined) headers[`ce_${name}`] = String(value);
  }
  return { key: event.subject, value: canonicalJson(event.data), headers };
}

/**
 * The event a record holds, whichever version of its type it was written at: the data arrives in
 * the current shape (upcast by `parseEvent`), the envelope as written.
 */
export function decodeRecord(record: LedgerRecord): LedgerEvent {
  return eventOfBinaryRecord(record.headers, record.value);
}

export function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    out[name] = Buffer.isBuffer(value)
      ? value.toString('utf8')
      : Array.isArray(value)
        ? String(value[0])
        : String(value);
  }
  return out;
}
