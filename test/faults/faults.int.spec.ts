import assert from 'node:assert/strict';
import { beforeAll, describe, it } from '@jest/globals';
import { faultTable, shortFaultCases, FaultSuite, runCase, type FaultCase, type FaultOutcome } from './fault-cases.js';
import { projectionDiskFull } from './restart-fault-cases.js';

/**
 * The short fault suite (`npm test`): one run with a fixed seed of the cheaper cases
 * (`shortFaultCases`: the two-projector case adds about 40 s; and, as root, the disk-full case);
 * `npm run faults` runs every case, more often, and prints the same table. Every case must end with nothing lost, nothing written
 * twice, and projections equal to a clean replay.
 */
const suite = new FaultSuite(process.env, 1500);
const rows: FaultOutcome[] = [];

describe('fault suite (short)', () => {
  beforeAll(async () => {
    await suite.seedPool();
  });

  // The disk-full case mounts a tmpfs for its database: root only.
  const cases: readonly FaultCase[] = [...shortFaultCases, ...(process.getuid?.() === 0 ? [projectionDiskFull] : [])];
  for (const fault of cases) {
    it(`${fault.name}: nothing lost, nothing duplicated, projections equal a clean replay`, async () => {
      const row = await runCase(suite, fault, 1, 1);
      rows.push(row);
      console.log(faultTable(rows));
      assert.equal(row.factsLost, 0);
      assert.equal(row.factsDuplicated, 0);
      assert.equal(row.digestEqual, true);
      assert.deepEqual(row.failures, []);
    });
  }
});
