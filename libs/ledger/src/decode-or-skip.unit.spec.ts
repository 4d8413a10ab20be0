import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from '@jest/globals';
import { pino, type Logger } from 'pino';
import { createEvent } from '#events';
import { encodeEvent, type LedgerRecord } from './cloudevents-kafka-binding.js';
import { decodeOrSkip } from './decode-or-skip.js';

function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[]; text: string[] } {
  const text: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  return {
    logger,
    text,
    lines: () => text.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

const event = createEvent(
  'PasswordMigrated',
  { sub: 'sub-1', target: { kind: 'keycloak', realm: 'r' }, via: 'jit' },
  { source: '/test/decode-or-skip', correlationId: 'run', time: new Date('2026-01-01T00:00:00Z') },
);

function recordOf(value: string, headers: Record<string, string>): LedgerRecord {
  return {
    topic: 'migration.user-events',
    partition: 7,
    offset: '4711',
    key: Buffer.from('sub-1'),
    value: Buffer.from(value),
    headers,
  };
}

describe('decodeOrSkip', () => {
  it('returns a valid record decoded, and logs nothing', () => {
    const { logger, text } = capturingLogger();
    const encoded = encodeEvent(event);
    assert.deepEqual(decodeOrSkip(recordOf(encoded.value, encoded.headers), logger), event);
    assert.deepEqual(text, []);
  });

  it('skips a record that is not JSON with one warning naming topic, partition, offset and path, never the value', () => {
    const { logger, lines, text } = capturingLogger();
    const value = 'not json: jane.doe@example.org';
    assert.equal(decodeOrSkip(recordOf(value, encodeEvent(event).headers), logger), undefined);
    assert.equal(lines().length, 1);
    const [line] = lines();
    assert.equal(line!.level, 40);
    assert.equal(line!.msg, 'skipped an invalid ledger record');
    assert.equal(line!.topic, 'migration.user-events');
    assert.equal(line!.partition, 7);
    assert.equal(line!.offset, '4711');
    assert.equal(line!.path, 'value');
    assert.ok(!text[0]!.includes('jane.doe'), 'the value is not logged');
  });

  it('names the field of a record whose data breaks its schema, and its type', () => {
    const { logger, lines, text } = capturingLogger();
    const encoded = encodeEvent(event);
    const value = JSON.stringify({ ...event.data, via: 'telepathy-jane.doe@example.org' });
    assert.equal(decodeOrSkip(recordOf(value, encoded.headers), logger), undefined);
    assert.equal(lines().length, 1);
    assert.equal(lines()[0]!.path, 'data.via');
    assert.equal(lines()[0]!.eventType, 'PasswordMigrated');
    assert.ok(!text[0]!.includes('jane.doe'), 'the value is not logged');
  });
});
