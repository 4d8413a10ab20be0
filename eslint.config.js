import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const onlyLedgerTalksToKafka = { name: 'kafkajs', message: 'Only libs/ledger talks to Kafka.' };
const onlyProjectionsTalksToPostgres = ['pg', 'pg-copy-streams'].map((name) => ({
  name,
  message: 'Only libs/projections talks to PostgreSQL (#projections: openPostgres, migrateSchema, its repositories).',
}));

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
    files: ['**/*.spec.ts', 'test/**/*.ts', 'apps/*/test/**/*.ts', 'bench/**/*.ts', 'libs/stack/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka] }] },
  },
  {
    files: ['libs/projections/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [onlyLedgerTalksToKafka] }] },
  },
  { files: ['libs/ledger/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
);
