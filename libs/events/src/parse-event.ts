import { z } from 'zod';
import { contentHash, hashOfCanonical } from './content-hash.js';
import { dataschemaOf } from './create-event.js';
import { eventCatalog, isEventType, type EventData, type EventType } from './event-catalog.js';
import { eventId } from './event-id.js';
import { InvalidEventError } from './invalid-event-error.js';
import type { LedgerEvent } from './ledger-event.js';
import { schemaIssueToError } from './schema-issue.js';
import { readableVersionsOf, upcastToCurrent } from './versioning/upcast-to-current.js';

const envelope = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  dataschema: z.string().min(1),
  schemaversion: z.number().int().positive(),
  correlationid: z.string().min(1),
  causationid: z.string().min(1).optional(),
  contenthash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  data: z.unknown(),
});

/**
 * `envelope` less the patterns of `id` and `contenthash`, which an event that passes every check
 * after the envelope's fits anyway: its id is the v5 UUID computed from its fact, its content hash
 * the `sha256:` and 64 lower-case hex digits computed from its data. Those two patterns were a fifth
 * of checking an envelope, which `ledger verify` does for every record.
 */
const envelopeTrustingIdAndHash = envelope.extend({ id: z.string(), contenthash: z.string() });

/**
 * Validates an event read from anywhere: envelope, data schema, content hash and id. An event whose
 * data was altered after it was written fails the hash; one whose id does not follow from its data
 * fails the id check. Either way the error names the field.
 *
 * Every version the type ever wrote is readable: the data is checked against the schema of the
 * version it names (`schemaversion`, and `dataschema` must name the same), then upcast to the
 * current shape. The result keeps the envelope as written (`schemaversion`, `dataschema`,
 * `contenthash` describe the stored bytes) and carries the data in the current shape; the id is
 * checked against the upcast data, so an upcaster that changed what the fact is would fail here.
 *
 * `dataBytes`: the bytes `data` was parsed from, when the caller has them. The ledger writes data
 * in canonical form, so hashing those bytes proves the hash without re-serialising the data
 * (which is most of a consumer's work per event); other bytes fall back to canonicalising.
 */
export function parseEvent(input: unknown, dataBytes?: Uint8Array): LedgerEvent {
  try {
    return checkedEvent(envelopeTrustingIdAndHash, input, dataBytes);
  } catch {
    // Not a valid event: checked again from the whole envelope on, so that the problem reported
    // is the first one in the order of the checks (an id that is no UUID before a wrong one). The
    // checks are pure (upcasters included), so the second run fails as the first would have.
    return checkedEvent(envelope, input, dataBytes);
  }
}

function checkedEvent(
  envelope: z.ZodType<z.infer<typeof envelopeTrustingIdAndHash>>,
  input: unknown,
  dataBytes?: Uint8Array,
): LedgerEvent {
  const head = envelope.safeParse(input);
  if (!head.success) throw schemaIssueToError(head.error, undefined, '');
  const raw = head.data;
  if (!isEventType(raw.type)) throw new InvalidEventError('type', `unknown event type "${raw.type}"`);
  const type: EventType = raw.type;
  const definition = eventCatalog[type];
  const version = raw.schemaversion;
  const readable = readableVersionsOf(definition);
  if (!readable.includes(version)) {
    throw new InvalidEventError(
      'schemaversion',
      `version ${version} is not readable (known: ${readable.join(', ')})`,
      type,
    );
  }
  if (raw.dataschema !== dataschemaOf(type, version)) {
    throw new InvalidEventError('dataschema', `expected ${dataschemaOf(type, version)}`, type);
  }
  const value = upcastToCurrent(definition, version, raw.data) as EventData<typeof type>;
  // The hash is over the data as written, never over its upcast form.
  const hash =
    dataBytes !== undefined && hashOfCanonical(dataBytes) === raw.contenthash ? raw.contenthash : contentHash(raw.data);
  if (hash !== raw.contenthash)
    throw new InvalidEventError('contenthash', `does not match the data (computed ${hash})`, type);
  const subject = (definition.subjectOf as (d: typeof value) => string)(value);
  if (subject !== raw.subject) throw new InvalidEventError('subject', `expected "${subject}" from the data`, type);
  const expectedId = eventId(
    type,
    subject,
    (definition.factKeyOf as (d: typeof value, h: string) => string)(value, hash),
  );
  if (expectedId !== raw.id) throw new InvalidEventError('id', `expected ${expectedId} for this fact`, type);
  return { ...raw, type, data: value } as LedgerEvent;
}
