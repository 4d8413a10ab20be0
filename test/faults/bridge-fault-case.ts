import { setTimeout as sleep } from 'node:timers/promises';
import pMap from 'p-map';
import { seededRandom, type FaultCase } from './fault-cases.js';
import { JitSignInBurst, logLines, passwordMigratedBySub, recordedSubs } from './jit-sign-in-burst.js';

/**
 * kill -9 of `ledger bridge` in the middle of a burst of first sign-ins through Keycloak (the JIT
 * provider, password grant; `JitSignInBurst`), once a seeded number of `PasswordMigrated` facts is
 * in the ledger, then the same command started again on the same port while the burst goes on. A
 * user whose sign-in was answered "temporarily unavailable" tries again after a pause, as a person
 * would, until signed in.
 *
 * What must hold:
 * - a sign-in while the bridge is down fails cleanly: `temporarily_unavailable`, never "invalid
 *   credentials"; and a user whose every sign-in failed holds no password in Keycloak;
 * - each user ends with exactly one `PasswordMigrated`: a user whose password Keycloak stored
 *   while the bridge died (its store confirmation went to a dead process) is recorded by the
 *   watcher's reconciliation pass, the product's path for a lost confirmation (docs/bridge.md),
 *   and gets no second fact from a later sign-in (Keycloak no longer asks the bridge about them);
 * - every fact the bridge logged as recorded before its death is in the ledger;
 * - with the bridge stopped, every user signs in with their Cognito password (Keycloak holds it);
 * - the suite's checks: each fact once by id, every exported user's `UserExported`, the
 *   projection equal to a clean replay.
 */
export const bridgeKilled: FaultCase = {
  name: 'kill -9 bridge during a JIT sign-in burst',
  async run(suite, seed) {
    const caseStarted = performance.now();
    const random = seededRandom(seed);
    const scene = await JitSignInBurst.open(suite, 'bridge', random);
    const { ns, users, failures } = scene;
    try {
      const first = await scene.startBridge();
      const burst = scene.start((answer) => answer.kind === 'unavailable');

      await scene.untilFaultPoint();
      first.child.kill('SIGKILL');
      const firstEnded = await first.done;
      const killedAt = performance.now();
      const signedInAtKill = scene.signedIn();
      const recordedAtKill = (await ns.userTopicEnd()) - scene.baseline;

      // Down until a sign-in has met the dead bridge, and a seeded while more.
      await scene.untilNextAnswer();
      await sleep(500 + random() * 1500);
      // With the bridge down nothing can be stored: whoever is neither signed in nor in the middle of a
      // sign-in now has only had "temporarily unavailable" answers, and must hold no password.
      const waiting = users.filter((u) => u.signedInSentAt === undefined && !u.inFlight);
      const storedWhileDown = (await pMap(waiting, (u) => scene.holdsPassword(u.username), { concurrency: 4 })).filter(
        Boolean,
      ).length;
      if (storedWhileDown > 0)
        failures.push(`${storedWhileDown} users whose sign-ins all failed hold a password in Keycloak`);

      const second = await scene.startBridge();
      const restartedAt = performance.now();
      await burst;
      const unavailable = users.flatMap((u) => u.answers).filter((kind) => kind === 'unavailable').length;

      await scene.untilConfirmed(second, 'the restarted bridge');
      // Every fact a bridge said it recorded is in the ledger before anything else records facts.
      await scene.checkReportedRecorded([firstEnded.stdout, second.stdout()]);
      const beforeWatch = await passwordMigratedBySub(ns);

      // The watcher's pass: the reconciliation that records the stores whose confirmation the kill lost.
      await ns.run(['watch']);
      const recover = (performance.now() - killedAt) / 1000;
      second.child.kill('SIGTERM');
      const secondEnded = await second.done;
      if (secondEnded.code !== 0) failures.push(`the restarted bridge exited ${secondEnded.code} on SIGTERM`);
      await ns.run(['project']);

      // With no bridge at all, every user signs in: Keycloak holds each password.
      const { lost, duplicated, migrated } = await scene.finalChecks('with the bridge stopped');
      const recordedByFirst = recordedSubs([firstEnded.stdout]);
      const cutOff = logLines(firstEnded.stdout, 'password verify').filter(
        (line) => line.outcome === 'valid' && !recordedByFirst.has(String(line.sub)),
      ).length;
      process.stderr.write(
        `  seed ${seed}: killed at ${recordedAtKill} facts (${signedInAtKill} users signed in), down ${((restartedAt - killedAt) / 1000).toFixed(1)} s, ` +
          `${unavailable} sign-ins answered unavailable; ${cutOff} passwords the killed bridge accepted without recording; ` +
          `PasswordMigrated for ${beforeWatch.size} users from the bridges, ${migrated.size - beforeWatch.size} from the watcher's pass; ` +
          `case ${((performance.now() - caseStarted) / 1000).toFixed(0)} s\n`,
      );
      const outcome = await ns.outcome(this.name, recover, { lost, duplicated });
      return { ...outcome, failures: [...outcome.failures, ...failures] };
    } finally {
      await scene.close();
    }
  },
};
