import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { LedgerRecord } from './cloudevents-kafka-binding.js';

/**
 * A record exactly as the broker holds it: key, headers in order and value as bytes. What the
 * sealer and `ledger verify` hash (libs/audit's leaf), where a LedgerRecord's headers are text.
 */
export interface RawLedgerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** In record order. kafkajs gathers a repeated name into an array at its first place; the ledger never repeats one. */
  readonly headers: readonly (readonly [string, Buffer | null])[];
}

export function rawRecordOf(topic: string, partition: number, message: KafkaMessage): RawLedgerRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ?? null,
    value: message.value ?? null,
    headers: rawHeadersOf(message.headers),
  };
}

/** The record as the event binding reads it (headers as text). */
export function ledgerRecordOf(raw: RawLedgerRecord): LedgerRecord {
  return {
    topic: raw.topic,
    partition: raw.partition,
    offset: raw.offset,
    key: raw.key,
    value: raw.value,
    headers: textHeadersOf(raw.headers),
  };
}

function rawHeadersOf(headers: IHeaders | undefined): [string, Buffer | null][] {
  const out: [string, Buffer | null][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      out.push([
        name,
        one === undefined || one === null ? null : Buffer.isBuffer(one) ? one : Buffer.from(String(one)),
      ]);
    }
  }
  return out;
}

/** As `headersToStrings` reads kafkajs's headers: UTF-8 text, a repeated name's first value, no null. */
function textHeadersOf(headers: RawLedgerRecord['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (value !== null && !(name in out)) out[name] = value.toString('utf8');
  }
  return out;
}
