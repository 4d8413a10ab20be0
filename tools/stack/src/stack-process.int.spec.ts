import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { StackError, StackProcess } from './index.js';

const marker = 'stack-process-test-marker';
/** A node process that stays until signalled; `ignoreTerm` makes it shrug off SIGTERM. */
function sleeper(ignoreTerm = false) {
  const script = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); // ${marker}`;
  return { command: process.execPath, args: ['-e', script], env: {} };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('StackProcess', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stack-process-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts a detached process with a pid file, finds it again, and stops it with TERM', async () => {
    const process1 = new StackProcess({ name: 'sleeper', dir, commandLineMarker: marker, stopGraceMs: 5000 });
    const pid = await process1.start(sleeper());
    assert.equal(await new StackProcess(process1.spec).runningPid(), pid, 'another instance finds it by its pid file');
    assert.equal(await process1.stop(), true);
    assert.equal(alive(pid), false);
    assert.equal(await exists(process1.pidFile), false);
    assert.equal(await process1.stop(), false, 'stopping again is a no-op');
  });

  it('kills a process that ignores TERM once the grace period is over', async () => {
    const stubborn = new StackProcess({ name: 'stubborn', dir, commandLineMarker: marker, stopGraceMs: 500 });
    const pid = await stubborn.start(sleeper(true));
    await new Promise((resolve) => setTimeout(resolve, 300)); // let it install its TERM handler
    const started = performance.now();
    await stubborn.stop();
    assert.equal(alive(pid), false);
    assert.ok(performance.now() - started >= 500, 'TERM was given its grace period first');
  });

  it('treats a pid file as stale when its pid is gone or now runs another program, and never signals that program', async () => {
    const stale = new StackProcess({ name: 'stale', dir, commandLineMarker: marker, stopGraceMs: 500 });
    const finished = spawn(process.execPath, ['-e', '0']);
    await once(finished, 'exit');
    await writeFile(stale.pidFile, `${finished.pid}\n`);
    assert.equal(await stale.runningPid(), undefined);
    assert.equal(await exists(stale.pidFile), false, 'the stale pid file is removed');

    // This test process is alive but its command line lacks the marker: a reused pid.
    await writeFile(stale.pidFile, `${process.pid}\n`);
    assert.equal(await stale.stop(), false);
    assert.equal(await exists(stale.pidFile), false);
  });

  it('fails fast with the log line when the process exits while starting', async () => {
    const crashing = new StackProcess({ name: 'crashing', dir, commandLineMarker: marker, stopGraceMs: 500 });
    const pid = await crashing.start({
      command: process.execPath,
      args: ['-e', `console.error('ERROR bad configuration'); process.exit(3); // ${marker}`],
      env: {},
    });
    const started = performance.now();
    await assert.rejects(
      crashing.waitUntilReady(pid, async () => false, 60_000),
      (error: unknown) =>
        error instanceof StackError &&
        /crashing: exited while starting: ERROR bad configuration \(log: .*crashing\.log\)/.test(error.message),
    );
    assert.ok(performance.now() - started < 10_000);
  });

  it('stops a process that is not ready in time', async () => {
    const slow = new StackProcess({ name: 'slow', dir, commandLineMarker: marker, stopGraceMs: 2000 });
    const pid = await slow.start(sleeper());
    await assert.rejects(
      slow.waitUntilReady(pid, async () => false, 300),
      /slow: not ready after 0\.3 s, stopped it/,
    );
    assert.equal(alive(pid), false);
  });

  it('reports a command that cannot be run', async () => {
    const missing = new StackProcess({ name: 'missing', dir, commandLineMarker: marker, stopGraceMs: 500 });
    await assert.rejects(
      missing.start({ command: join(dir, 'no-such-program'), args: [], env: {} }),
      /missing: could not run .*no-such-program: spawn .* ENOENT/,
    );
  });
});
