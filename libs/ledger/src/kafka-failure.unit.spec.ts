import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { describe, it } from '@jest/globals';
import kafkajs, { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { isBrokerUnreachable, isSettlingGroupAnswer, protocolErrorTypeOf } from './kafka-failure.js';
import { kafkaLogCreator } from './kafka-logging.js';

// The errors kafkajs itself throws, built by kafkajs: its classes and its protocol error table.
const {
  KafkaJSConnectionError,
  KafkaJSConnectionClosedError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSRequestTimeoutError,
  KafkaJSLockTimeout,
  KafkaJSNoBrokerAvailableError,
} = kafkajs as unknown as Record<string, new (...args: unknown[]) => Error>;
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (code: number) => Error & { type: string; retriable: boolean };
};

const refused = new KafkaJSConnectionError!('Connection error: connect ECONNREFUSED 127.0.0.1:1', {
  broker: '127.0.0.1:1',
  code: 'ECONNREFUSED',
});

describe('isBrokerUnreachable: by kafkajs error class and protocol error type', () => {
  const unreachable: [string, unknown][] = [
    ['a refused connection', refused],
    [
      'a connection closed by the broker',
      new KafkaJSConnectionClosedError!('Closed connection', { host: 'h', port: 1 }),
    ],
    [
      'retries exhausted on a refused connection',
      new KafkaJSNumberOfRetriesExceeded!(refused, { retryCount: 5, retryTime: 900 }),
    ],
    ['a non-retriable wrapper around one', new KafkaJSNonRetriableError!(refused, { cause: refused })],
    ['a request that timed out', new KafkaJSRequestTimeoutError!('Request Metadata(key: 3, version: 6) timed out', {})],
    ['a lock timeout (requests stuck on a silent broker)', new KafkaJSLockTimeout!('Timeout while acquiring lock')],
    ['no broker left', new KafkaJSNoBrokerAvailableError!()],
    ['the protocol answer REQUEST_TIMED_OUT', createErrorFromCode(7)],
    ['the protocol answer NETWORK_EXCEPTION', createErrorFromCode(13)],
    ['a bare socket error', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
  ];
  for (const [what, error] of unreachable)
    it(`unreachable: ${what}`, () => assert.equal(isBrokerUnreachable(error), true));

  const other: [string, unknown][] = [
    ['UNKNOWN_TOPIC_OR_PARTITION', createErrorFromCode(3)],
    // The old message regex took every "timeout" for an unreachable broker, this configuration error too.
    ['INVALID_SESSION_TIMEOUT, a configuration error', createErrorFromCode(26)],
    ['a bug whose message mentions connect', new TypeError("Cannot read properties of undefined (reading 'connect')")],
    ['a non-error', 'connect ECONNREFUSED'],
  ];
  for (const [what, error] of other)
    it(`not unreachable: ${what}`, () => assert.equal(isBrokerUnreachable(error), false));
});

describe('isSettlingGroupAnswer: the logged message mapped back to its protocol error type', () => {
  it('maps a logged message to its type', () => {
    assert.equal(protocolErrorTypeOf(createErrorFromCode(3).message), 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.equal(protocolErrorTypeOf('Connection timeout'), undefined);
  });

  for (const code of [14, 16, 27]) {
    const error = createErrorFromCode(code);
    it(`settling: ${error.type}`, () => assert.equal(isSettlingGroupAnswer(error.message), true));
  }
  for (const code of [3, 15, 25]) {
    const error = createErrorFromCode(code);
    it(`not settling: ${error.type}`, () => assert.equal(isSettlingGroupAnswer(error.message), false));
  }
});

describe('kafkaLogCreator', () => {
  function route(entries: { level: number; message: string; error?: string; retriable?: boolean }[]): number[] {
    const levels: number[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          levels.push((JSON.parse(line) as { level: number }).level);
        done();
      },
    });
    const log = kafkaLogCreator(pino({ level: 'trace' }, sink))(logLevel.DEBUG);
    for (const { level, ...entry } of entries)
      log({ namespace: 'Connection', level, label: 'ERROR', log: { timestamp: '', logger: 'kafkajs', ...entry } });
    return levels;
  }

  it("demotes a settling group's answers at ERROR to debug, keeps other errors at error", () => {
    const response = 'Response JoinGroup(key: 11, version: 5)';
    assert.deepEqual(
      route([
        { level: logLevel.ERROR, message: response, error: createErrorFromCode(27).message },
        { level: logLevel.ERROR, message: response, error: createErrorFromCode(14).message },
        { level: logLevel.ERROR, message: createErrorFromCode(16).message },
        {
          level: logLevel.ERROR,
          message: 'Response Metadata',
          error: createErrorFromCode(29).message,
          retriable: true,
        },
        {
          level: logLevel.ERROR,
          message: 'Response Metadata(key: 3, version: 6)',
          error: createErrorFromCode(3).message,
        },
        { level: logLevel.ERROR, message: 'Crash: KafkaJSNonRetriableError: handler bug' },
      ]),
      [20, 20, 20, 20, 50, 50],
    );
  });
});
