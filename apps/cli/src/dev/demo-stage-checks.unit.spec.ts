import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { demoStageContradictions, type DemoFigures } from './demo-stage-checks.js';

const clean: DemoFigures = {
  seeded: 2000,
  exported: { users: 2000, published: 2000, rejected: 0 },
  projected: { facts: 6100, users: 2000, neitherImportedNorFailed: 0 },
  wave: { logins: 180, signedIn: 120, requiredAction: 50 },
  watched: { totpEnrolled: 5, mfaReenrolledRecorded: 5 },
  parallelRun: { changed: 3, captured: 3, settled: 3 },
  completion: { users: 2000, migrated: 340, disagreements: 0 },
  identity: { conflicts: [] },
  verified: { checkpoints: 13 },
  audited: { projectionDigest: 'sha256:aa', liveDigest: 'sha256:aa', notAtBundleEnd: [] },
};

const stagesOf = (figures: DemoFigures) => demoStageContradictions(figures).map((c) => c.stage);

describe('demoStageContradictions', () => {
  it('given consistent figures of a fresh run, then nothing contradicts', () => {
    assert.deepEqual(demoStageContradictions(clean), []);
  });

  it('given a warm re-run that adds no fact, when nothing new is projected, then nothing contradicts', () => {
    const warm = {
      ...clean,
      exported: { ...clean.exported, published: 0 },
      projected: { ...clean.projected!, facts: 0 },
    };
    assert.deepEqual(demoStageContradictions(warm), []);
  });

  it('given facts exported, when the projection applies none (offsets past the end), then the projection stage fails', () => {
    const stale = { ...clean, projected: { facts: 0, users: 2000, neitherImportedNorFailed: 0 } };
    assert.deepEqual(stagesOf(stale), ['5. projection']);
  });

  it('given 2000 users exported, when the projection holds fewer, then the projection stage fails', () => {
    assert.deepEqual(stagesOf({ ...clean, projected: { ...clean.projected!, users: 322 } }), ['5. projection']);
  });

  it('given exported users, when some are neither imported nor failed, then the import stage fails', () => {
    assert.deepEqual(stagesOf({ ...clean, projected: { ...clean.projected!, neitherImportedNorFailed: 7 } }), [
      '4. import',
    ]);
  });

  it('given a login wave, when nobody signs in, then the login wave stage fails', () => {
    const wave = { logins: 180, signedIn: 0, requiredAction: 0 };
    assert.deepEqual(stagesOf({ ...clean, wave, completion: { ...clean.completion!, migrated: 340 } }), [
      '6. login wave',
    ]);
  });

  it('given users who set up TOTP, when the watcher records fewer re-enrolments, then the watcher stage fails', () => {
    assert.deepEqual(stagesOf({ ...clean, watched: { totpEnrolled: 5, mfaReenrolledRecorded: 3 } }), ['7. watcher']);
  });

  it('given users signed in, when fewer count as migrated, then the completion stage fails', () => {
    assert.deepEqual(stagesOf({ ...clean, completion: { ...clean.completion!, migrated: 100 } }), ['9. completion']);
  });

  it('given a clean run, when the ledger disagrees with the target, then the completion stage fails', () => {
    assert.deepEqual(stagesOf({ ...clean, completion: { ...clean.completion!, disagreements: 1 } }), ['9. completion']);
  });

  it('given a clean run, when one event id carries two contents, then the completion stage fails naming it', () => {
    const conflict = { id: 'id-1', places: ['demo.user-events/3@10', 'demo.user-events/3@42'] };
    const found = demoStageContradictions({ ...clean, identity: { conflicts: [conflict] } });
    assert.deepEqual(
      found.map((c) => c.stage),
      ['9. completion'],
    );
    assert.match(found[0]!.problem, /id-1 at demo\.user-events\/3@10 and demo\.user-events\/3@42/);
  });

  it('given a seeded pool, when the export lists fewer users than seeded, then the export stage fails', () => {
    assert.deepEqual(stagesOf({ ...clean, exported: { ...clean.exported, users: 1990 } }), ['3. export']);
  });

  it('given a sealed ledger, when ledger verify finds a bad record or no checkpoint, then the seal stage contradicts', () => {
    const bad = {
      ...clean,
      verified: { checkpoints: 13, firstFinding: 'demo.user-events/3 offset 7: invalid-record: …' },
    };
    assert.deepEqual(stagesOf(bad), ['10. seal and verify']);
    assert.deepEqual(stagesOf({ ...clean, verified: { checkpoints: 0 } }), ['10. seal and verify']);
  });

  it("given the auditor's bundle, when its verifier fails or its projection digest is not the live projections', then its stage fails", () => {
    const audited = clean.audited!;
    const stage = ["11. auditor's bundle"];
    assert.deepEqual(
      stagesOf({ ...clean, audited: { ...audited, firstFinding: 'records/user-events-3.ndjson …' } }),
      stage,
    );
    assert.deepEqual(stagesOf({ ...clean, audited: { ...audited, liveDigest: 'sha256:bb' } }), stage);
    assert.deepEqual(stagesOf({ ...clean, audited: { ...audited, projectionDigest: null } }), stage);
    const behind = demoStageContradictions({
      ...clean,
      audited: { ...audited, liveDigest: 'sha256:bb', notAtBundleEnd: ['demo.user-events/2'] },
    });
    assert.match(behind[0]!.problem, /not at the bundle's end in demo\.user-events\/2/);
  });

  it('given users changed in Cognito, when fewer reach Keycloak (or are rejected by phase), then the parallel-run stage fails', () => {
    assert.deepEqual(stagesOf({ ...clean, parallelRun: { changed: 3, captured: 3, settled: 2 } }), [
      '6b. parallel run',
    ]);
    assert.deepEqual(stagesOf({ ...clean, parallelRun: { changed: 3, captured: 1, settled: 3 } }), [
      '6b. parallel run',
    ]);
  });
});
