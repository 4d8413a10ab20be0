import { parseArgs } from 'node:util';
import { faultCases, faultTable, FaultSuite, runCase, type FaultOutcome } from './fault-cases.js';
import { restartFaultCases, stopRestartFaultServers } from './restart-fault-cases.js';
import { bridgeKilled } from './bridge-fault-case.js';
import { keycloakRestartedDuringBurst } from './keycloak-burst-fault-case.js';
import { localStack } from '#stack';

/**
 * `npm run faults [-- --runs N --seed S --users U --case NAME]`: every fault case (or those whose
 * name contains NAME) N times (seeds S, S+1, …) on the local stack, then the table and, on the last line, one JSON object. Exits 1 when any case
 * lost or duplicated a fact, left projections unequal to a clean replay, or found something else
 * wrong (listed under the table).
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    users: { type: 'string', default: '3000' },
    case: { type: 'string' },
  },
});
const env = { ...process.env, LEDGER_PROFILE: 'local' };
await localStack(env).up((line) => process.stderr.write(`[stack] ${line}\n`));
const suite = new FaultSuite(env, Number(values.users));
await suite.seedPool();
const rows: FaultOutcome[] = [];
const selected = [...faultCases, bridgeKilled, ...restartFaultCases, keycloakRestartedDuringBurst].filter(
  (fault) => values.case === undefined || fault.name.includes(values.case),
);
if (selected.length === 0) throw new Error(`no fault case named like --case ${values.case}`);
if (process.getuid?.() !== 0)
  process.stderr.write('disk full under project: left out (it mounts a tmpfs: root only)\n');
try {
  for (const fault of selected) {
    process.stderr.write(`${fault.name}: ${values.runs} runs\n`);
    rows.push(await runCase(suite, fault, Number(values.runs), Number(values.seed)));
  }
} finally {
  await stopRestartFaultServers();
}
process.stdout.write(`${faultTable(rows)}\n`);
process.stdout.write(
  `${JSON.stringify({ bench: 'faults', users: suite.users, seed: Number(values.seed), cases: rows })}\n`,
);
if (rows.some((row) => row.factsLost > 0 || row.factsDuplicated > 0 || !row.digestEqual || row.failures.length > 0)) {
  process.exitCode = 1;
}
