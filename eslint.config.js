// Lint rules: typescript-eslint's recommended set, plus the import direction of STYLE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['schemas/**'],
    rules: forbid(['**/routing/**', '**/gateway/**', '**/adapters/**'], 'schemas/ imports nothing of ours'),
  },
  {
    files: ['routing/**'],
    rules: forbid(['**/gateway/**', '**/adapters/**'], 'routing/ never imports gateway/ or adapters/'),
  },
  {
    files: ['adapters/**'],
    rules: forbid(['**/gateway/**', '**/routing/**'], 'adapters reach the gateway only over AMQP and HTTP'),
  },
  { files: ['gateway/**'], rules: forbid(['**/adapters/**'], 'the gateway talks to adapters only over AMQP') },
  {
    files: ['test/**', '**/*.test.ts', 'gateway/cli.ts', 'gateway/cli/**', 'gateway/stack.ts', '**/bench/**'],
    rules: { 'no-console': 'off' },
  },
);
