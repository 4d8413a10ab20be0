import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, describe, it } from '@jest/globals';
import { Kafka } from 'kafkajs';
import { pino } from 'pino';
import { kafkaConfig } from '#config';
import { createEvent, type LedgerEvent } from '#events';
import {
  decodeRecord,
  Ledger,
  LedgerConsumerFailedError,
  LedgerTopicsMissingError,
  LedgerUnavailableError,
  topicsWithPrefix,
  type LedgerRecord,
} from './index.js';

/** What a test registered to run when it ends (node:test's `after` in a test), in that order. */
const afterThisTest: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanUp of afterThisTest.splice(0)) await cleanUp();
});

const kafka = kafkaConfig(process.env);
const context = { source: '/test/ledger', correlationId: 'run', time: new Date('2026-01-01T00:00:00Z') };

function passwordMigrated(n: number): LedgerEvent {
  return createEvent(
    'PasswordMigrated',
    { sub: `sub-${n}`, target: { kind: 'keycloak', realm: 'r' }, via: 'jit' },
    context,
  );
}

describe('ledger on a real broker', () => {
  const topics = topicsWithPrefix(`test-${randomUUID().slice(0, 8)}`);
  const ledger = new Ledger({ kafka, topics });

  beforeAll(async () => {
    await ledger.ensureTopics(3);
  });

  it('publishes events keyed by subject with CloudEvents headers and reads them back intact', async () => {
    const events = Array.from({ length: 50 }, (_, n) => passwordMigrated(n));
    const publisher = await ledger.publisher();
    await publisher.publish(events);
    await publisher.close();

    const records: LedgerRecord[] = [];
    await ledger.scan([topics.userEvents], (record) => void records.push(record));
    assert.equal(records.length, 50);
    const first = records.find((r) => r.key?.toString() === 'sub-0')!;
    assert.equal(first.headers.ce_type, 'PasswordMigrated');
    assert.equal(first.headers.ce_specversion, '1.0');
    assert.equal(first.headers['content-type'], 'application/json');
    const decoded = records
      .map(decodeRecord)
      .sort((a, b) => a.subject.localeCompare(b.subject, 'en', { numeric: true }));
    assert.deepEqual(decoded, events);
  });

  it('continues a scan from where the last one stopped, reading only what came since', async () => {
    const own = new Ledger({ kafka, topics: topicsWithPrefix(`test-${randomUUID().slice(0, 8)}`) });
    await own.ensureTopics(3);
    const publish = async (events: LedgerEvent[]) => {
      const publisher = await own.publisher();
      await publisher.publish(events);
      await publisher.close();
    };
    await publish(Array.from({ length: 20 }, (_, n) => passwordMigrated(n)));
    const first: string[] = [];
    const position = await own.scan([own.topics.userEvents], (record) => void first.push(decodeRecord(record).subject));
    assert.equal(first.length, 20);

    await publish(Array.from({ length: 7 }, (_, n) => passwordMigrated(100 + n)));
    const next: string[] = [];
    const after = await own.scan([own.topics.userEvents], (r) => void next.push(decodeRecord(r).subject), position);
    assert.deepEqual(next.sort(), Array.from({ length: 7 }, (_, n) => `sub-${100 + n}`).sort());
    const none: string[] = [];
    await own.scan([own.topics.userEvents], (r) => void none.push(decodeRecord(r).subject), after);
    assert.deepEqual(none, []);
  });

  it('dead-letters a malformed record with its reason and original bytes, and keeps consuming after it', async () => {
    const raw = new Kafka({ brokers: [...kafka.brokers], clientId: 'test-raw' }).producer();
    await raw.connect();
    const good = passwordMigrated(1000);
    const bad = { ...good, data: { ...good.data, via: 'telepathy' } };
    const badBytes = JSON.stringify(bad.data);
    // Same partition for both (same key), the bad one first: the good one must still arrive.
    await raw.send({
      topic: topics.userEvents,
      messages: [
        {
          key: good.subject,
          value: badBytes,
          headers: { ce_specversion: '1.0', ce_type: 'PasswordMigrated', ce_id: good.id },
        },
        { key: good.subject, value: 'not json at all' },
      ],
    });
    await raw.disconnect();
    const publisher = await ledger.publisher();
    await publisher.publish([good]);
    await publisher.close();

    const received: LedgerEvent[] = [];
    const controlGood = await new Promise<LedgerEvent[]>((resolve, reject) => {
      ledger
        .consume({
          groupId: `test-${randomUUID()}`,
          topics: [topics.userEvents],
          handleBatch: async (batch) => {
            for (const { event } of batch.events) received.push(event);
            if (received.some((e) => e.id === good.id)) resolve(received);
          },
        })
        .then((consumer) => afterThisTest.push(() => consumer.stop()), reject);
    });
    assert.ok(controlGood.some((e) => e.id === good.id));

    const dead: LedgerRecord[] = [];
    await ledger.scan([topics.deadLetter], (record) => void dead.push(record));
    assert.equal(dead.length, 2);
    const [schemaFailure, jsonFailure] = dead.sort(
      (a, b) => Number(a.headers['dlq-source-offset']) - Number(b.headers['dlq-source-offset']),
    );
    assert.match(schemaFailure!.headers['dlq-reason']!, /header ce_source|data\.via/);
    assert.equal(schemaFailure!.value?.toString(), badBytes);
    assert.equal(schemaFailure!.headers['dlq-source-topic'], topics.userEvents);
    assert.match(jsonFailure!.headers['dlq-reason']!, /value: not JSON/);
    assert.equal(jsonFailure!.value?.toString(), 'not json at all');
  });

  it('retries a position store that fails (logged, never an unhandled rejection) and resumes at the stored offset', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const own = new Ledger({
      kafka,
      topics: topicsWithPrefix(`test-${randomUUID().slice(0, 8)}`),
      logger: pino({ level: 'warn' }, sink),
    });
    await own.ensureTopics(1);
    const publisher = await own.publisher();
    await publisher.publish(Array.from({ length: 6 }, (_, n) => passwordMigrated(2000 + n)));
    await publisher.close();

    let asked = 0;
    const handled: string[] = [];
    await new Promise<void>((resolve, reject) => {
      own
        .consume({
          groupId: `test-${randomUUID()}`,
          topics: [own.topics.userEvents],
          // The store fails once (PostgreSQL down during a rebalance), then says offsets 0-3 are applied.
          startOffsets: async () => {
            asked++;
            if (asked === 1) throw new Error('position store unavailable');
            return '4';
          },
          handleBatch: async (batch) => {
            handled.push(...batch.events.map(({ record }) => record.offset));
            if (handled.includes('5')) resolve();
          },
        })
        .then((consumer) => afterThisTest.push(() => consumer.stop()), reject);
    });
    assert.deepEqual(handled, ['4', '5'], 'nothing below the stored offset is handled');
    assert.ok(asked >= 2, 'the store is asked again after it failed');
    const warning = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.err);
    assert.equal(warning?.msg, 'start offset not read; the batch will be retried');
    assert.equal(warning?.topic, own.topics.userEvents);
    assert.equal(warning?.partition, 0);
    assert.equal(warning?.err, 'position store unavailable');
  });

  it('a consumer kafkajs stops for good rejects `failed`, naming its group and the failure', async () => {
    const own = new Ledger({
      kafka,
      topics: topicsWithPrefix(`test-${randomUUID().slice(0, 8)}`),
      logger: pino({ level: 'silent' }),
    });
    await own.ensureTopics(1);
    const publisher = await own.publisher();
    await publisher.publish([passwordMigrated(3000)]);
    await publisher.close();
    const groupId = `test-${randomUUID()}`;
    const consumer = await own.consume({
      groupId,
      topics: [own.topics.userEvents],
      // A programming error: kafkajs does not retry a TypeError, it stops the consumer.
      handleBatch: async () => {
        throw new TypeError('handler bug');
      },
    });
    afterThisTest.push(() => consumer.stop());
    await assert.rejects(
      consumer.failed,
      (error: unknown) =>
        error instanceof LedgerConsumerFailedError &&
        error.groupId === groupId &&
        error.message === `the ledger consumer of group ${groupId} stopped: TypeError: handler bug`,
    );
  });

  it('scanEvents hands over the valid events of the asked types and names each invalid record in one warning', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const own = new Ledger({
      kafka,
      topics: topicsWithPrefix(`test-${randomUUID().slice(0, 8)}`),
      logger: pino({ level: 'warn' }, sink),
    });
    await own.ensureTopics(1);
    const good = passwordMigrated(4000);
    const publisher = await own.publisher();
    await publisher.publish([good]);
    await publisher.close();
    const raw = new Kafka({ brokers: [...kafka.brokers], clientId: 'test-raw' }).producer();
    await raw.connect();
    const personal = 'jane.doe@example.org';
    await raw.send({
      topic: own.topics.userEvents,
      messages: [
        { key: good.subject, value: `not json ${personal}`, headers: { ce_type: 'PasswordMigrated' } },
        { key: good.subject, value: 'ignored: another type', headers: { ce_type: 'UserExported' } },
      ],
    });
    await raw.disconnect();

    const events: LedgerEvent[] = [];
    await own.scanEvents([own.topics.userEvents], new Set(['PasswordMigrated']), (event) => void events.push(event));
    assert.deepEqual(events, [good]);
    assert.equal(lines.length, 1, lines.join('\n'));
    const warning = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(
      {
        msg: warning.msg,
        topic: warning.topic,
        partition: warning.partition,
        offset: warning.offset,
        path: warning.path,
      },
      {
        msg: 'skipped an invalid ledger record',
        topic: own.topics.userEvents,
        partition: 0,
        offset: '1',
        path: 'value',
      },
    );
    assert.ok(!lines[0]!.includes(personal), 'the value is not logged');
  });

  it('a scan whose onRecord fails ends with that failure, without handing a record over twice', async () => {
    const own = new Ledger({
      kafka,
      topics: topicsWithPrefix(`test-${randomUUID().slice(0, 8)}`),
      logger: pino({ level: 'silent' }),
    });
    await own.ensureTopics(1);
    const publisher = await own.publisher();
    await publisher.publish(Array.from({ length: 3 }, (_, n) => passwordMigrated(5000 + n)));
    await publisher.close();
    const seen: string[] = [];
    const failure = new Error('reader bug');
    await assert.rejects(
      own.scan([own.topics.userEvents], (record) => {
        seen.push(record.offset);
        if (record.offset === '1') throw failure;
      }),
      (error: unknown) => error === failure,
    );
    assert.deepEqual(seen, ['0', '1']);
  }, 60_000);

  it('names the topics that do not exist under a prefix, instead of calling Kafka unreachable', async () => {
    const prefix = `never-written-${randomUUID().slice(0, 8)}`;
    const empty = new Ledger({ kafka, topics: topicsWithPrefix(prefix) });
    await assert.rejects(
      empty.lag('test-group', [empty.topics.userEvents, empty.topics.controlEvents]),
      (error: unknown) =>
        error instanceof LedgerTopicsMissingError &&
        error.message.startsWith(`the ledger topics ${prefix}.user-events, ${prefix}.control-events do not exist on `),
    );
  });

  it('names the brokers when Kafka is unreachable', async () => {
    const nowhere = new Ledger({
      kafka: { brokers: ['127.0.0.1:1'], clientId: 'test', topicPrefix: 'nowhere' },
      connectionTimeoutMs: 500,
    });
    await assert.rejects(
      nowhere.probe(),
      (error: unknown) =>
        error instanceof LedgerUnavailableError && /127\.0\.0\.1:1 \(KAFKA_BROKERS\)/.test(error.message),
    );
  });
});
