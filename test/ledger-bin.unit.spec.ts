import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, it } from '@jest/globals';

const execFileAsync = promisify(execFile);

/**
 * `npm link` puts bin/ledger on the PATH through two symlinks (the global bin → the global
 * package → this checkout). The command must run on the pinned Node 24 whatever `node` the PATH
 * has: an old one that must never be started, or none at all.
 */
const bin = resolve('bin', 'ledger');
let scratch: string;

/** A global prefix as npm link lays it out: prefix/bin/ledger → ../lib/node_modules/pkg/bin/ledger, pkg → checkout. */
async function linkedLedger(): Promise<string> {
  const lib = join(scratch, 'prefix', 'lib', 'node_modules');
  const globalBin = join(scratch, 'prefix', 'bin');
  await mkdir(lib, { recursive: true });
  await mkdir(globalBin, { recursive: true });
  await symlink(resolve('.'), join(lib, 'cognito-migration-ledger'));
  const ledger = join(globalBin, 'ledger');
  await symlink('../lib/node_modules/cognito-migration-ledger/bin/ledger', ledger);
  return ledger;
}

describe('bin/ledger: the linked command runs on the pinned Node', () => {
  let ledger: string;
  let oldNodeDir: string;
  let oldNodeMarker: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ledger-bin-'));
    ledger = await linkedLedger();
    // An "old Node" first on the PATH: it leaves a mark and fails, so using it cannot go unnoticed.
    oldNodeDir = join(scratch, 'old-node');
    oldNodeMarker = join(scratch, 'old-node-was-run');
    await mkdir(oldNodeDir);
    await writeFile(
      join(oldNodeDir, 'node'),
      `#!/bin/sh\necho v20.0.0 > '${oldNodeMarker}'\necho 'old node started' >&2\nexit 97\n`,
    );
    await chmod(join(oldNodeDir, 'node'), 0o755);
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('the package.json bin is the wrapper, not main.js with its `env node` shebang', async () => {
    const pkg = JSON.parse(await readFile(resolve('package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(pkg.bin.ledger, 'bin/ledger');
    assert.ok(existsSync(bin));
  });

  it('with an old node first on the PATH, it runs on the pinned Node and never starts the old one', async () => {
    const { stdout } = await execFileAsync(ledger, ['--help'], {
      env: { PATH: `${oldNodeDir}:/usr/bin:/bin`, HOME: scratch },
    });
    assert.match(stdout, /Usage: ledger/);
    assert.ok(!existsSync(oldNodeMarker), 'the old node on the PATH was started');
  });

  it('with no node on the PATH at all, it still runs', async () => {
    // Only what a POSIX shell script needs: readlink (the shell itself is found by the shebang's absolute path).
    const tools = join(scratch, 'tools');
    await mkdir(tools);
    const readlink = ['/usr/bin/readlink', '/bin/readlink'].find((path) => existsSync(path))!;
    await symlink(readlink, join(tools, 'readlink'));
    const { stdout } = await execFileAsync(ledger, ['--help'], { env: { PATH: tools, HOME: scratch } });
    assert.match(stdout, /Usage: ledger/);
  });

  it('the pinned Node is Node 24, as package.json engines require', async () => {
    const { stdout } = await execFileAsync(resolve('node_modules', 'node', 'bin', 'node'), ['--version']);
    assert.match(stdout.trim(), /^v24\./);
  });
});
