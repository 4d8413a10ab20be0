import { setTimeout as sleep } from 'node:timers/promises';
import pMap from 'p-map';
import type { GrantResult } from '#bridge';
import { KeycloakServer } from '#stack';
import { seededRandom, type FaultCase } from './fault-cases.js';
import { JitSignInBurst, logLines, openPasswordDisagreements, passwordMigratedBySub } from './jit-sign-in-burst.js';

/**
 * Keycloak SIGKILLed (a crash: its dev-file or PostgreSQL store keeps only what it committed) in
 * the middle of a burst of first sign-ins through the JIT provider (`JitSignInBurst`), once a
 * seeded number of `PasswordMigrated` facts is in the ledger, and started again while the burst
 * goes on. A sign-in Keycloak does not answer (connection refused, or an error while it dies or
 * starts) is tried again after a pause, as a person would, until the user has tokens.
 *
 * What must hold:
 * - the bridge stays up through the outage and records the stores of the sign-ins after it;
 * - every fact the bridge logged as recorded is in the ledger;
 * - after the burst and the watcher's pass, the ledger and Keycloak agree: a user with a password
 *   and without `PasswordMigrated` is a store whose confirmation died with Keycloak, which the pass
 *   must record; a user with the fact and without a password must have an open password
 *   disagreement from that pass. The bridge records only a password the admin API shows, but
 *   Keycloak's dev-file store (H2) keeps a commit in memory for up to its write delay (500 ms by
 *   default, http://h2database.com/html/commands.html#set_write_delay) and a crash loses it, so
 *   a fact may be recorded of a store that the crash then undoes: the ledger must then say so;
 * - at their next sign-in (a second burst) every user whose password Keycloak lost migrates again;
 *   the fact is not recorded a second time (one `PasswordMigrated` per user, target and path: a
 *   second copy would carry the new credential's time under the same id); after a second pass no
 *   disagreement is open, each user has exactly one `PasswordMigrated`, and with the bridge
 *   stopped every user signs in with their Cognito password;
 * - the suite's checks: each fact once by id, every exported user's `UserExported`, the
 *   projection equal to a clean replay.
 *
 * Keycloak is the stack's own server (as in "restart Keycloak during import"): the case needs one it
 * started, and leaves it running for the cases after it.
 */
