import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';

// kafkajs is CommonJS and spreads its error classes into its exports, which Node's ESM named
// imports cannot see: they are read from the default export.
const { KafkaJSConnectionError, KafkaJSProtocolError, KafkaJSRequestTimeoutError, KafkaJSTimeout } = kafkajs;

/** One row of kafkajs's table of Kafka protocol errors (kafkajs/src/protocol/error.js). */
interface ProtocolErrorCode {
  readonly type: string;
  readonly code: number;
  readonly retriable: boolean;
  readonly message: string;
}

/**
 * kafkajs logs a broker's error answer by its message only (`Response JoinGroup(…)` with
 * `error: <message>`), never with the error's `type`. Its own table turns the message back into
 * the type. The table is not part of kafkajs's typed API, hence the narrow cast.
 */
const protocolErrors: ReadonlyMap<string, ProtocolErrorCode> = new Map(
  (
    createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as { errorCodes: readonly ProtocolErrorCode[] }
  ).errorCodes.map((row) => [row.message, row]),
);

/** Protocol answers that say the broker did not answer in time or dropped the connection. */
const unreachableTypes: ReadonlySet<string> = new Set(['REQUEST_TIMED_OUT', 'NETWORK_EXCEPTION']);

/** Socket errors kafkajs may pass on unwrapped (it usually wraps them in a KafkaJSConnectionError). */
const unreachableCodes: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Answers of a group coordinator that is still settling: the broker loads `__consumer_offsets`
 * after a start, a coordinator moved, members are rebalancing. kafkajs retries or re-joins on
 * each, so they are part of a normal start, not failures.
 */
const settlingGroupTypes: ReadonlySet<string> = new Set([
  'GROUP_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'REBALANCE_IN_PROGRESS',
]);

/**
 * Whether a kafkajs failure means the broker could not be reached or did not answer: a
 * connection error, a request or lock timeout, no broker left, or a timed-out/network protocol
 * answer — anywhere in the chain of causes kafkajs wraps them in (e.g. KafkaJSNumberOfRetriesExceeded).
 */
export function isBrokerUnreachable(error: unknown): boolean {
  for (const failure of causes(error)) {
    if (
      failure instanceof KafkaJSConnectionError ||
      failure instanceof KafkaJSRequestTimeoutError ||
      failure instanceof KafkaJSTimeout ||
      // Thrown by kafkajs's fetch manager but missing from its type declarations.
      failure.name === 'KafkaJSNoBrokerAvailableError'
    ) {
      return true;
    }
    if (failure instanceof KafkaJSProtocolError && unreachableTypes.has(failure.type)) return true;
    const code = (failure as { code?: unknown }).code;
    if (typeof code === 'string' && unreachableCodes.has(code)) return true;
  }
  return false;
}

/** The protocol error type (e.g. `REBALANCE_IN_PROGRESS`) whose message kafkajs logged, if it is one. */
export function protocolErrorTypeOf(message: string): string | undefined {
  return protocolErrors.get(message)?.type;
}

/** Whether a logged protocol error message is a group coordinator still settling (see `settlingGroupTypes`). */
export function isSettlingGroupAnswer(message: string): boolean {
  const type = protocolErrorTypeOf(message);
  return type !== undefined && settlingGroupTypes.has(type);
}

function* causes(error: unknown): Generator<Error> {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    yield current;
  }
}
