import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import { localStack, projectRoot } from '#stack';
import { exportPool, formatExportSummary } from './export-command.js';
import { formatImportReport, importUsers } from './import-command.js';
import { demoPoolId, describeSeededPool, seedPool } from './seed-command.js';

/**
 * `ledger demo` (`npm run demo`): the main job end to end on the local stack. Each stage of the
 * migration that exists is run and reports its numbers in the summary.
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('bring the local stack up, seed a synthetic pool, export it into the ledger, import it into Keycloak and print a summary')
    .option(
      '--users <n>',
      'synthetic users to seed',
      (value: string) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 100)
          throw new InvalidArgumentError(`expected a whole number of at least 100, got "${value}"`);
        return n;
      },
      2000,
    )
    .action(async (options: { users: number }) => {
      const out = (text: string) => process.stdout.write(text);
      out('== 1. local stack\n');
      for (const { status, wasUp, seconds } of await localStack(process.env).up((line) => out(`   ${line}\n`))) {
        out(`   ${status.name}: ${wasUp ? 'already up' : `started in ${seconds.toFixed(1)} s`} (${status.detail})\n`);
      }

      out(`\n== 2. seed a synthetic Cognito pool (${options.users} users)\n`);
      const { pool, endpoint } = await seedPool({
        users: options.users,
        seed: 1,
        poolId: demoPoolId,
        usernameMode: 'username',
      });
      out(describeSeededPool(pool, endpoint));

      out('\n== 3. export the pool into the ledger (paced to AWS default quotas)\n');
      const env = { ...process.env, COGNITO_ENDPOINT: endpoint, COGNITO_USER_POOL_ID: pool.poolId };
      const exported = await exportPool(false, env);
      out(formatExportSummary(exported));

      out('\n== 4. import the exported users into Keycloak\n');
      const imported = await importUsers(
        { follow: false, groupId: 'demo-importer' },
        { ...env, IMPORT_IDENTITY_PROVIDERS_FILE: join(projectRoot, 'infra/keycloak/demo-identity-providers.json') },
      );
      out(formatImportReport(imported).replace(/^(?=.)/gm, '   '));

      out('\n== summary\n');
      out(
        `   exported   ${exported.users} users (${exported.published} new facts), ${exported.groups} groups, ${exported.rejected.length} rejected\n`,
      );
      out(
        `   imported   ${imported.users} users into realm ${imported.realm}: ${imported.created} created, ${imported.matched} matched, ` +
          `${imported.failed} failed, ${imported.links} federated links, ${imported.groupsCreated} groups\n`,
      );
    });
}
