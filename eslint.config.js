// ESLint: typescript-eslint with type information, and the import boundaries routes → domain → db.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const routesOnly = ['**/routes/*', '**/http/*', '**/views/*', '**/app', '**/index']
const honoContext = {
  name: 'hono',
  importNames: ['Context', 'MiddlewareHandler'],
  message: "Hono's Context belongs in src/routes/: take plain inputs instead.",
}

export default tseslint.config(
  {
    ignores: ['node_modules/', '**/.wrangler/', 'dist/', 'artifacts/', 'worker-configuration.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // In a test, `!` on a fixture that is missing fails the test loudly, which is what it is for.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The domain (rules, flows, operations) never reaches up into routes or views, nor holds a Context.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/routes/**', 'src/http/**', 'src/views/**', 'src/app.tsx', 'src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [honoContext],
          patterns: [
            { group: routesOnly, message: 'Imports point routes → domain → db, never back.' },
          ],
        },
      ],
    },
  },
  {
    // Storage knows only its schema: no domain module, route or view.
    files: ['src/db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [honoContext],
          patterns: [
            {
              group: [...routesOnly, '../*', '!../errors', '!../vocabulary'],
              message: 'src/db/ imports only its own modules, the vocabulary and the error class.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        fetch: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        crypto: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        URLSearchParams: 'readonly',
        performance: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        structuredClone: 'readonly',
        atob: 'readonly',
        btoa: 'readonly',
      },
    },
  },
)
