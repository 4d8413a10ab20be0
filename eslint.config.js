import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import packageJson from './package.json' with { type: 'json' };

const onlyLedgerTalksToKafka = { name: 'kafkajs', message: 'Only libs/ledger talks to Kafka.' };
const onlyProjectionsTalksToPostgres = ['pg', 'pg-copy-streams'].map((name) => ({
  name,
  message: 'Only libs/projections talks to PostgreSQL (#projections: openPostgres, migrateSchema, its repositories).',
}));
const specsRunOnJest = {
  name: 'node:test',
  message: 'Specs run on jest: `node tools/jest-codemod.ts` converts a node:test spec.',
};

/**
 * Who may depend on whom: docs/architecture.md's table, enforced. A package is reached through its
 * alias (package.json "imports", each an index.ts); the folder an alias points into says what it
 * is: apps/ (use cases), libs/ (what they share), tools/ (the local stack, the demo), test/ (test
 * support). Each package below may import the aliases listed and no other; tests (`*.spec.ts`,
 * test/) and benchmarks may import every one. These rules use @typescript-eslint/no-restricted-imports,
 * which also reads type-only imports, so that they stay apart from the npm-module rules above (core
 * no-restricted-imports): in flat config a later block's options replace an earlier one's.
 */
const aliases = Object.entries(packageJson.imports);
const aliasesInto = (folder) =>
  aliases.filter(([, target]) => target.types.startsWith(`./${folder}/`)).map(([alias]) => alias);
const libs = aliasesInto('libs');
const apps = aliasesInto('apps');
const tools = aliasesInto('tools');

/** [folder, the aliases its production code may import, why]; a later, narrower folder overrides. */
const mayImport = [
  ['libs/*', libs, 'a lib depends on libs only'],
  ['libs/events', [], 'the event catalog depends on nothing of ours'],
  ['libs/config', [], 'configuration depends on nothing of ours'],
  ['libs/domain', ['#events'], 'the domain is pure: events only'],
  ['libs/audit', [], 'Merkle trees, checkpoints and signed notes: pure, Node crypto only'],
  [
    'libs/audit-bundle',
    ['#audit', '#events', '#projection-fold'],
    "the auditor's bundle and proofs: no Kafka, no database",
  ],
  ['libs/ledger', ['#config', '#events'], 'the Kafka adapter'],
  ['libs/cognito', ['#config', '#events'], 'the Cognito adapter'],
  ['libs/keycloak', ['#config'], 'the Keycloak adapter'],
  ['libs/projections', ['#domain', '#ledger'], 'PostgreSQL: the domain and the stored offsets'],
  [
    'libs/projections/src/fold',
    ['#domain', '#events'],
    "the projection's fold without its database, bundled into the auditor's verifier",
  ],
  ['apps/*', libs, 'an app composes libs, not other apps'],
  ['apps/cli', [...libs, ...apps], 'the `ledger` command composes the apps; only dev/ uses tools/'],
  ['apps/cli/src/dev', [...libs, ...apps, ...tools], 'the development commands'],
  [
    'tools/stack',
    ['#config', '#ledger', '#audit'],
    'the local stack depends on config, the ledger and (for its seal key) audit only',
  ],
  ['tools/audit-verifier', ['#audit-bundle'], 'the standalone verifier bundles libs/audit-bundle only'],
  ['tools/demo', [...libs, ...apps, '#stack'], 'the demo drives the product on the local stack'],
];

const throughIndex = {
  regex: String.raw`^\.\.?/(.*/)?src/`,
  message: 'Reach another package through its alias (#name, its index.ts), not by a path into its src/.',
};
const noTreesByPath = {
  regex: String.raw`^(\.\./)+(apps|libs|tools|test|bench)/`,
  message: 'Production code and tools reach no other tree by path: tests, benchmarks and tools stay out of it.',
};
const noDevCommands = {
  regex: String.raw`^\./dev/`,
  message: 'Production commands do not depend on the development commands (dev/); main.ts registers them.',
};
const restricted = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });
const onlyAliases = (folder, allowed, why) => ({
  regex: allowed.length ? `^#(?!(${allowed.map((alias) => alias.slice(1)).join('|')})$)` : '^#',
  message: `${folder} may import ${allowed.length ? allowed.join(', ') : 'no package of ours'} (${why}; docs/architecture.md).`,
});
/** Tests and benchmarks may use every package, the local stack and the demo included. */
const testCode = ['**/*.spec.ts', 'test/**', 'bench/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.stack/**', 'infra/**/target/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        { paths: [onlyLedgerTalksToKafka, ...onlyProjectionsTalksToPostgres, specsRunOnJest] },
      ],
    },
  },
  // Tests and benchmarks inspect the tables directly; the local stack creates the database itself.
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/stack/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka, specsRunOnJest] }] },
  },
  {
    files: ['libs/projections/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka, specsRunOnJest] }] },
  },
  // The product never deletes a topic; a test recreating the ledger's topics does (test/support/recreate-topics.ts).
  // The product never writes bytes it did not encode; a test replaying the golden records does (publish-raw-records.ts).
  {
    files: ['libs/ledger/**/*.ts', 'test/support/recreate-topics.ts', 'test/support/publish-raw-records.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [specsRunOnJest] }] },
  },

  // Package boundaries, most specific last.
  { files: ['**/*.ts'], rules: restricted(throughIndex) },
  ...mayImport.map(([folder, allowed, why]) => ({
    files: [`${folder}/**/*.ts`],
    ignores: testCode,
    rules: restricted(
      onlyAliases(folder, allowed, why),
      throughIndex,
      noTreesByPath,
      ...(folder === 'apps/cli' ? [noDevCommands] : []),
    ),
  })),
  {
    files: ['apps/cli/src/main.ts'], // the composition root registers the development commands
    rules: restricted(onlyAliases('apps/cli', [...libs, ...apps], 'the composition root'), throughIndex, noTreesByPath),
  },
  {
    // A dynamic import() is not seen by the rules above: production code imports statically.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: testCode,
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression',
          message: 'Import statically, so that the package boundaries (eslint.config.js) see the dependency.',
        },
      ],
    },
  },
  {
    // Configuration once (libs/config): a process reads its environment at its composition root
    // and hands typed settings down; the product's code never reads process.env itself.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: [
      'apps/cli/src/main.ts', // the `ledger` command's composition root
      '**/*.spec.ts', // each spec is an entry point of its own (jest gives each its own process.env)
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'Read settings through libs/config (loadConfig) at the composition root and pass them down; only entry points read process.env.',
        },
      ],
    },
  },
);
