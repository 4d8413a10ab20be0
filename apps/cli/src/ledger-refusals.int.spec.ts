import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, it } from '@jest/globals';
import { kafkaConfig } from '#config';
import { Ledger, topicsWithPrefix } from '#ledger';
import { freeLoopbackPort, projectRoot } from '#stack';

/**
 * Seconds a refusal may take beyond the CLI's own start (loading every module took 2 s on an idle
 * machine and 12 s on a loaded one, so the start is measured, not assumed).
 */
const maxSecondsAfterStart = 10;
let startSeconds = 0;

async function ledgerCli(args: readonly string[], env: Record<string, string>) {
  const started = performance.now();
  const child = spawn(process.execPath, ['dist/apps/cli/src/main.js', ...args], {
    cwd: projectRoot,
    env: { ...process.env, LEDGER_DEBUG: '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(killer);
  return { status, stdout, stderr: stderr.trim(), seconds: (performance.now() - started) / 1000 };
}

function assertOneLine(result: Awaited<ReturnType<typeof ledgerCli>>, line: RegExp): void {
  assert.equal(result.status, 1, `exit code; stderr:\n${result.stderr}\nstdout:\n${result.stdout}`);
  assert.equal(result.stderr.split('\n').length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.match(result.stderr, line);
  assert.doesNotMatch(result.stdout, /Projected|Completion|migrated/, 'no figures of another ledger');
  const limit = startSeconds + maxSecondsAfterStart;
  assert.ok(result.seconds < limit, `refused in ${result.seconds.toFixed(1)} s, over ${limit.toFixed(1)} s`);
}

/** Commands that read (or write to) a ledger an export made; `import`, `watch` and `reconcile` log in to Keycloak first. */
const readers: readonly (readonly string[])[] = [
  ['project'],
  ['replay', '--compare'],
  ['status'],
  ['import'],
  ['watch'],
  ['reconcile'],
  ['seal'],
  ['verify'],
  ['audit', 'export', join(tmpdir(), `never-written-${randomUUID().slice(0, 8)}`)],
  ['prove', '00000000-0000-4000-8000-000000000000'],
];

describe('commands other than export refuse a missing ledger in seconds, with one line, creating nothing', () => {
  beforeAll(async () => {
    const help = await ledgerCli(['--help'], {});
    assert.equal(help.status, 0, help.stderr);
    startSeconds = help.seconds;
  });

  const prefix = `never-exported-${randomUUID().slice(0, 8)}`;
  const topics = topicsWithPrefix(prefix);

  for (const args of readers) {
    it(`${args.join(' ')} under a KAFKA_TOPIC_PREFIX nothing was exported to`, async () => {
      const result = await ledgerCli(args, { KAFKA_TOPIC_PREFIX: prefix });
      assertOneLine(
        result,
        new RegExp(
          `^ledger: error: the ledger topics ${prefix}\\.user-events, ${prefix}\\.control-events do not exist on \\S+: nothing was exported under this KAFKA_TOPIC_PREFIX yet, or the prefix is wrong$`,
        ),
      );
    });
  }

  it('no topic of that prefix was created', async () => {
    const ledger = new Ledger({ kafka: kafkaConfig(process.env), topics });
    for (const topic of [topics.userEvents, topics.controlEvents, topics.deadLetter, topics.checkpoints]) {
      assert.equal(await ledger.hasTopics([topic]), false, `${topic} exists`);
    }
  });

  for (const args of [...readers, ['replay']]) {
    it(`${args.join(' ')} with the broker stopped (KAFKA_BROKERS on a port nothing listens on)`, async () => {
      const port = await freeLoopbackPort();
      const result = await ledgerCli(args, { KAFKA_BROKERS: `127.0.0.1:${port}` });
      assertOneLine(
        result,
        new RegExp(`^ledger: error: Kafka is not reachable at 127\\.0\\.0\\.1:${port} \\(KAFKA_BROKERS\\)`),
      );
      assert.doesNotMatch(result.stderr, /"level"|stack| {4}at /, 'no JSON log line, no stack trace');
    });
  }
});

/** Commands that read or write PostgreSQL (the projection, the reconciler's journal, the watcher's cursor). */
const databaseUsers: readonly (readonly string[])[] = [
  ['project'],
  ['replay'],
  ['replay', '--compare'],
  ['status'],
  ['watch'],
  ['reconcile'],
  ['phase', 'advance', '--reason', 'refusal spec'],
];

describe('commands on a ledger refuse a PostgreSQL that does not answer in seconds, with one line naming it', () => {
  const prefix = `no-database-${randomUUID().slice(0, 8)}`;
  const topics = topicsWithPrefix(prefix);

  beforeAll(async () => {
    const help = await ledgerCli(['--help'], {});
    assert.equal(help.status, 0, help.stderr);
    startSeconds = help.seconds;
    // A ledger that exists, so that the commands get as far as the database.
    await new Ledger({ kafka: kafkaConfig(process.env), topics }).ensureTopics(1);
  });

  for (const args of databaseUsers) {
    it(`${args.join(' ')} with DATABASE_URL on a port nothing listens on`, async () => {
      const port = await freeLoopbackPort();
      const result = await ledgerCli(args, {
        KAFKA_TOPIC_PREFIX: prefix,
        DATABASE_URL: `postgres://migrator:not-a-real-secret@127.0.0.1:${port}/ledger`,
      });
      assertOneLine(
        result,
        new RegExp(
          `^ledger: error: PostgreSQL at 127\\.0\\.0\\.1:${port}/ledger \\(DATABASE_URL\\) is unavailable during .*: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}$`,
        ),
      );
      assert.doesNotMatch(result.stderr, /not-a-real-secret|migrator/, 'the credentials are not shown');
      assert.doesNotMatch(result.stderr, /Nest|ExceptionHandler| {4}at /, 'no framework log, no stack trace');
    });
  }
});
