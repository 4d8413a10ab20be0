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
  /** `urn:cognito-migration-ledger:event:<type>:v<version>`: the version the record was written at. */
  readonly dataschema: string;
  /** The version the record was written at; `data` is in the current version's shape whatever it says. */
  readonly schemaversion: number;
  /** The run or request this fact belongs to. */
  readonly correlationid: string;
  /** The id of the event that caused this one, when there is one. */
  readonly causationid?: string;
  /** Over the data as written (its canonical JSON), never over an upcast form of it. */
  readonly contenthash: string;
  /** Always the current version's shape: data written at an older version arrives upcast. */
  readonly data: EventData<T>;
}

export type LedgerEvent = { [T in EventType]: LedgerEventOf<T> }[EventType];

export function isEventOf<T extends EventType>(event: LedgerEvent, type: T): event is LedgerEvent & LedgerEventOf<T> {
  return event.type === type;
}
