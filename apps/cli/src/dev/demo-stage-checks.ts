/**
 * The figures each stage of `ledger demo` reports, as far as a later stage can contradict them.
 * Cumulative figures (the projection's) are used where a warm re-run legitimately adds nothing new.
 */
export interface DemoFigures {
  readonly seeded: number;
  readonly exported: { readonly users: number; readonly published: number; readonly rejected: number };
  /** Facts the projection applied after the export, and what the projection then holds. */
  readonly projected?: {
    readonly facts: number;
    readonly users: number;
    /** Users exported but neither imported nor refused by the target (status `exported`). */
    readonly neitherImportedNorFailed: number;
  };
  readonly wave?: { readonly logins: number; readonly signedIn: number; readonly requiredAction: number };
  readonly watched?: { readonly totpEnrolled: number; readonly mfaReenrolledRecorded: number };
  /** Users changed in Cognito during the parallel run, the changes the rescan captured, and those the import settled (applied or rejected by phase). */
  readonly parallelRun?: { readonly changed: number; readonly captured: number; readonly settled: number };
  readonly completion?: { readonly users: number; readonly migrated: number; readonly disagreements: number };
  /** Event ids the namespace's ledger holds with more than one content, and where. */
  readonly identity?: { readonly conflicts: readonly { readonly id: string; readonly places: readonly string[] }[] };
  /** `ledger verify` over the sealed ledger: the first finding, if any (docs/audit.md). */
  readonly verified?: { readonly checkpoints: number; readonly firstFinding?: string };
  /** The auditor's bundle checked by its own verifier, and its projection digest beside the live projections'. */
  readonly audited?: {
    readonly firstFinding?: string;
    readonly projectionDigest: string | null;
    readonly liveDigest: string;
    readonly notAtBundleEnd: readonly string[];
  };
}

export interface StageContradiction {
  /** The stage whose figures contradict an earlier one, as the demo numbers and names it. */
  readonly stage: string;
  readonly problem: string;
}

/**
 * Pure: where a stage's figures contradict the stages before it. Each check is one a defect
 * produced while every stage still exited 0: facts exported but none projected (stored offsets
 * past the topic's end), users left unimported without a recorded failure, a login wave in which
 * nobody signed in (a stale projection read by the bridge), TOTP set up without the watcher
 * recording it, a ledger that disagrees with the target, and an event id recorded with two contents.
 */
export function demoStageContradictions(figures: DemoFigures): StageContradiction[] {
  const found: StageContradiction[] = [];
  const { seeded, exported, projected, wave, watched, completion, identity, verified, audited, parallelRun } = figures;
  if (exported.users + exported.rejected !== seeded)
    found.push({
      stage: '3. export',
      problem: `${seeded} users seeded, but the export listed ${exported.users} and rejected ${exported.rejected}`,
    });
  if (projected) {
    if (exported.published > 0 && projected.facts === 0)
      found.push({
        stage: '5. projection',
        problem: `the export added ${exported.published} facts, but the projection applied none`,
      });
    if (projected.users < exported.users)
      found.push({
        stage: '5. projection',
        problem: `${exported.users} users exported, but the projection holds ${projected.users}`,
      });
    if (projected.neitherImportedNorFailed > 0)
      found.push({
        stage: '4. import',
        problem: `${projected.neitherImportedNorFailed} exported users were neither imported nor recorded as failed`,
      });
  }
  if (wave && wave.logins > 0 && wave.signedIn + wave.requiredAction === 0)
    found.push({ stage: '6. login wave', problem: `${wave.logins} users tried to sign in and none did` });
  if (watched && watched.mfaReenrolledRecorded < watched.totpEnrolled)
    found.push({
      stage: '7. watcher',
      problem: `${watched.totpEnrolled} users set up TOTP, but the watcher recorded ${watched.mfaReenrolledRecorded} MfaReenrolled`,
    });
  if (parallelRun && (parallelRun.captured < parallelRun.changed || parallelRun.settled < parallelRun.changed))
    found.push({
      stage: '6b. parallel run',
      problem: `${parallelRun.changed} users changed in Cognito, ${parallelRun.captured} captured, ${parallelRun.settled} reached Keycloak (or were rejected by phase)`,
    });
  if (completion) {
    if (projected && completion.users < projected.users)
      found.push({
        stage: '9. completion',
        problem: `the projection held ${projected.users} users, now ${completion.users}`,
      });
    if (wave && completion.migrated < wave.signedIn)
      found.push({
        stage: '9. completion',
        problem: `${wave.signedIn} users signed in with their Cognito password, but only ${completion.migrated} count as migrated`,
      });
    if (completion.disagreements > 0)
      found.push({
        stage: '9. completion',
        problem: `the ledger disagrees with the target on ${completion.disagreements} points`,
      });
  }
  if (identity && identity.conflicts.length > 0) {
    const [first] = identity.conflicts;
    found.push({
      stage: '9. completion',
      problem:
        `${identity.conflicts.length} event ids carry two contents in the ledger, ` +
        `e.g. ${first!.id} at ${first!.places.join(' and ')}`,
    });
  }
  if (verified?.firstFinding !== undefined)
    found.push({ stage: '10. seal and verify', problem: `ledger verify failed: ${verified.firstFinding}` });
  if (verified && verified.firstFinding === undefined && verified.checkpoints === 0)
    found.push({ stage: '10. seal and verify', problem: 'the sealer published no checkpoint of the ledger' });
  if (audited?.firstFinding !== undefined)
    found.push({ stage: "11. auditor's bundle", problem: `the bundle's verifier failed: ${audited.firstFinding}` });
  else if (audited && audited.notAtBundleEnd.length > 0)
    found.push({
      stage: "11. auditor's bundle",
      problem: `the live projections are not at the bundle's end in ${audited.notAtBundleEnd.join(', ')}`,
    });
  else if (audited && audited.projectionDigest !== audited.liveDigest)
    found.push({
      stage: "11. auditor's bundle",
      problem: `the bundle's projection digest ${audited.projectionDigest} is not the live projections' ${audited.liveDigest}`,
    });
  return found;
}
