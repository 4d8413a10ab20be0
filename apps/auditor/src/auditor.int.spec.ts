import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { pino } from 'pino';
import { NoteSignerKey, parseNote, signNote } from '#audit';
import { parseManifest, type SubjectProof } from '#audit-bundle';
import { kafkaConfig } from '#config';
import { createEvent, type LedgerEvent } from '#events';
import { encodeEvent, Ledger, topicsWithPrefix } from '#ledger';
import { Sealer, verifyLedger } from '#sealer';
import { exportAuditBundle } from './export-audit-bundle.js';
import { proveSubject } from './prove-subject.js';

const run = promisify(execFile);
const node24 = resolve('node_modules/.bin/node');
const verifierSource = resolve('dist/audit-verifier/verify-bundle.mjs');
const kafka = kafkaConfig(process.env);
const logger = pino({ level: 'silent' });
const origin = 'audit.test/ledger';
const key = NoteSignerKey.generate('audit.test');
const context = { source: '/test/auditor', correlationId: 'run', time: new Date('2026-01-01T00:00:00Z') };
const sub = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function passwordMigrated(n: number, realm = 'r'): LedgerEvent {
  return createEvent('PasswordMigrated', { sub: sub(n), target: { kind: 'keycloak', realm }, via: 'jit' }, context);
}

