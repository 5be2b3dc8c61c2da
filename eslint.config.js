// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const dangerousSyntax = [
  {
    selector:
      "CallExpression[callee.object.name='sql'][callee.property.name=/^(raw|lit)$/][arguments.0.type!='Literal']",
    message:
      'sql.raw/sql.lit only with a string literal: build SQL from input with parameters or sql.ref/sql.id.',
  },
  {
    selector: "CallExpression[callee.property.name='unsafe']",
    message: 'No unsafe SQL helpers.',
  },
];

const processEnv = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Only server/src/config reads process.env; take configuration as a parameter.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'test/artifacts/**',
      '.gatehouse/**',
      '**/.gatehouse/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'off',
      '@typescript-eslint/no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'child_process',
              importNames: ['exec', 'execSync'],
              message: 'Use execFile/spawn with an argument array, never a shell string.',
            },
            {
              name: 'node:child_process',
              importNames: ['exec', 'execSync'],
              message: 'Use execFile/spawn with an argument array, never a shell string.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'child_process',
          property: 'exec',
          message: 'Use execFile/spawn with an argument array.',
        },
        {
          object: 'child_process',
          property: 'execSync',
          message: 'Use execFile/spawn with an argument array.',
        },
      ],
      'no-restricted-syntax': ['error', ...dangerousSyntax, processEnv],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-redundant-type-constituents': 'off',
    },
  },
  {
    // The configuration module is the one reader of process.env; tests and
    // benchmarks read their own harness variables.
    files: ['server/src/config/**', 'test/**', 'bench/**', '**/test/**', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': ['error', ...dangerousSyntax] },
  },
  {
    files: ['migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
