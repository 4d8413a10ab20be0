import { Command, InvalidArgumentError } from 'commander';
import type { Env } from '#config';
import {
  CognitoComponent,
  generateSyntheticPool,
  localProfileEnv,
  writeCognitoLocalData,
  type SyntheticPool,
} from '#stack';

export interface SeedOptions {
  readonly users: number;
  readonly seed: number;
  readonly poolId: string;
  readonly usernameMode: 'username' | 'email';
}

export const demoPoolId = 'us-east-1_DemoPool1';

/** `ledger seed`: a synthetic pool with real-world variety, written into the local Cognito emulator. */
export function seedCommand(env: Env): Command {
  return new Command('seed')
    .description('replace a pool of the local Cognito emulator with N synthetic users (restarts the emulator)')
    .option('--users <n>', 'how many users', positiveInteger, 1000)
    .option('--seed <n>', 'same seed, same pool', positiveInteger, 1)
    .option('--pool-id <id>', 'the pool id to write', demoPoolId)
    .option('--username-mode <mode>', '"username" (free-form usernames) or "email" (e-mail as username)', 'username')
    .action(async (options: SeedOptions) => {
      if (options.usernameMode !== 'username' && options.usernameMode !== 'email') {
        throw new InvalidArgumentError(
          `--username-mode must be "username" or "email", not "${String(options.usernameMode)}"`,
        );
      }
      const { pool, endpoint } = await seedPool(options, env);
      process.stdout.write(describeSeededPool(pool, endpoint));
    });
}

/** Writes the pool into the local stack's Cognito emulator (the local profile, whatever `env` says). */
export async function seedPool(options: SeedOptions, env: Env): Promise<{ pool: SyntheticPool; endpoint: string }> {
  const pool = generateSyntheticPool(options);
  const cognito = new CognitoComponent(localProfileEnv(env));
  await cognito.reseed((dir) => writeCognitoLocalData(dir, pool));
  return { pool, endpoint: cognito.endpoint };
}

export function describeSeededPool(pool: SyntheticPool, endpoint: string): string {
  const count = (predicate: (u: SyntheticPool['users'][number]) => boolean) => pool.users.filter(predicate).length;
  const statuses = [...new Set(pool.users.map((u) => u.status))]
    .sort()
    .map((status) => `${status} ${count((u) => u.status === status)}`)
    .join(', ');
  return [
    `Seeded pool ${pool.poolId} at ${endpoint}: ${pool.users.length} users, ${pool.groups.length} groups`,
    `  by status    ${statuses}`,
    `  disabled     ${count((u) => !u.enabled)}`,
    `  MFA          SMS ${count((u) => u.mfa.sms)}, TOTP ${count((u) => u.mfa.totp)}`,
    `  federated    ${count((u) => u.attributes.identities !== undefined)}`,
    `Export it with: LEDGER_PROFILE=local COGNITO_ENDPOINT=${endpoint} COGNITO_USER_POOL_ID=${pool.poolId} npm run ledger -- export`,
    '',
  ].join('\n');
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  return n;
}
