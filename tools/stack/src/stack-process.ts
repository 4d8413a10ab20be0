import { execFile, spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Env } from '#config';
import { StackError } from './stack-error.js';

const execFileAsync = promisify(execFile);

export interface StackProcessSpec {
  /** Names the pid and log files, and every error. */
  readonly name: string;
  /** Folder (created when missing) that holds `<name>.pid` and `<name>.log`. */
  readonly dir: string;
  /**
   * Text found in this process's command line and no other's (a config file path, a script path).
   * A pid file left behind by a reboot may name a pid that now belongs to an unrelated program; that
   * program must never be signalled, so a pid only counts when its command line carries this text.
   */
  readonly commandLineMarker: string;
  /** How long a TERM may take before KILL; Kafka's controlled shutdown needs several seconds. */
  readonly stopGraceMs: number;
  /**
   * The signal that asks the process to stop (SIGTERM unless set). PostgreSQL needs SIGINT: its
   * SIGTERM is a "smart" shutdown that waits for every client to disconnect.
   */
  readonly stopSignal?: NodeJS.Signals;
}

export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** The child's whole environment. */
  readonly env: Env;
  /** Run as this user and group (PostgreSQL refuses to run as root). */
  readonly uid?: number;
  readonly gid?: number;
}

const pollMs = 250;

/**
 * A server of the local stack run as a detached process (its own session, so it outlives the
 * command that started it), remembered by a pid file, with its output in a log file.
 */
export class StackProcess {
  readonly pidFile: string;
  readonly logFile: string;

  constructor(readonly spec: StackProcessSpec) {
    this.pidFile = join(spec.dir, `${spec.name}.pid`);
    this.logFile = join(spec.dir, `${spec.name}.log`);
  }

  /** The pid of the running process, or undefined; a stale pid file is removed. */
  /** The running process's command line (to tell the settings it was started with); undefined when it is not running. */
  async runningCommandLine(): Promise<string | undefined> {
    const pid = await this.runningPid();
    return pid === undefined ? undefined : liveCommandLine(pid);
  }

  async runningPid(): Promise<number | undefined> {
    const recorded = Number.parseInt(await readFile(this.pidFile, 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(recorded) || recorded <= 0) return undefined;
    if (await isOurProcess(recorded, this.spec.commandLineMarker)) return recorded;
    await rm(this.pidFile, { force: true });
    return undefined;
  }

  /** Starts the process detached, its stdout and stderr going to the log file (emptied first); returns its pid. */
  async start(launch: Launch): Promise<number> {
    await mkdir(this.spec.dir, { recursive: true });
    const log = await open(this.logFile, 'w');
    try {
      const child = spawn(launch.command, launch.args, {
        cwd: launch.cwd ?? this.spec.dir,
        env: { ...launch.env },
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        ...(launch.uid === undefined ? {} : { uid: launch.uid }),
        ...(launch.gid === undefined ? {} : { gid: launch.gid }),
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      child.unref();
      const pid = child.pid!;
      await writeFile(this.pidFile, `${pid}\n`);
      return pid;
    } catch (error) {
      throw new StackError(this.spec.name, `could not run ${launch.command}: ${messageOf(error)}`, { cause: error });
    } finally {
      await log.close();
    }
  }

  /**
   * Polls `ready` until it answers true. Fails early when the process exits, and stops the process
   * when it is not ready in time, so that a failed start leaves nothing running.
   */
  async waitUntilReady(pid: number, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await ready()) return;
      if (!groupAlive(pid)) {
        await rm(this.pidFile, { force: true });
        throw new StackError(
          this.spec.name,
          `exited while starting: ${await this.lastLogLine()} (log: ${this.logFile})`,
        );
      }
      if (Date.now() >= deadline) {
        await this.stop();
        throw new StackError(
          this.spec.name,
          `not ready after ${timeoutMs / 1000} s, stopped it (log: ${this.logFile})`,
        );
      }
      await sleep(pollMs);
    }
  }

  /** TERM to the process group, KILL after the grace period; resolves once every process of the group is gone. */
  async stop(): Promise<boolean> {
    const pid = await this.runningPid();
    if (pid === undefined) return false;
    signalGroup(pid, this.spec.stopSignal ?? 'SIGTERM');
    if (!(await groupExited(pid, this.spec.stopGraceMs))) {
      signalGroup(pid, 'SIGKILL');
      if (!(await groupExited(pid, 5000))) {
        throw new StackError(this.spec.name, `process ${pid} is still running after SIGKILL`);
      }
    }
    await rm(this.pidFile, { force: true });
    return true;
  }

  /**
   * SIGKILL to the process group, as a crash would end it (the fault suite's kill -9); resolves
   * once every process of the group is gone, so that an `up` right after it starts it again rather
   * than find it still dying. The pid file stays, as after a crash.
   */
  async kill(): Promise<boolean> {
    const pid = await this.runningPid();
    if (pid === undefined) return false;
    signalGroup(pid, 'SIGKILL');
    if (!(await groupExited(pid, 10_000))) {
      throw new StackError(this.spec.name, `process ${pid} is still running 10 s after SIGKILL`);
    }
    return true;
  }

  /** The most telling line of the log: the last error if any, else the last line. */
  async lastLogLine(): Promise<string> {
    const lines = (await readFile(this.logFile, 'utf8').catch(() => ''))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    const telling = lines.findLast((line) => /\b(ERROR|FATAL)\b|Exception|Error:/.test(line)) ?? lines.at(-1);
    return telling === undefined ? 'no output' : telling.slice(0, 400);
  }
}

async function isOurProcess(pid: number, marker: string): Promise<boolean> {
  return (await liveCommandLine(pid))?.includes(marker) ?? false;
}

/** The command line of a live (not zombie) process; undefined when there is none. */
async function liveCommandLine(pid: number): Promise<string | undefined> {
  if (!alive(pid)) return undefined;
  try {
    // -ww: never truncate the command line; works with procps (Linux) and BSD ps (macOS).
    const { stdout } = await execFileAsync('ps', ['-ww', '-o', 'stat=,args=', '-p', String(pid)]);
    const [stat = '', ...args] = stdout.trim().split(/\s+/);
    return stat.startsWith('Z') ? undefined : args.join(' ');
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: the pid belongs to another user, so it is not a process this stack started.
    return false;
  }
}

/** A detached child leads its own process group; children it forked (kc.sh's java) are in it too. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return alive(pid);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

async function groupExited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
