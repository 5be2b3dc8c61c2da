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

const childProcessPaths = [
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
];

// tRPC's build output, never an entry point: it changes shape in any release.
const trpcDistPatterns = {
  group: ['@trpc/*/dist', '@trpc/*/dist/**', '@trpc/*/src', '@trpc/*/src/**'],
  message: "Import tRPC's public entry points (@trpc/server, /http, /rpc, /adapters/*).",
};

// Gatehouse runs a patched tRPC (patches/README.md): its internals are read in one module.
const trpcInternalsPatterns = {
  group: [
    '@trpc/server/unstable-core-do-not-import',
    '@trpc/server/unstable-core-do-not-import/**',
  ],
  message:
    'tRPC internals only through server/src/pipeline/trpc-internals.ts (one place to re-check on an upgrade).',
};

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
          paths: childProcessPaths,
          patterns: [trpcDistPatterns, trpcInternalsPatterns],
        },
      ],
      'no-duplicate-imports': 'error',
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
    // Prettier wraps code at 100 columns but cannot break strings, template literals or
    // comments: this holds those to 100 as well, URLs included.
    files: ['**/*.ts', '**/*.tsx'],
    rules: { 'max-len': ['error', { code: 100, tabWidth: 2, ignoreUrls: false }] },
  },
  {
    // The configuration module is the one reader of process.env; tests and
    // benchmarks read their own harness variables.
    files: ['server/src/config/**', 'test/**', 'bench/**', '**/test/**', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': ['error', ...dangerousSyntax] },
  },
  {
    // The one reader of tRPC internals. (A later block's no-restricted-imports
    // replaces the one above for these files, so it restates the rest.)
    files: ['server/src/pipeline/trpc-internals.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: childProcessPaths, patterns: [trpcDistPatterns] },
      ],
    },
  },
  {
    // Product code states what its functions take and return: a module's
    // interface is read, not inferred from a body.
    files: ['server/src/**/*.ts', 'shared/src/**/*.ts', 'client/src/**/*.ts'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/explicit-function-return-type': [
        'error',
        {
          allowExpressions: true,
          allowTypedFunctionExpressions: true,
          allowHigherOrderFunctions: true,
        },
      ],
    },
  },
  {
    files: ['migrations/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