export const keycloakRestartedDuringBurst: FaultCase = {
  name: 'restart Keycloak during a JIT sign-in burst',
  async run(suite, seed) {
    const caseStarted = performance.now();
    const random = seededRandom(seed);
    const keycloak = new KeycloakServer(suite.env);
    const scene = await JitSignInBurst.open(suite, 'kcburst', random);
    const { ns, users, failures } = scene;
    try {
      const bridge = await scene.startBridge();
      // While Keycloak is gone the token endpoint does not answer (status 0 here) or, as it dies or
      // starts, answers a server error; the bridge may also be cut off mid-check (unavailable).
      const outage = (answer: GrantResult) =>
        answer.kind === 'unavailable' || (answer.kind === 'other' && (answer.status === 0 || answer.status >= 500));
      const burst = scene.start(outage);

      await scene.untilFaultPoint();
      if (!(await keycloak.kill()))
        throw new Error('Keycloak was not started by this stack: it cannot be restarted here');
      const killedAt = performance.now();
      const killedAtEpoch = Date.now();
      const signedInAtKill = scene.signedIn();
      const recordedAtKill = (await ns.userTopicEnd()) - scene.baseline;

      // Down until a sign-in has met the dead Keycloak, and a seeded while more.
      await scene.untilNextAnswer();
      await sleep(500 + random() * 1500);
      await keycloak.up(() => undefined);
      const restartedAt = performance.now();
      const restartedAtEpoch = Date.now();
      await burst;
      const refused = users.flatMap((u) => u.answers).filter((kind) => kind !== 'tokens').length;

      if (bridge.child.exitCode !== null || bridge.child.signalCode !== null)
        failures.push(`the bridge ended while Keycloak was down (${bridge.child.exitCode ?? bridge.child.signalCode})`);
      await scene.untilConfirmed(bridge, 'the bridge', restartedAtEpoch);
      await scene.checkReportedRecorded([bridge.stdout()]);
      const beforeWatch = await passwordMigratedBySub(ns);
      const recordedAfterRestart = logLines(bridge.stdout(), 'password store confirmation').filter(
        (line) => line.outcome === 'recorded' && Number(line.time) >= restartedAtEpoch,
      ).length;

      // The watcher's pass: the reconciliation that records the stores whose confirmation died with
      // Keycloak, and a password disagreement for each recorded password Keycloak no longer holds.
      await ns.run(['watch']);

      // Never record what the target does not hold: each user the ledger says migrated holds a
      // password, or the ledger says it no longer does (an open password disagreement).
      const claims = await passwordMigratedBySub(ns);
      const open = await openPasswordDisagreements(ns);
      const claimed = users.filter((u) => claims.has(scene.subs.get(u.username) ?? ''));
      const held = await pMap(claimed, (u) => scene.holdsPassword(u.username), { concurrency: 4 });
      const notHeld = claimed.filter((_, n) => !held[n]);
      const unclaimed = notHeld.filter((u) => !open.has(scene.subs.get(u.username)!));
      if (unclaimed.length > 0)
        failures.push(
          `${unclaimed.length} users have a PasswordMigrated fact but no password in Keycloak, and no disagreement says so (${unclaimed
            .slice(0, 5)
            .map((u) => u.username)
            .join(', ')})`,
        );
      // Evidence for the report: how long before the kill the bridge recorded what Keycloak then lost.
      const recordedAt = new Map(
        logLines(bridge.stdout(), 'password store confirmation')
          .filter((line) => line.outcome === 'recorded')
          .map((line) => [String(line.sub), Number(line.time)]),
      );
      const lostAfterRecorded = notHeld.map(
        (u) => killedAtEpoch - (recordedAt.get(scene.subs.get(u.username)!) ?? NaN),
      );
      // And the other way round: a password Keycloak holds without a fact is a confirmation the watcher's pass missed.
      const unrecorded = users.filter((u) => !claims.has(scene.subs.get(u.username) ?? ''));
      const heldUnrecorded = (
        await pMap(unrecorded, (u) => scene.holdsPassword(u.username), { concurrency: 4 })
      ).filter(Boolean).length;
      if (heldUnrecorded > 0)
        failures.push(`${heldUnrecorded} passwords Keycloak holds have no PasswordMigrated after the watcher's pass`);

      // Their next sign-in: whoever Keycloak lost the password of is migrated again, through the
      // bridge. It finds the fact it would record in the projection (`project --follow` in a real
      // run; here one pass) and leaves the disagreement to the watcher's next pass to resolve.
      await ns.run(['project']);
      const secondWave = Date.now();
      await scene.start(outage);
      await scene.untilConfirmed(bridge, 'the bridge', secondWave);
      await ns.run(['watch']);
      const recover = (performance.now() - killedAt) / 1000;

      bridge.child.kill('SIGTERM');
      const bridgeEnded = await bridge.done;
      if (bridgeEnded.code !== 0) failures.push(`the bridge exited ${bridgeEnded.code} on SIGTERM`);
      await ns.run(['project']);

      const { lost, duplicated, migrated } = await scene.finalChecks('with the bridge stopped');
      process.stderr.write(
        `  seed ${seed}: killed at ${recordedAtKill} facts (${signedInAtKill} users signed in), down ${((restartedAt - killedAt) / 1000).toFixed(1)} s, ` +
          `${refused} sign-ins failed and were retried; ${recordedAfterRestart} facts recorded by the bridge after the restart; ` +
          `PasswordMigrated for ${beforeWatch.size} users from the bridge, ${claims.size - beforeWatch.size} from the watcher's pass; ` +
          `Keycloak lost ${notHeld.length} recorded passwords (recorded ${lostAfterRecorded.map((ms) => `${ms} ms`).join(', ') || '-'} before the kill) ` +
          `and ${unrecorded.length - heldUnrecorded} unrecorded ones, migrated again at the next sign-in (${migrated.size} users migrated at the end); ` +
          `case ${((performance.now() - caseStarted) / 1000).toFixed(0)} s\n`,
      );
      const outcome = await ns.outcome(this.name, recover, { lost, duplicated });
      return { ...outcome, failures: [...outcome.failures, ...failures] };
    } finally {
      await scene.close();
    }
  },
};
