import { parseArgs } from 'node:util';
import { faultCases, faultTable, FaultSuite, runCase, type FaultOutcome } from './fault-cases.js';
import { localStack } from '#stack';

/**
 * `npm run faults [-- --runs N --seed S --users U]`: every fault case N times (seeds S, S+1, …) on
 * the local stack, then the table and, on the last line, one JSON object. Exits 1 when any case
 * lost or duplicated a fact or left projections unequal to a clean replay.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    users: { type: 'string', default: '3000' },
  },
});
const env = { ...process.env, LEDGER_PROFILE: 'local' };
await localStack(env).up((line) => process.stderr.write(`[stack] ${line}\n`));
const suite = new FaultSuite(env, Number(values.users));
await suite.seedPool();
const rows: FaultOutcome[] = [];
for (const fault of faultCases) {
  process.stderr.write(`${fault.name}: ${values.runs} runs\n`);
  rows.push(await runCase(suite, fault, Number(values.runs), Number(values.seed)));
}
process.stdout.write(`${faultTable(rows)}\n`);
process.stdout.write(
  `${JSON.stringify({ bench: 'faults', users: suite.users, seed: Number(values.seed), cases: rows })}\n`,
);
if (rows.some((row) => row.factsLost > 0 || row.factsDuplicated > 0 || !row.digestEqual)) process.exitCode = 1;
