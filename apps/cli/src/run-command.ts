import { ConfigError } from '#config';

/**
 * Turns a command's outcome into an exit code at the edge: typed errors become clear lines on
 * stderr (one per setting at fault for a configuration error) and a non-zero exit, never a stack
 * trace for an operator to decode unless LEDGER_DEBUG asks for it.
 */
export const runCommand = {
  fail(error: unknown, options: { debug: boolean }): never {
    if (error instanceof ConfigError) {
      for (const { variable, problem } of error.issues) {
        process.stderr.write(`ledger: configuration error: ${variable}: ${problem}\n`);
      }
    } else {
      process.stderr.write(`ledger: error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    if (options.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
};
