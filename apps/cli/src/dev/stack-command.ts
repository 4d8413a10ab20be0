import { Command } from 'commander';
import type { Env } from '#config';
import { localProfileEnv, localStack, type ComponentStatus } from '#stack';

/**
 * `ledger stack up | down | status`: the local Kafka, PostgreSQL and Cognito as processes on
 * loopback ports, configured under the local profile (LEDGER_PROFILE=local) whatever the shell says.
 */
export function stackCommand(env: Env): Command {
  const local = localProfileEnv(env);
  const stack = new Command('stack').description(
    'run the servers the apps need (Kafka, the Cognito emulator, Keycloak, a PostgreSQL database) as processes on 127.0.0.1; downloads, data and logs live in STACK_DIR',
  );

  stack
    .command('up')
    .description('start every component that is not running (fetches Kafka from Maven Central on first use)')
    .option('--brokers <n>', brokersHelp)
    .option('--keycloak-db <kind>', keycloakDbHelp)
    .action(async (options: StackOptions) => {
      const outcomes = await localStack(withStackOptions(local, options)).up((line) =>
        process.stderr.write(`  ${line}\n`),
      );
      for (const { status, wasUp, seconds } of outcomes) {
        print(status, wasUp ? 'already up' : `started in ${seconds.toFixed(1)} s`);
      }
      if (outcomes.every((outcome) => outcome.wasUp)) process.stdout.write('the stack was already up: nothing to do\n');
    });

  stack
    .command('down')
    .description(
      'stop the processes this stack started (an embedded PostgreSQL too; a PostgreSQL server it did not start keeps running)',
    )
    .option('--brokers <n>', brokersHelp)
    .option('--keycloak-db <kind>', keycloakDbHelp)
    .action(async (options: StackOptions) => {
      for (const status of await localStack(withStackOptions(local, options)).down()) print(status);
    });

  stack
    .command('status')
    .description('one line per component; exit code 3 when any component is down')
    .option('--brokers <n>', brokersHelp)
    .option('--keycloak-db <kind>', keycloakDbHelp)
    .action(async (options: StackOptions) => {
      const statuses = await localStack(withStackOptions(local, options)).status();
      for (const status of statuses) print(status);
      // 3 is "program is not running" in the LSB status convention that `systemctl status` follows.
      if (statuses.some((status) => status.state === 'down')) process.exitCode = 3;
    });

  return stack;
}

const brokersHelp =
  'Kafka nodes (STACK_KAFKA_BROKERS, default 1): 3 runs a KRaft cluster whose topics get 3 replicas, min.insync.replicas 2; other commands need the same setting to list every node';

const keycloakDbHelp =
  "Keycloak's database (STACK_KEYCLOAK_DB): dev-file (default, H2 inside the distribution) or postgres (a database <name>_keycloak on DATABASE_URL's server)";

interface StackOptions {
  readonly brokers?: string;
  readonly keycloakDb?: string;
}

/** The options are settings for this command (STACK_KAFKA_BROKERS, STACK_KEYCLOAK_DB); loadConfig checks them like any. */
function withStackOptions(env: Env, options: StackOptions): Env {
  return {
    ...env,
    ...(options.brokers === undefined ? {} : { STACK_KAFKA_BROKERS: options.brokers }),
    ...(options.keycloakDb === undefined ? {} : { STACK_KEYCLOAK_DB: options.keycloakDb }),
  };
}

function print(status: ComponentStatus, note?: string): void {
  const line = `${status.name.padEnd(10)}${status.state.padEnd(6)}${status.detail}${note === undefined ? '' : ` (${note})`}`;
  process.stdout.write(`${line}\n`);
}
