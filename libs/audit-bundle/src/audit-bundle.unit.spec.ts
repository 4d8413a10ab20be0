import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { NoteSignerKey, signNote, parseNote } from '#audit';
import { createEvent } from '#events';
import {
  buildSubjectProof,
  parseManifest,
  verifyBundle,
  verifySubjectProof,
  type BundleRecord,
  type SubjectProof,
} from '#audit-bundle';
import { syntheticLedger } from '../../../test/support/synthetic-ledger.js';
import {
  checkpointNote,
  proofPartitionOf,
  recordOf,
  sealedLedgerFixture,
  writeFixtureBundle,
  type SealedLedgerFixture,
} from '../../../test/support/sealed-bundle-fixture.js';

const run = promisify(execFile);
const verifierFile = resolve('dist/audit-verifier/verify-bundle.mjs');
const node24 = resolve('node_modules/.bin/node');
const every = 8;

let fixture: SealedLedgerFixture;
let base: string;
let scratch: string;
/** The user-events partition with the most records; tampering happens at `k`, inside the range 8–15. */
let target: SealedLedgerFixture['partitions'][number];
const k = 10;

beforeAll(async () => {
  fixture = sealedLedgerFixture([...syntheticLedger({ users: 30, seed: 3 })].flat(), { partitions: 3, every });
  target = [...fixture.partitions].sort((a, b) => b.records.length - a.records.length)[0]!;
  scratch = await mkdtemp(join(tmpdir(), 'audit-bundle-'));
  base = join(scratch, 'base');
  await writeFixtureBundle(fixture, base, verifierFile);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

let copies = 0;
async function copyOfBundle(): Promise<string> {
  const dir = join(scratch, `copy-${++copies}`);
  await cp(base, dir, { recursive: true });
  return dir;
}

const targetFile = () => `records/${target.role}-${target.partition}.ndjson`;

/** Rewrites the target partition's lines (JSON objects, in the exporter's own field order). */
async function editLines(dir: string, edit: (lines: Record<string, unknown>[]) => Record<string, unknown>[]) {
  const file = join(dir, targetFile());
  const lines = (await readFile(file, 'utf8'))
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  await writeFile(
    file,
    edit(lines)
      .map((l) => `${JSON.stringify(l)}\n`)
      .join(''),
  );
}

const renumbered = (lines: Record<string, unknown>[]) => lines.map((l, i) => ({ ...l, offset: String(i) }));

function changeByte(base64: string, pick: (bytes: Buffer) => number): string {
  const bytes = Buffer.from(base64, 'base64');
  const at = pick(bytes);
  bytes[at] = bytes[at] === 0x61 ? 0x62 : 0x61;
  return bytes.toString('base64');
}

describe("auditor's bundle", () => {
  it('verifies a sealed ledger, reports the unsealed records and the ledger digest', async () => {
    const verdict = await verifyBundle(base);
    assert.deepEqual(verdict.findings, []);
    assert.ok(verdict.ok);
    const total = fixture.partitions.reduce((sum, p) => sum + p.records.length, 0);
    assert.equal(verdict.records, total);
    assert.equal(verdict.checkpoints, fixture.checkpoints.length);
    assert.equal(verdict.checkpointsVerified, fixture.checkpoints.length);
    const unsealed = fixture.partitions.reduce((sum, p) => sum + (p.records.length % every), 0);
    assert.ok(unsealed > 0, 'the fixture leaves records after the last checkpoints');
    assert.equal(verdict.unsealed, unsealed);
    const manifest = parseManifest(await readFile(join(base, 'manifest.json'), 'utf8'));
    assert.equal(verdict.ledgerDigest, manifest.ledgerDigest);
    assert.match(verdict.ledgerDigest!, /^sha256:[0-9a-f]{64}$/);
  });

  it('names the offset of a changed byte in a value', async () => {
    const dir = await copyOfBundle();
    await editLines(dir, (lines) =>
      lines.map((l, i) => (i === k ? { ...l, value: changeByte(l.value as string, (b) => b.indexOf(0x22) + 1) } : l)),
    );
    const [first] = (await verifyBundle(dir)).findings;
    assert.equal(first?.partition, `${target.role}/${target.partition}`);
    assert.equal(first?.file, targetFile());
    assert.equal(first?.offset, String(k));
    assert.equal(first?.reason, 'invalid-record');
  });

  it('names the offset of a changed byte in the event id header, and the sealed range of any other header', async () => {
    const header = (name: string, change: (value: string) => string) => async (dir: string) =>
      editLines(dir, (lines) =>
        lines.map((l, i) => {
          if (i !== k) return l;
          const headers = (l.headers as [string, string][]).map(([n, v]) =>
            n === name ? [n, Buffer.from(change(Buffer.from(v, 'base64').toString())).toString('base64')] : [n, v],
          );
          return { ...l, headers };
        }),
      );
    const idDir = await copyOfBundle();
    await header('ce_id', (id) => (id.startsWith('a') ? 'b' : 'a') + id.slice(1))(idDir);
    const [idFinding] = (await verifyBundle(idDir)).findings;
    assert.deepEqual([idFinding?.offset, idFinding?.reason], [String(k), 'invalid-record']);
    assert.match(idFinding!.detail, /ce_id/);

    // The time is no part of the id or the content hash: only the checkpoint's root shows the change.
    const timeDir = await copyOfBundle();
    await header('ce_time', (time) =>
      time.replace(/:(\d)(\d)\./, (_, a: string, b: string) => `:${a}${(Number(b) + 1) % 10}.`),
    )(timeDir);
    const [timeFinding] = (await verifyBundle(timeDir)).findings;
    assert.deepEqual([timeFinding?.offset, timeFinding?.reason], ['8', 'root-mismatch']);
    assert.match(timeFinding!.detail, /offsets 8–15 /);
  });

  it('names the place of a removed record', async () => {
    const dir = await copyOfBundle();
    await editLines(dir, (lines) => lines.filter((_, i) => i !== k));
    const [first] = (await verifyBundle(dir)).findings;
    // As `ledger verify` names it: the first offset after the gap, the missing one in the detail.
    assert.deepEqual([first?.offset, first?.reason], [String(k + 1), 'offset-gap']);
    assert.match(first!.detail, new RegExp(`offset ${k} is missing`));
    assert.equal((await verifyBundle(dir)).findings.filter((f) => f.reason === 'offset-gap').length, 1);
    const renumberedDir = await copyOfBundle();
    await editLines(renumberedDir, (lines) => renumbered(lines.filter((_, i) => i !== k)));
    const [root] = (await verifyBundle(renumberedDir)).findings;
    assert.deepEqual([root?.offset, root?.reason], ['8', 'root-mismatch']);
  });

  it('names the place of two records swapped', async () => {
    const swap = (lines: Record<string, unknown>[]) => {
      const out = [...lines];
      [out[k], out[k + 1]] = [out[k + 1]!, out[k]!];
      return out;
    };
    const dir = await copyOfBundle();
    await editLines(dir, swap);
    const { findings } = await verifyBundle(dir);
    assert.deepEqual(
      findings.slice(0, 2).map((f) => [f.offset, f.reason]),
      [
        [String(k + 1), 'offset-gap'],
        [String(k), 'offset-order'],
      ],
    );
    const renumberedDir = await copyOfBundle();
    await editLines(renumberedDir, (lines) => renumbered(swap(lines)));
    const [root] = (await verifyBundle(renumberedDir)).findings;
    assert.deepEqual([root?.offset, root?.reason], ['8', 'root-mismatch']);
  });

  it('finds a record inserted with a valid content hash by the sealed range it breaks', async () => {
    const subject = target.records[k]!.key!.toString();
    const inserted: BundleRecord = recordOf(forgedReset(subject, 9), k);
    const line = JSON.parse(
      JSON.stringify({
        offset: inserted.offset,
        key: inserted.key!.toString('base64'),
        headers: inserted.headers.map(([n, v]) => [n, v!.toString('base64')]),
        value: inserted.value!.toString('base64'),
      }),
    ) as Record<string, unknown>;
    const dir = await copyOfBundle();
    await editLines(dir, (lines) => renumbered([...lines.slice(0, k), line, ...lines.slice(k)]));
    const { findings } = await verifyBundle(dir);
    assert.ok(!findings.some((f) => f.reason === 'invalid-record'), 'the forged record is a valid event');
    assert.deepEqual([findings[0]?.offset, findings[0]?.reason], ['8', 'root-mismatch']);
  });

  it('refuses a checkpoint signed with another key, and one of another history', async () => {
    const other = NoteSignerKey.generate('ledger.example.com');
    const lines = fixture.checkpoints.map((c) => ({ ...c }));
    const victim = lines.findIndex((c) => c.origin.endsWith(`/${target.role}/${target.partition}`));
    lines[victim] = { ...lines[victim]!, note: signNote(parseNote(lines[victim]!.note).text, other) };
    const dir = await copyOfBundle();
    await writeFile(join(dir, 'checkpoints.ndjson'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const [first] = (await verifyBundle(dir)).findings;
    assert.deepEqual(
      [first?.partition, first?.offset, first?.reason],
      ['checkpoints', String(victim), 'bad-checkpoint'],
    );
    assert.match(first!.detail, /not signed by|does not verify/);

    // Size 16 signed by the right key over other records: the records give sizes 8 and 24, not it.
    const forged = target.records.map((r, i) => (i === 3 ? recordOf(forgedReset(r.key!.toString(), 7), i) : r));
    const second = fixture.checkpoints.filter((c) => c.origin.endsWith(`/${target.role}/${target.partition}`))[1]!;
    const history = fixture.checkpoints.map((c) =>
      c === second
        ? { ...c, note: checkpointNote(fixture.key, fixture.origin, target.role, target.partition, forged, 16) }
        : c,
    );
    const historyDir = await copyOfBundle();
    await writeFile(join(historyDir, 'checkpoints.ndjson'), history.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const [inconsistent] = (await verifyBundle(historyDir)).findings;
    assert.deepEqual([inconsistent?.offset, inconsistent?.reason], [second.offset, 'inconsistent-checkpoint']);
  });

  it('tells a truncated or incomplete bundle', async () => {
    const dir = await copyOfBundle();
    const file = join(dir, targetFile());
    await truncate(file, (await readFile(file)).length - 40);
    const [first] = (await verifyBundle(dir)).findings;
    assert.deepEqual([first?.file, first?.reason], [targetFile(), 'file-truncated']);
    // Whole lines cut off the end, into the sealed records: still a truncation, named as such.
    const cut = await copyOfBundle();
    await editLines(cut, (lines) => lines.slice(0, 12));
    const findings = (await verifyBundle(cut)).findings;
    assert.deepEqual(
      findings.slice(0, 2).map((f) => [f.file, f.offset, f.reason]),
      [
        [targetFile(), null, 'file-truncated'],
        [targetFile(), '12', 'records-missing'],
      ],
    );
    const incomplete = await copyOfBundle();
    await rm(join(incomplete, 'manifest.json'));
    const [missing] = (await verifyBundle(incomplete)).findings;
    assert.deepEqual([missing?.file, missing?.reason], ['manifest.json', 'bundle-incomplete']);
  });

  it('runs standalone: Node alone, in a directory without our code or node_modules', async () => {
    const text = await readFile(verifierFile, 'utf8');
    const imports = [...text.matchAll(/\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"|\brequire\s*\(\s*"([^"]+)"/g)].map(
      (m) => m[1] ?? m[2] ?? m[3],
    );
    assert.ok(imports.length > 0 && imports.every((name) => name!.startsWith('node:')), imports.join(', '));
    const dir = await copyOfBundle();
    const ok = await run(node24, ['verify-bundle.mjs'], { cwd: dir, env: {} });
    const manifest = parseManifest(await readFile(join(dir, 'manifest.json'), 'utf8'));
    assert.match(ok.stdout, /VERIFIED/);
    assert.ok(ok.stdout.includes(`Ledger digest ${manifest.ledgerDigest}`));
    await editLines(dir, (lines) => lines.filter((_, i) => i !== k));
    const failed = await run(node24, [join(dir, 'verify-bundle.mjs'), dir, '--key', fixture.key.verifier.toString()], {
      cwd: scratch,
      env: {},
    }).then(
      () => assert.fail('a tampered bundle verified'),
      (error: { code: number; stdout: string }) => error,
    );
    assert.equal(failed.code, 1);
    assert.ok(
      failed.stdout.includes(`${targetFile()} ${target.role}/${target.partition} offset ${k + 1}: offset-gap`),
      failed.stdout,
    );
  });
});

/** A valid event nobody recorded: right schema, content hash and id. */
function forgedReset(sub: string, attempt: number) {
  return createEvent(
    'ResetSent',
    { sub, target: { kind: 'keycloak', realm: 'migration' }, attempt, reason: 'long-tail', linkLifetimeSeconds: 3600 },
    { source: '/forged', correlationId: 'forged', time: new Date('2026-02-01T00:00:00Z') },
  );
}

describe("one subject's proof", () => {
  const proofOf = (subject: string): SubjectProof =>
    buildSubjectProof(subject, fixture.origin, fixture.key.verifier, proofPartitionOf(fixture, subject), new Date(0));
  const sealedAndUnsealed = () => {
    const records = target.records;
    const sealedSize = Math.floor(records.length / every) * every;
    const subject = records
      .slice(sealedSize)
      .map((r) => r.key!.toString())
      .find((s) => records.slice(0, sealedSize).some((r) => r.key!.toString() === s));
    return subject ?? records[0]!.key!.toString();
  };

  it('proves every sealed fact included under a signed checkpoint and lists the rest as unsealed', () => {
    const subject = sealedAndUnsealed();
    const proof = proofOf(subject);
    const all = target.records.filter((r) => r.key!.toString() === subject).length;
    assert.equal(proof.facts.length, all);
    assert.ok(proof.facts.some((f) => f.sealed));
    const verdict = verifySubjectProof(JSON.stringify(proof), fixture.key.verifier.toString());
    assert.equal(verdict.problem, null);
    assert.equal(verdict.sealed + verdict.unsealed, all);
    assert.equal(verdict.unsealed, proof.unsealedFacts);
  });

  it('refuses a changed record, proof, offset or checkpoint key', () => {
    const proof = proofOf(sealedAndUnsealed());
    const i = proof.facts.findIndex((f) => f.sealed);
    const fact = proof.facts[i]!;
    const tamper = (changed: Partial<typeof fact>, checkpoints = proof.checkpoints) =>
      verifySubjectProof(
        JSON.stringify({
          ...proof,
          checkpoints,
          facts: proof.facts.map((f, j) => (j === i ? { ...f, ...changed } : f)),
        }),
      );
    const value = changeByte(fact.record.value!, (b) => b.indexOf(0x22) + 1);
    assert.match(
      tamper({ record: { ...fact.record, value } }).problem ?? '',
      new RegExp(`^fact ${i} .*invalid record`),
    );
    const hash = fact.inclusionProof![0]!;
    assert.match(
      tamper({ inclusionProof: [changeByte(hash, () => 0), ...fact.inclusionProof!.slice(1)] }).problem ?? '',
      /does not lead/,
    );
    assert.match(tamper({ offset: String(Number(fact.offset) + 1) }).problem ?? '', /does not lead|invalid/);
    const other = NoteSignerKey.generate('ledger.example.com');
    const resigned = Object.fromEntries(
      Object.entries(proof.checkpoints).map(([o, n]) => [o, signNote(parseNote(n).text, other)]),
    );
    assert.match(tamper({}, resigned).problem ?? '', /not signed by/);
    assert.ok(
      !verifySubjectProof(JSON.stringify(proof), other.verifier.toString()).ok,
      'a pinned key of another signer',
    );
  });

  it('verifies standalone with the bundled verifier', async () => {
    const file = join(scratch, 'proof.json');
    await writeFile(file, JSON.stringify(proofOf(sealedAndUnsealed()), null, 2));
    const ok = await run(node24, [verifierFile, 'verify-proof', file], { cwd: scratch, env: {} });
    assert.match(ok.stdout, /VERIFIED: \d+ facts/);
  });
});
