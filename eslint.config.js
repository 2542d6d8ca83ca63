// ESLint (flat config): `npm run lint`. TypeScript is linted with its types (typescript-eslint's
// recommendedTypeChecked, through the project service: the same tsconfig.json as `npm run typecheck`);
// plain JavaScript (the library's example, this file) with the JavaScript rules only.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The layers (src/architecture.test.ts says the same for whole files): an import across the line upward. */
const above = (layers, why) => ({ regex: `(^|/)(${layers})(/|$)`, message: why });
const react = (names, why) => ({ regex: `^(${names})$`, message: why });
/** From app/, state/ and ui/, the engine only through its public entry, src/engine/index.ts. */
const engineInside = {
  regex: '^(\\.\\./)+engine/(?!index(\\.ts)?$)',
  message: 'use the engine through its public entry (src/engine/index.ts), as the library\'s users do',
};

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'packages/engine/dist/',
      'public/mediapipe/',
      'public/tfjs-wasm/',
      'public/models/',
      'test-results/',
      'playwright-report/',
      'bench-results/',
      'runs/',
      '.cache/',
      'carry/',
    ],
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [react('react|react-dom|zustand', 'the engine is pure: no React, no store'), above('ui|state|app', 'the engine is pure: no UI, no store, no controller')] }],
    },
  },
  {
    files: ['src/state/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [react('react-dom', 'the store knows nothing of the UI'), above('ui|app', 'the store knows nothing of the UI or the controller'), engineInside] }],
    },
  },
  {
    files: ['src/app/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [react('react|react-dom', 'the controller has no React in it'), above('ui', 'the controller has no React in it'), engineInside] }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [engineInside] }],
    },
  },
);
