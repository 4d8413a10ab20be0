import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
        { paths: [{ name: 'kafkajs', message: 'Only libs/ledger talks to Kafka.' }, specsRunOnJest] },
      ],
    },
  },
  { files: ['libs/ledger/**/*.ts'], rules: { 'no-restricted-imports': ['error', { paths: [specsRunOnJest] }] } },
);
