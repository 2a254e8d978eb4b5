// ESLint flat config: @eslint/js recommended plus typescript-eslint's type-aware rules on every TypeScript file.
// Formatting is prettier's job (.prettierrc.json), so no stylistic rule is enabled here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const typeAware = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/await-thenable': 'error',
  '@typescript-eslint/no-unsafe-assignment': 'error',
  '@typescript-eslint/no-unsafe-member-access': 'error',
  '@typescript-eslint/no-unsafe-call': 'error',
  '@typescript-eslint/no-unsafe-return': 'error',
  '@typescript-eslint/no-unsafe-argument': 'error',
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'dashboard/dist/**', '.cache/**', '.data/**', 'data/**', 'bench/results/**'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      ...typeAware,
      // `async` without `await` is how a port method keeps its Promise signature in an in-memory adapter: not a bug here.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore marks a value kept on purpose (a positional parameter, a field dropped by a rest spread).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests read replies as loosely typed JSON (light-my-request's `res.json()` is `any`) and build partial test doubles:
    // the unsafe-any family is relaxed there. Promise rules (floating, misused, await-thenable) stay on everywhere.
    files: ['**/*.test.ts', 'test/**/*.ts', '**/test/**/*.ts', '**/test-kit.ts', '**/*-test-client.ts', '**/*.contract.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    // Node scripts (bin/, scripts/): the few globals they use, without pulling in the `globals` package.
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
