import type { EventData, EventType } from './event-catalog.js';

/**
 * One immutable fact. Attribute names follow CloudEvents 1.0 (https://github.com/cloudevents/spec);
 * `schemaversion`, `correlationid`, `causationid` and `contenthash` are extension attributes.
 */
export interface LedgerEventOf<T extends EventType> {
  readonly specversion: '1.0';
  readonly id: string;
  /** The producer, e.g. `/cognito-migration-ledger/exporter`. */
  readonly source: string;
  readonly type: T;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema: string;
  readonly schemaversion: number;
  /** The run or request this fact belongs to. */
  readonly correlationid: string;
  /** The id of the event that caused this one, when there is one. */
  readonly causationid?: string;
  readonly contenthash: string;
  readonly data: EventData<T>;
}

export type LedgerEvent = { [T in EventType]: LedgerEventOf<T> }[EventType];

export function isEventOf<T extends EventType>(event: LedgerEvent, type: T): event is LedgerEvent & LedgerEventOf<T> {
  return event.type === type;
}
