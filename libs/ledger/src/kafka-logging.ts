import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

/**
 * Routes kafkajs's own log lines through the project's logger. kafkajs reports the retriable
 * "coordinator is loading" answers of a freshly started broker at ERROR; they are demoted to
 * debug so that a normal start does not look like a failure.
 */
export function kafkaLogCreator(logger: Logger): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      const retriable =
        (extra as { retriable?: boolean }).retriable === true ||
        /coordinator.*loading|not the correct coordinator|rebalanc/i.test(String(extra.error ?? message));
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
