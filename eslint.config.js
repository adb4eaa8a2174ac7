// Type-aware linting at zero warnings (see STYLE.md §3), plus the rule that keeps the processes apart (§2).
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

const typeAwareRules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/switch-exhaustiveness-check': 'error',
  '@typescript-eslint/consistent-type-imports': 'error',
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
  '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
  'no-empty': ['error', { allowEmptyCatch: false }],
  // Stylistic in strictTypeChecked, and at odds with fastify's async plugins and terse callbacks.
  '@typescript-eslint/require-await': 'off',
  '@typescript-eslint/no-confusing-void-expression': 'off',
};

const importBoundary = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/', '.runtime/', 'dist/', 'data/', 'test-results/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: typeAwareRules,
  },
  {
    files: ['frontend/**/*.{ts,vue}'],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        parser: tseslint.parser,
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.vue'],
      },
      globals: { ...globals.browser },
    },
    rules: {
      ...importBoundary([
        {
          group: ['**/server/**'],
          allowTypeImports: true,
          message: 'The front end imports only types from server/.',
        },
      ]),
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['media/**/*.ts', 'inference/**/*.ts'],
    rules: importBoundary([
      { group: ['**/server/**'], message: 'Workers never import server/; use the protocol.' },
    ]),
  },
  {
    files: ['migrations/**/*.ts'],
    rules: importBoundary([
      {
        group: ['**/server/**', '**/media/**', '**/inference/**'],
        message: 'Migrations are frozen in time.',
      },
    ]),
  },
  {
    // Numeric kernels (the model converter, pixel loops, decoders) index typed arrays and shape vectors within
    // bounds they have just computed; `!` states that bound, where `?? 0` would turn a bug into a silent zero.
    files: [
      'inference/convert/**/*.ts',
      'inference/image/**/*.ts',
      'inference/detect/**/*.ts',
      'inference/motion/**/*.ts',
      'inference/track/**/*.ts',
      'inference/analysis/**/*.ts',
      'inference/frames/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
