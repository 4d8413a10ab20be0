import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stackConfig, type Env, type StackConfig } from '#config';
import { assertLoopbackPortFree, loopbackPortFree } from './loopback-port.js';
import type { ComponentStatus, StackComponent } from './stack-component.js';
import { scriptMarker } from './script-marker.js';
import { StackProcess } from './stack-process.js';
import { localProfileEnv } from './local-profile-env.js';

// maildev exports only its ESM entry (no package.json, no `require`); the CLI sits next to it.
const maildevScript = join(dirname(fileURLToPath(import.meta.resolve('maildev'))), 'bin', 'maildev.js');
const readyTimeoutMs = 30_000;

/** A message as the catcher's REST API gives it (maildev 3: `GET /api/email`). */
export interface CaughtMail {
  readonly id: string;
  readonly subject: string;
  readonly to: readonly { readonly address: string }[];
  readonly text: string;
  readonly time: string;
}

/**
 * The local SMTP catcher: maildev on MAIL_SMTP_PORT, keeping every message in memory and showing
 * it on MAIL_WEB_PORT (REST under `/api`). Reset e-mails really leave Keycloak through SMTP, and
 * tests read them back here.
 */
export class MailCatcher implements StackComponent {
  readonly name = 'mail';
  private readonly stack: StackConfig;
  private readonly process: StackProcess;

  constructor(private readonly env: Env) {
    this.stack = stackConfig(localProfileEnv(env));
    this.process = new StackProcess({
      name: 'maildev',
      dir: resolve(this.stack.dir, 'mail'),
      commandLineMarker: scriptMarker(maildevScript),
      stopGraceMs: 5000,
    });
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.stack.mailWebPort}/api`;
  }

  async status(): Promise<ComponentStatus> {
    const pid = await this.process.runningPid();
    if (await this.healthy()) {
      const where = `smtp 127.0.0.1:${this.stack.mailSmtpPort}, ${this.apiUrl}`;
      return {
        name: this.name,
        state: 'up',
        detail: pid === undefined ? `${where}, not started by this stack` : `${where} (pid ${pid})`,
      };
    }
    if (pid !== undefined) return { name: this.name, state: 'down', detail: `pid ${pid} not answering` };
    const free = await loopbackPortFree(this.stack.mailWebPort);
    return {
      name: this.name,
      state: 'down',
      detail: free
        ? 'not running'
        : `not running; port ${this.stack.mailWebPort} (MAIL_WEB_PORT) is used by another program`,
    };
  }

  async up(report: (line: string) => void): Promise<void> {
    if (await this.healthy()) return;
    let pid = await this.process.runningPid();
    if (pid === undefined) {
      await assertLoopbackPortFree(this.name, this.stack.mailSmtpPort, 'MAIL_SMTP_PORT');
      await assertLoopbackPortFree(this.name, this.stack.mailWebPort, 'MAIL_WEB_PORT');
      report(`starting maildev (smtp 127.0.0.1:${this.stack.mailSmtpPort}, web ${this.apiUrl})`);
      pid = await this.process.start({
        command: process.execPath,
        args: [
          maildevScript,
          '--smtp',
          String(this.stack.mailSmtpPort),
          '--ip',
          '127.0.0.1',
          '--web',
          String(this.stack.mailWebPort),
          '--web-ip',
          '127.0.0.1',
        ],
        env: this.env,
      });
    }
    await this.process.waitUntilReady(pid, () => this.healthy(), readyTimeoutMs);
  }

  async down(): Promise<void> {
    await this.process.stop();
  }

  /** Every message caught so far (oldest first). */
  async messages(): Promise<CaughtMail[]> {
    const response = await fetch(`${this.apiUrl}/email`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`maildev answered HTTP ${response.status} on ${this.apiUrl}/email`);
    return (await response.json()) as CaughtMail[];
  }

  private async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.apiUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }
}
