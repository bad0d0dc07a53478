// ESLint (flat config): TypeScript's recommended rules and React's hooks
// rules, including the React Compiler-era ones (refs read or written during
// render, setState in effects, impure render). `npm run lint:eslint`; part of
// `make lint`.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The SPA's layers: a directory never imports the ones listed for it, so the
// arrows only point down (api, then shared components, then features, then
// pages and App). Dynamic import() counts too: no-restricted-imports does
// not see it, so a syntax rule does.
const forbiddenImports = {
  api: ['telemetry', 'theme', 'components', 'auth', 'artifacts', 'chat', 'settings', 'pages'],
  components: ['auth', 'artifacts', 'chat', 'settings', 'pages'],
  artifacts: ['auth', 'chat', 'settings', 'pages'],
  auth: ['artifacts', 'chat', 'settings', 'pages'],
};

function layering(dir, forbidden) {
  // Relative imports from any depth below src/<dir>; \x2F is "/" (esquery
  // regexes cannot contain a slash).
  const regex = String.raw`^(\.\.\x2F)+(${forbidden.join('|')})(\x2F|$)`;
  const message = `src/${dir} must not import from ${forbidden.join(', ')}: the layers point down, so move what both sides need to a lower one.`;
  return {
    files: [`src/${dir}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex, message }] }],
      'no-restricted-syntax': ['error', { selector: `ImportExpression[source.value=/${regex}/]`, message }],
    },
  };
}

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'test-results/', 'src/api/schema.d.ts']),
  js.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}', 'vite.config.ts', 'vitest.setup.ts'],
    extends: [tseslint.configs.recommended, reactHooks.configs.flat['recommended-latest']],
    languageOptions: { globals: globals.browser },
  },
  ...Object.entries(forbiddenImports).map(([dir, forbidden]) => layering(dir, forbidden)),
  {
    // Node scripts and the end-to-end suite (which also evaluates functions in the page).
    files: ['scripts/**/*.mjs', 'e2e/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The service worker; the build replaces __PRECACHE__ with the precache list.
    files: ['sw/**/*.js'],
    languageOptions: { globals: { ...globals.serviceworker, __PRECACHE__: 'readonly' } },
  },
]);
