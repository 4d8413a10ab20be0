import { pino, type Logger } from 'pino';
import type { LogConfig } from '#config';

/** A logger on stderr at LOG_LEVEL when it is set; otherwise each module keeps its own default. */
export function commandLogger(log: LogConfig): { logger?: Logger } {
  return log.level ? { logger: pino({ level: log.level }, process.stderr) } : {};
}
