import { contentHash } from './content-hash.js';
import { eventCatalog, type EventData, type EventType } from './event-catalog.js';
import { eventId } from './event-id.js';
import type { LedgerEventOf } from './ledger-event.js';
import { schemaIssueToError } from './schema-issue.js';

export interface EventContext {
  readonly source: string;
  readonly correlationId: string;
  readonly causationId?: string;
  readonly time: Date;
}

export function dataschemaOf(type: EventType, version: number): string {
  return `urn:cognito-migration-ledger:event:${type}:v${version}`;
}

/** Builds a validated event; the id and content hash are derived from the data, never chosen. */
export function createEvent<T extends EventType>(type: T, data: EventData<T>, context: EventContext): LedgerEventOf<T> {
  const definition = eventCatalog[type];
  const parsed = definition.schema.safeParse(data);
  if (!parsed.success) throw schemaIssueToError(parsed.error, type, 'data');
  const valid = parsed.data as EventData<T>;
  const hash = contentHash(valid);
  const subject = (definition.subjectOf as (d: EventData<T>) => string)(valid);
  const factKey = (definition.factKeyOf as (d: EventData<T>, h: string) => string)(valid, hash);
  return {
    specversion: '1.0',
    id: eventId(type, subject, factKey),
    source: context.source,
    type,
    subject,
    time: context.time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaOf(type, definition.version),
    schemaversion: definition.version,
    correlationid: context.correlationId,
    ...(context.causationId ? { causationid: context.causationId } : {}),
    contenthash: hash,
    data: valid,
  };
}
