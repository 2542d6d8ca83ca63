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
  message: "use the engine through its public entry (src/engine/index.ts), as the library's users do",
};

export default tseslint.config(
  {
    ignores: ['dist/', 'packages/engine/dist/', 'public/mediapipe/', 'public/tfjs-wasm/', 'public/models/', 'test-results/', 'playwright-report/', 'bench-results/', 'runs/', '.cache/', 'carry/'],
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A name starting with _ is unused on purpose (as tsc's noUnusedLocals has it): a rest sibling or a slot.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `x as tf.Tensor3D` is TF.js's own way to name a result's rank; the rule wants type arguments instead.
      '@typescript-eslint/no-unnecessary-type-assertion': ['error', { typesToIgnore: ['tf.Tensor2D', 'tf.Tensor3D', 'tf.Tensor4D'] }],
      // An async function without await is how this code implements a Promise-returning interface
      // (test doubles, the in-memory store): a throw in it stays a rejection.
      '@typescript-eslint/require-await': 'off',
      // Callbacks and store actions are declared with method shorthand (`onHover(id): void`) and made
      // with arrow functions, which the rule cannot tell apart from methods that need their `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Tests read back the JSON the code wrote and assert on it, and vitest's asymmetric matchers
    // (expect.any, expect.stringContaining) are typed any: values without a type are their subject.
    // They also run generated code (the service worker's source) in a stand-in global, with new Function.
    files: ['**/*.test.{ts,tsx}', 'e2e/**'],
    rules: {
      '@typescript-eslint/no-implied-eval': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The benchmark prints its own results file, read back untyped, and runs the built store module
    // in the page (new Function); the teachers are optional CommonJS packages without types.
    files: ['scripts/bench.ts', 'scripts/teacher-labels.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-implied-eval': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // The hooks rules the app relies on. The plugin's other rules check code for the React Compiler,
    // which the app does not use (its findings were a timer-driven clock and DOM set-up in effects).
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [react('react|react-dom|zustand', 'the engine is pure: no React, no store'), above('ui|state|app', 'the engine is pure: no UI, no store, no controller')] },
      ],
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
