import { ConfigError, loadConfig, type Env } from '#config';
import { CognitoComponent } from './cognito-component.js';
import { KafkaComponent } from './kafka-component.js';
import { KeycloakServer } from './keycloak-server.js';
import { MailCatcher } from './mail-catcher.js';
import { PostgresComponent, type SchemaMigrator } from './postgres-component.js';
import type { ComponentStatus, StackComponent } from './stack-component.js';
import { StackError } from './stack-error.js';
import { localProfileEnv } from './local-profile-env.js';

export interface ComponentOutcome {
  readonly status: ComponentStatus;
  /** It was up before: `up` had nothing to start. */
  readonly wasUp: boolean;
  readonly seconds: number;
}

/**
 * The local stack as stages: the stages come up in order, the components of one stage at the
 * same time (each waits for its own readiness), and go down in the reverse order.
 */
export class LocalStack {
  constructor(readonly stages: readonly (readonly StackComponent[])[]) {}

  get components(): readonly StackComponent[] {
    return this.stages.flat();
  }

  status(): Promise<ComponentStatus[]> {
    return Promise.all(this.components.map((component) => component.status()));
  }

  async up(report: (line: string) => void): Promise<ComponentOutcome[]> {
    const outcomes: ComponentOutcome[] = [];
    for (const stage of this.stages) {
      outcomes.push(...(await settleAll(stage, (component) => upOne(component, report))));
    }
    return outcomes;
  }

  /** Stops the components `which` selects (all by default); returns every component's status afterwards. */
  async down(which: (component: StackComponent) => boolean = () => true): Promise<ComponentStatus[]> {
    for (const stage of [...this.stages].reverse()) {
      await settleAll(stage.filter(which), (component) => component.down().then(() => undefined));
    }
    return this.status();
  }
}

/**
 * postgres first (Keycloak may keep its data there), then the servers that only need the machine.
 * The stack is the local profile; every setting its components read is checked here at once.
 */
export function localStack(env: Env, migrators: readonly SchemaMigrator[] = []): LocalStack {
  const local = localProfileEnv(env);
  loadConfig(local, ['stack', 'kafka', 'database']);
  return new LocalStack([
    [new PostgresComponent(local, migrators)],
    [new KafkaComponent(local), new CognitoComponent(local), new KeycloakServer(local), new MailCatcher(local)],
  ]);
}

async function upOne(component: StackComponent, report: (line: string) => void): Promise<ComponentOutcome> {
  const before = await component.status();
  const started = performance.now();
  await component.up((line) => report(`${component.name}: ${line}`));
  const seconds = (performance.now() - started) / 1000;
  const status = await component.status();
  if (status.state !== 'up') throw new StackError(component.name, `started but not up: ${status.detail}`);
  return { status, wasUp: before.state === 'up', seconds };
}

/**
 * Runs `act` on every component at once and lets each finish, so that a failure of one never
 * leaves another half-started; then fails with the first error, named after its component.
 */
async function settleAll<T>(
  components: readonly StackComponent[],
  act: (component: StackComponent) => Promise<T>,
): Promise<T[]> {
  const settled = await Promise.allSettled(components.map(act));
  const index = settled.findIndex((result) => result.status === 'rejected');
  if (index >= 0) {
    const reason = (settled[index] as PromiseRejectedResult).reason as unknown;
    if (reason instanceof StackError || reason instanceof ConfigError) throw reason;
    throw new StackError(components[index]!.name, reason instanceof Error ? reason.message : String(reason), {
      cause: reason,
    });
  }
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}
