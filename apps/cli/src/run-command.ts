import { ConfigError } from '#config';

/**
 * Turns a command's outcome into an exit code at the edge: typed errors become one clear line on
 * stderr and a non-zero exit, never a stack trace for an operator to decode.
 */
export const runCommand = {
  fail(error: unknown): never {
    const message = error instanceof Error ? error.message : String(error);
    const tag = error instanceof ConfigError ? 'configuration error' : 'error';
    process.stderr.write(`ledger: ${tag}: ${message}\n`);
    if (process.env.LEDGER_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
};
