import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackConfig, type Env, type StackConfig } from '#config';
import { assertLoopbackPortFree, loopbackPortFree } from './loopback-port.js';
import type { ComponentStatus, StackComponent } from './stack-component.js';
import { scriptMarker } from './script-marker.js';
import { StackProcess } from './stack-process.js';
import { localProfileEnv } from './local-profile-env.js';

const emulatorScript = join(
  dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')),
  'lib',
  'bin',
  'start.js',
);
const shimScript = fileURLToPath(new URL('./cognito-page-shim-main.js', import.meta.url));
const readyTimeoutMs = 30_000;

/**
 * cognito-local pool defaults that make CreateUserPool behave as on AWS: the emulator's default
 * UsernameAttributes is ["email"], and a request without UsernameAttributes (or with []) cannot
 * override it (lodash merge keeps the default), so AdminCreateUser would reject every username
 * that is not an e-mail address. On AWS such a pool is a username pool. Seeded pool files carry
 * their own UsernameAttributes and are not affected.
 */
const emulatorConfig = { UserPoolDefaults: { UsernameAttributes: [] } };

/**
 * The Cognito API on COGNITO_PORT: cognito-local (an emulator, on COGNITO_LOCAL_PORT) behind the
 * page-size shim that gives it AWS's paging. Both processes come up and go down together.
 */
export class CognitoComponent implements StackComponent {
  readonly name = 'cognito';
  /** The folder cognito-local runs in; it keeps its data in `.cognito/` there. */
  readonly dir: string;
  private readonly stack: StackConfig;
  private readonly emulator: StackProcess;
  private readonly shim: StackProcess;

  constructor(private readonly env: Env) {
    this.stack = stackConfig(localProfileEnv(env));
    this.dir = resolve(this.stack.dir, 'cognito');
    this.emulator = new StackProcess({
      name: 'cognito-local',
      dir: this.dir,
      commandLineMarker: scriptMarker(emulatorScript),
      stopGraceMs: 5000,
    });
    this.shim = new StackProcess({
      name: 'cognito-page-shim',
      dir: this.dir,
      commandLineMarker: scriptMarker(shimScript),
      stopGraceMs: 5000,
    });
  }

  /** What COGNITO_ENDPOINT should be for clients of the local stack. */
  get endpoint(): string {
    return `http://127.0.0.1:${this.stack.cognitoPort}`;
  }

  private get emulatorUrl(): string {
    return `http://127.0.0.1:${this.stack.cognitoLocalPort}`;
  }

  async status(): Promise<ComponentStatus> {
    const [shimPid, emulatorPid, healthy] = await Promise.all([
      this.shim.runningPid(),
      this.emulator.runningPid(),
      answersHealth(this.endpoint),
    ]);
    const pids = `page-size shim ${shimPid === undefined ? 'not running' : `pid ${shimPid}`}, cognito-local ${emulatorPid === undefined ? 'not running' : `pid ${emulatorPid}`}`;
    if (healthy) {
      const detail =
        shimPid === undefined ? `${this.endpoint}, not started by this stack` : `${this.endpoint} (${pids})`;
      return { name: this.name, state: 'up', detail };
    }
    if (shimPid !== undefined || emulatorPid !== undefined) return { name: this.name, state: 'down', detail: pids };
    const detail = (await loopbackPortFree(this.stack.cognitoPort))
      ? 'not running'
      : `not running; port ${this.stack.cognitoPort} (COGNITO_PORT) is used by another program`;
    return { name: this.name, state: 'down', detail };
  }

  async up(report: (line: string) => void): Promise<void> {
    if (await answersHealth(this.endpoint)) return;
    await this.startEmulator(report);
    await this.startShim(report);
  }

  async down(): Promise<void> {
    await this.shim.stop();
    await this.emulator.stop();
  }

  /**
   * Replaces cognito-local's data: it reads its pool files only at start and rewrites them from
   * memory afterwards, so it is stopped while `write` changes `<dir>/.cognito`, then started again.
   */
  async reseed(write: (cognitoDir: string) => Promise<void>): Promise<void> {
    await this.emulator.stop();
    await mkdir(this.dir, { recursive: true });
    await write(this.dir);
    await this.up(() => undefined);
  }

  private async startEmulator(report: (line: string) => void): Promise<void> {
    if (await answersHealth(this.emulatorUrl)) return;
    let pid = await this.emulator.runningPid();
    if (pid === undefined) {
      await assertLoopbackPortFree(this.name, this.stack.cognitoLocalPort, 'COGNITO_LOCAL_PORT');
      await this.writeEmulatorConfigOnce();
      report(`starting cognito-local on ${this.emulatorUrl}`);
      pid = await this.emulator.start({
        command: process.execPath,
        args: [emulatorScript],
        cwd: this.dir,
        env: {
          ...this.env,
          HOST: '127.0.0.1',
          PORT: String(this.stack.cognitoLocalPort),
          // cognito-local still loads AWS SDK v2 (for Lambda triggers), which prints an end-of-support notice on start.
          AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
        },
      });
    }
    await this.emulator.waitUntilReady(pid, () => answersHealth(this.emulatorUrl), readyTimeoutMs);
  }

  private async startShim(report: (line: string) => void): Promise<void> {
    let pid = await this.shim.runningPid();
    if (pid === undefined) {
      await assertLoopbackPortFree(this.name, this.stack.cognitoPort, 'COGNITO_PORT');
      report(`starting the page-size shim on ${this.endpoint}`);
      pid = await this.shim.start({
        command: process.execPath,
        args: [shimScript, '--port', String(this.stack.cognitoPort), '--upstream', this.emulatorUrl],
        env: this.env,
      });
    }
    await this.shim.waitUntilReady(pid, () => answersHealth(this.endpoint), readyTimeoutMs);
  }

  /** Written only when absent (exclusive create), so that a config.json put there by the seeding is kept. */
  private async writeEmulatorConfigOnce(): Promise<void> {
    const file = join(this.dir, '.cognito', 'config.json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(emulatorConfig, null, 2)}\n`, { flag: 'wx' }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    });
  }
}

async function answersHealth(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
