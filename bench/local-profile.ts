/**
 * Benchmarks run on the local stack. Imported first by each benchmark, this puts the process and
 * the children it starts under the local profile (LEDGER_PROFILE=local) before any setting is read.
 */
process.env.LEDGER_PROFILE = 'local';
