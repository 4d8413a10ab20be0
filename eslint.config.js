import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import packageJson from './package.json' with { type: 'json' };

const onlyLedgerTalksToKafka = { name: 'kafkajs', message: 'Only libs/ledger talks to Kafka.' };
const onlyProjectionsTalksToPostgres = ['pg', 'pg-copy-streams'].map((name) => ({
  name,
  message: 'Only libs/projections talks to PostgreSQL (#projections: openPostgres, migrateSchema, its repositories).',
}));

/**
 * Who may depend on whom (docs/architecture.md). A package is reached through its alias
 * (package.json "imports", each an index.ts); the folder an alias points into says what it is:
 * apps/ (use cases), libs/ (what they share), tools/ (the local stack, the demo), test/ (support).
 * These boundaries use @typescript-eslint/no-restricted-imports, which reads type-only imports
 * too, so that they stay apart from the npm-module rules below (core no-restricted-imports): in
 * flat config a later block's options replace an earlier block's for the same rule.
 */
const aliases = Object.entries(packageJson.imports);
const aliasesInto = (folder) =>
  aliases.filter(([, target]) => target.types.startsWith(`./${folder}/`)).map(([alias]) => alias);
const exactly = (names) => `^(${names.join('|')})$`;

const boundary = {
  throughIndex: {
    regex: String.raw`^\.\.?/(.*/)?src/`,
    message: 'Reach another package through its alias (#name, its index.ts), not by a path into its src/.',
  },
  noApps: {
    regex: exactly(aliasesInto('apps')),
    message: 'libs/ and tools/stack depend on libs only: apps compose libs, never the reverse.',
  },
  noTools: {
    regex: exactly(aliasesInto('tools')),
    message:
      "Production code does not depend on the local stack or the demo (tools/); only the CLI's development commands (apps/cli/src/dev) do.",
  },
  noDemo: { regex: '^#demo$', message: 'The local stack does not depend on the demo built on it.' },
  noTestSupport: { regex: exactly(aliasesInto('test')), message: 'Only tests and benchmarks import test support.' },
  noTestOrBench: {
    regex: String.raw`^(\.\./)+(test|tools|bench)/`,
    message: 'Production code and tools do not depend on tests, benchmarks or tools by path.',
  },
  noDevCommands: {
    regex: String.raw`^\./dev/`,
    message: 'Production commands do not depend on the development commands (dev/); main.ts registers them.',
  },
};
const only = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });
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
      'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka, ...onlyProjectionsTalksToPostgres] }],
    },
  },
  // Tests and benchmarks inspect the tables directly; the local stack creates the database itself.
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'tools/stack/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka] }] },
  },
  {
    files: ['libs/projections/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka] }] },
  },
  // The product never deletes a topic; a test recreating the ledger's topics does (test/support/recreate-topics.ts).
  { files: ['libs/ledger/**/*.ts', 'test/support/recreate-topics.ts'], rules: { 'no-restricted-imports': 'off' } },

  // Package boundaries, most specific last.
  { files: ['**/*.ts'], rules: only(boundary.throughIndex) },
  {
    files: ['libs/**/*.ts'],
    ignores: testCode,
    rules: only(
      boundary.throughIndex,
      boundary.noApps,
      boundary.noTools,
      boundary.noTestSupport,
      boundary.noTestOrBench,
    ),
  },
  {
    files: ['apps/**/*.ts'],
    ignores: testCode,
    rules: only(boundary.throughIndex, boundary.noTools, boundary.noTestSupport, boundary.noTestOrBench),
  },
  {
    files: ['apps/cli/src/*.ts'],
    ignores: ['apps/cli/src/main.ts', ...testCode],
    rules: only(
      boundary.throughIndex,
      boundary.noTools,
      boundary.noTestSupport,
      boundary.noTestOrBench,
      boundary.noDevCommands,
    ),
  },
  {
    files: ['apps/cli/src/dev/**/*.ts'],
    ignores: testCode,
    rules: only(boundary.throughIndex, boundary.noTestSupport, boundary.noTestOrBench),
  },
  {
    files: ['tools/**/*.ts'],
    ignores: testCode,
    rules: only(boundary.throughIndex, boundary.noTestSupport, boundary.noTestOrBench),
  },
  {
    files: ['tools/stack/**/*.ts'],
    ignores: testCode,
    rules: only(
      boundary.throughIndex,
      boundary.noApps,
      boundary.noDemo,
      boundary.noTestSupport,
      boundary.noTestOrBench,
    ),
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
      '**/*.spec.ts', // each test file runs in a process of its own
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
