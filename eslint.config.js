import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const onlyLedgerTalksToKafka = { name: 'kafkajs', message: 'Only libs/ledger talks to Kafka.' };
const onlyProjectionsTalksToPostgres = ['pg', 'pg-copy-streams'].map((name) => ({
  name,
  message: 'Only libs/projections talks to PostgreSQL (#projections: openPostgres, migrateSchema, its repositories).',
}));
const specsRunOnJest = {
  name: 'node:test',
  message: 'Specs run on jest: `node tools/jest-codemod.ts` converts a node:test spec.',
};

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
    files: ['**/*.spec.ts', 'test/**/*.ts', 'apps/*/test/**/*.ts', 'bench/**/*.ts', 'libs/stack/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka, specsRunOnJest] }] },
  },
  {
    files: ['libs/projections/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka, specsRunOnJest] }] },
  },
  { files: ['libs/ledger/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [specsRunOnJest] }] } },
  {
    // Configuration once (libs/config): a process reads its environment at its composition root
    // and hands typed settings down; the product's code never reads process.env itself.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: [
      'apps/cli/src/main.ts', // the `ledger` command's composition root
      '**/*-main.ts', // entry points of helper processes (fake Cognito, the page-size shim)
      '**/*.spec.ts', // each spec is an entry point of its own (jest gives each its own process.env)
      '**/*.fixture.ts',
      'apps/*/test/**',
      'libs/*/test/**',
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