/** The bundle's verifier run as an auditor runs it: Node alone, from a directory holding only the bundle. */
async function standalone(dir: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  return run(node24, [join(dir, 'verify-bundle.mjs'), ...args], { cwd: dir, env: {} }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
}

describe("auditor's bundle and proofs from a sealed ledger on a real broker", () => {
  let ledger: Ledger;
  let prefix: string;
  let scratch: string;
  let bundle: string;
  /** The user-events partition with the most records, and its file. */
  let partition: number;
  let file: string;

  beforeAll(async () => {
    prefix = `audit-${randomUUID().slice(0, 8)}`;
    ledger = new Ledger({ kafka, logger, topics: topicsWithPrefix(prefix) });
    await ledger.ensureTopics(2);
    const publisher = await ledger.publisher();
    // Several facts per user, so that one user has facts both sealed and not.
    await publisher.publish(Array.from({ length: 24 }, (_, n) => passwordMigrated(n % 6, `r${Math.floor(n / 6)}`)));
    await publisher.close();
    const sealed = await new Sealer(ledger, key, { origin, everyRecords: 4, intervalMs: 100 }, logger).run({
      follow: false,
    });
    assert.ok(sealed.published >= 6);
    const later = await ledger.publisher();
    await later.publish([passwordMigrated(0, 'late'), passwordMigrated(1, 'late'), passwordMigrated(2, 'late')]);
    await later.close();
    scratch = await mkdtemp(join(tmpdir(), 'auditor-int-'));
    bundle = join(scratch, 'bundle');
    await exportAuditBundle(ledger, bundle, { origin, key: key.verifier, verifierSource });
    const manifest = parseManifest(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    const largest = manifest.partitions
      .filter((p) => p.role === 'user-events')
      .sort((a, b) => b.records - a.records)[0]!;
    partition = largest.partition;
    file = largest.file;
    assert.ok(largest.records >= 8, `partition ${partition} holds ${largest.records} records`);
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  let copies = 0;
  /** A copy of the bundle alone in a new temporary directory (no node_modules anywhere above it but /tmp). */
  async function copy(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), `auditor-copy-${++copies}-`));
    await cp(bundle, dir, { recursive: true });
    return dir;
  }

  async function editLines(dir: string, edit: (lines: Record<string, unknown>[]) => Record<string, unknown>[]) {
    const path = join(dir, file);
    const lines = (await readFile(path, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    await writeFile(
      path,
      edit(lines)
        .map((l) => `${JSON.stringify(l)}\n`)
        .join(''),
    );
  }

  it('verifies with Node alone: every record and checkpoint, the unsealed records and the ledger digest', async () => {
    const dir = await copy();
    assert.deepEqual([...(await readdir(dir))].sort(), [
      'checkpoints.ndjson',
      'manifest.json',
      'records',
      'verifier-key.txt',
      'verify-bundle.mjs',
    ]);
    const manifest = parseManifest(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const { code, stdout } = await standalone(dir, dir, '--key', key.verifier.toString());
    assert.equal(code, 0, stdout);
    assert.match(stdout, /VERIFIED/);
    assert.match(stdout, /unsealed records 3\b/);
    assert.ok(stdout.includes(`Ledger digest ${manifest.ledgerDigest}`), stdout);
    assert.equal(
      manifest.partitions.reduce((sum, p) => sum + p.records, 0),
      27,
    );
  });

  it('prints the same ledger digest from `ledger verify`, `ledger audit export` and the bundle verifier', async () => {
    const manifest = parseManifest(await readFile(join(bundle, 'manifest.json'), 'utf8'));
    const { stdout: offline } = await standalone(bundle, bundle, '--key', key.verifier.toString(), '--json');
    assert.equal((JSON.parse(offline) as { ledgerDigest: string }).ledgerDigest, manifest.ledgerDigest);
    const report = await verifyLedger(ledger, key.verifier, { origin });
    assert.ok(report.ok, JSON.stringify(report.findings));
    assert.equal(report.ledgerDigest, manifest.ledgerDigest);
    // The command itself, as an auditor runs it against the broker.
    const { stdout } = await run(node24, [resolve('dist/apps/cli/src/main.js'), 'verify'], {
      env: {
        ...process.env,
        KAFKA_TOPIC_PREFIX: prefix,
        LEDGER_SEAL_VERIFIER_KEY: key.verifier.toString(),
        LEDGER_SEAL_ORIGIN: origin,
      },
    });
    assert.ok(stdout.includes(`ledger digest ${manifest.ledgerDigest}`), stdout);
  });

  it('prints the projection digest `ledger replay` prints for the same ledger, folded without PostgreSQL', async () => {
    const { code, stdout: offline } = await standalone(bundle, bundle, '--key', key.verifier.toString());
    assert.equal(code, 0, offline);
    const folded = /^Projection digest (sha256:[0-9a-f]{64}) /m.exec(offline)?.[1];
    assert.ok(folded, offline);
    const { stdout: replayed } = await run(node24, [resolve('dist/apps/cli/src/main.js'), 'replay'], {
      env: {
        ...process.env,
        KAFKA_TOPIC_PREFIX: prefix,
        PROJECTION_SCHEMA: `audit_${prefix.slice(-8)}`,
        LOG_LEVEL: 'error',
      },
    });
    assert.ok(replayed.includes(`Replay digest ${folded}`), `${replayed}\n${offline}`);
    // Table by table: the lines are printed alike.
    const tables = (text: string) =>
      text.split('\n').filter((line) => /^ {2}[a-z_]+ +\d+ rows {2}[0-9a-f]{64}$/.test(line));
    assert.equal(tables(offline).length, 11, offline);
    assert.deepEqual(tables(offline), tables(replayed));
  });

  const expectFailure = async (dir: string, expected: RegExp) => {
    const { code, stdout } = await standalone(dir, dir);
    assert.equal(code, 1, stdout);
    const first = stdout
      .split('\n')
      .find((line) => line.startsWith('  ') && line.includes(': ') && !/records\s+sealed/.test(line));
    assert.match(first ?? '', expected, stdout);
    // A failed bundle's projection digest is of what could be read: never presented as the ledger's.
    assert.doesNotMatch(stdout, /as `ledger replay` prints it/);
  };

  it('names the offset and the reason of each tampering', async () => {
    const at = 2;
    const place = (offset: number | string, reason: string) =>
      new RegExp(`^  ${file} user-events/${partition} offset ${offset}: ${reason}:`);
    const valueDir = await copy();
    await editLines(valueDir, (lines) =>
      lines.map((l, i) => {
        if (i !== at) return l;
        const value = Buffer.from(l.value as string, 'base64');
        value[value.indexOf('"via":"jit"') + 7] = 'J'.charCodeAt(0);
        return { ...l, value: value.toString('base64') };
      }),
    );
    await expectFailure(valueDir, place(at, 'invalid-record'));

    const headerDir = await copy();
    await editLines(headerDir, (lines) =>
      lines.map((l, i) =>
        i !== at
          ? l
          : {
              ...l,
              headers: (l.headers as [string, string][]).map(([n, v]) => {
                if (n !== 'ce_id') return [n, v];
                const id = Buffer.from(v, 'base64').toString();
                return [n, Buffer.from((id[0] === 'a' ? 'b' : 'a') + id.slice(1)).toString('base64')];
              }),
            },
      ),
    );
    await expectFailure(headerDir, place(at, 'invalid-record'));

    const removedDir = await copy();
    await editLines(removedDir, (lines) => lines.filter((_, i) => i !== at));
    await expectFailure(removedDir, place(at + 1, 'offset-gap'));

    const swappedDir = await copy();
    await editLines(swappedDir, (lines) => {
      const out = [...lines];
      [out[at], out[at + 1]] = [out[at + 1]!, out[at]!];
      return out;
    });
    await expectFailure(swappedDir, place(at + 1, 'offset-gap'));

    // A valid event (content hash, id) that nobody recorded, offsets renumbered to hide it: the root breaks.
    const insertedDir = await copy();
    const forged = passwordMigrated(999);
    const encoded = encodeEvent(forged);
    const line = {
      offset: '0',
      key: Buffer.from(encoded.key).toString('base64'),
      headers: Object.entries(encoded.headers).map(([n, v]) => [n, Buffer.from(v).toString('base64')]),
      value: Buffer.from(encoded.value).toString('base64'),
    };
    await editLines(insertedDir, (lines) =>
      [...lines.slice(0, at), line, ...lines.slice(at)].map((l, i) => ({ ...l, offset: String(i) })),
    );
    await expectFailure(insertedDir, new RegExp(`^  ${file} user-events/${partition} offset \\d+: root-mismatch:`));

    const otherKeyDir = await copy();
    const other = NoteSignerKey.generate('audit.test');
    const checkpoints = (await readFile(join(otherKeyDir, 'checkpoints.ndjson'), 'utf8')).trimEnd().split('\n');
    const resigned = checkpoints.map((l, i) => {
      if (i !== 1) return l;
      const c = JSON.parse(l) as { offset: string; origin: string; note: string };
      return JSON.stringify({ ...c, note: signNote(parseNote(c.note).text, other) });
    });
    await writeFile(join(otherKeyDir, 'checkpoints.ndjson'), `${resigned.join('\n')}\n`);
    await expectFailure(otherKeyDir, /^ {2}checkpoints\.ndjson checkpoints offset 1: bad-checkpoint:/);

    const truncatedDir = await copy();
    const path = join(truncatedDir, file);
    await truncate(path, (await readFile(path)).length - 30);
    await expectFailure(truncatedDir, new RegExp(`^  ${file} user-events/${partition}: file-truncated:`));
  });

  it("proves one user's facts: sealed ones with inclusion proofs, the late one unsealed; a tampered proof fails", async () => {
    const proof = await proveSubject(ledger, sub(0), { origin, key: key.verifier });
    assert.equal(proof.facts.length, 5);
    assert.equal(proof.unsealedFacts, 1);
    assert.ok(proof.facts.every((f) => (f.sealed ? f.inclusionProof !== undefined : f.inclusionProof === undefined)));
    const dir = await copy();
    const good = join(dir, 'proof.json');
    await writeFile(good, JSON.stringify(proof, null, 2));
    const ok = await standalone(dir, 'verify-proof', good, '--key', key.verifier.toString());
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /VERIFIED: 5 facts, 4 proven included under a signed checkpoint, 1 unsealed/);

    const sealedAt = proof.facts.findIndex((f) => f.sealed);
    const tampered: SubjectProof = {
      ...proof,
      facts: proof.facts.map((f, i) => (i === sealedAt ? { ...f, offset: String(Number(f.offset) + 1) } : f)),
    };
    const bad = join(dir, 'tampered.json');
    await writeFile(bad, JSON.stringify(tampered));
    const failed = await standalone(dir, 'verify-proof', bad);
    assert.equal(failed.code, 1, failed.stdout);
    assert.match(failed.stdout, new RegExp(`FAILED: fact ${sealedAt} .*does not lead`));
  });
});
