import { section } from '../section.js';
import { logLevel, type LogLevel } from '../setting-rules.js';

export interface LogConfig {
  /** Unset: each process keeps its own default (the bridge `info`, the reconciler `warn`, …). */
  readonly level: LogLevel | undefined;
}

export const logSection = section({ LOG_LEVEL: logLevel.optional() }, (v): LogConfig => ({ level: v.LOG_LEVEL }));
