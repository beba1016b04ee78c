// Lint rules that protect the architecture: workflow code must be deterministic
// (no Node built-ins, no I/O, no activity implementations), and no promise may float.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**', 'bin/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code is deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['**/activities/**', '**/activities'], allowTypeImports: true, message: 'Workflows may import activity types only (import type), never implementations.' },
            { group: ['**/connectors/**', '**/platform/**', '**/workers/**', '**/console/**', '@temporalio/worker', '@temporalio/client', '@temporalio/activity', 'ioredis', 'bullmq', 'playwright-core', 'fastify'], message: 'Workflow code may not import I/O code.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' }, { name: 'process', message: 'No process access in workflows.' }, { name: 'require', message: 'No dynamic require in workflows.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Use workflow time (new Date() is replayed deterministically); Date.now() is banned for clarity.' }, { object: 'Math', property: 'random', message: 'Use uuid4() or a seeded source from @temporalio/workflow.' }],
    },
  },
);
