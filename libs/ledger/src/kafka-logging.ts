import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';
import { isSettlingGroupAnswer } from './kafka-failure.js';

/**
 * Routes kafkajs's own log lines through the project's logger. kafkajs reports the answers of a
 * group coordinator that is still settling (loading after a broker start, moved, rebalancing) at
 * ERROR, though it retries or re-joins on each; they are demoted to debug so that a normal start
 * does not look like a failure. They are told apart by their protocol error type.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      const retriable =
        (extra as { retriable?: boolean }).retriable === true || isSettlingGroupAnswer(String(extra.error ?? message));
      const fields = { kafka: extra.namespace ?? log.logger, ...pickScalars(extra) };
      if (level === logLevel.ERROR && !retriable) logger.error(fields, message);
      else if (level === logLevel.ERROR || level === logLevel.WARN) logger.debug(fields, message);
      else logger.trace(fields, message);
    };
}

function pickScalars(extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  }
  return out;
}
