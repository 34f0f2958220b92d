// One lint setup for the whole monorepo: typescript-eslint's recommended rules on every TS file,
// plus the rules that keep the architecture honest (see docs/boundaries.md):
//   - config once: `process.env` is read only in apps/api/src/config (tests, scripts, benches and
//     browser tests, which set up their own environment, excepted);
//   - feature boundaries: an API module imports another module only through its public surface,
//     a web feature never imports another feature, and the web's shared code never imports features;
//   - floating promises (type-aware, API and web sources): a promise is awaited, returned, or
//     explicitly `void`ed with its errors handled;
//   - the React hooks rules on the web app.
// The module and feature lists are read from the directories, so a new module is covered as soon
// as it exists.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const dirs = (path) =>
  readdirSync(new URL(path, import.meta.url), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/*.test-helpers.ts', '**/*.test-helper.ts', '**/testing/**'];

/**
 * An API module's public surface (what another module may import): its `index.ts`, its
 * `*.service.ts`, `*.plugin.ts` and `*.types.ts`; and, as types only, its `*.repository.ts` (the
 * composition root hands a service the repositories it uses). Tests may also use another
 * module's `*.test-helpers.ts`. Everything else in a module (routes, presenters, rules, prompts,
 * hubs, helpers) is internal. Code outside modules/ (app.ts, plugins/, cli/, the composition
 * root) may import anything.
 */
const PUBLIC = String.raw`(?:index|[^/]+\.(?:service|plugin|types))\.js$`;

/**
 * Files that break the boundary rule today and are being rewritten in parallel (issue 8): auth,
 * users, chats and messages by the composition-root / chat-module work, assistant → triage by the
 * triage owner. The lead removes this list after merging and re-runs `npm run lint`.
 */
const KNOWN_BOUNDARY_VIOLATIONS = [];

function apiModuleBoundaries() {
  const rule = (mod, up) => {
    // `up` is `../` from a file directly in modules/<mod>/, `../../` one directory down: either
    // way, the next segment is a sibling of modules/<mod>, i.e. another module.
    const into = String.raw`^${up}(?!${escape(mod)}/)[^./][^/]*/`;
    return [
      'error',
      {
        patterns: [
          {
            regex: String.raw`${into}[^/]+\.repository\.js$`,
            allowTypeImports: true,
            message: `modules/${mod} may use another module's repository as a type only (the composition root passes it in).`,
          },
          {
            regex: String.raw`${into}(?!${PUBLIC})(?![^/]+\.repository\.js$)(?![^/]+\.test-helpers\.js$).+`,
            message: `modules/${mod} imports another module's internals: use its index.ts, *.service.ts, *.plugin.ts or *.types.ts (docs/boundaries.md).`,
          },
        ],
      },
    ];
  };
  return dirs('./apps/api/src/modules/').flatMap((mod) => [
    {
      files: [`apps/api/src/modules/${mod}/*.ts`],
      ignores: KNOWN_BOUNDARY_VIOLATIONS,
      rules: { '@typescript-eslint/no-restricted-imports': rule(mod, String.raw`\.\./`) },
    },
    {
      files: [`apps/api/src/modules/${mod}/*/**/*.ts`],
      ignores: KNOWN_BOUNDARY_VIOLATIONS,
      rules: { '@typescript-eslint/no-restricted-imports': rule(mod, String.raw`\.\./\.\./`) },
    },
  ]);
}

function webFeatureBoundaries() {
  const features = dirs('./apps/web/src/features/');
  return [
    ...features.map((f) => ({
      files: [`apps/web/src/features/${f}/**/*.{ts,tsx}`],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: String.raw`^@/features/(?!${escape(f)}(?:/|$))`,
                message: `features/${f} imports another feature: move what both need to src/lib or src/components (docs/boundaries.md).`,
              },
              {
                regex: String.raw`^(?:\.\./)+(?:features/)?(?!${escape(f)}/)(?:${features.map(escape).join('|')})(?:/|$)`,
                message: `features/${f} imports another feature: move what both need to src/lib or src/components (docs/boundaries.md).`,
              },
            ],
          },
        ],
      },
    })),
    {
      // Shared code flows one way: lib, components → features → app.
      files: ['apps/web/src/lib/**/*.{ts,tsx}', 'apps/web/src/components/**/*.{ts,tsx}'],
      rules: {
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: String.raw`^(?:@/(?:features|app)(?:/|$)|(?:\.\./)+(?:features|app)(?:/|$))`,
                message:
                  'src/lib and src/components are shared by every feature: they never import a feature or the app.',
              },
            ],
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', '.ci-artifacts/**', 'e2e/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Config once: only apps/api/src/config reads the environment.
    files: ['apps/**/*.{ts,tsx}', 'packages/**/*.ts'],
    ignores: ['apps/api/src/config/**', ...TESTS],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration in apps/api/src/config (Config) and pass it in; nothing else reads process.env.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "VariableDeclarator[init.name='process'] > ObjectPattern > Property[key.name='env']",
          message: 'Read configuration in apps/api/src/config (Config) and pass it in; nothing else reads process.env.',
        },
      ],
    },
  },
  {
    // Type-aware rules for the app sources (tests too: a floating promise there hides a failure).
    files: ['apps/api/src/**/*.ts', 'apps/web/src/**/*.{ts,tsx}'],
    // The test tsconfigs include sources and tests, so one program per app serves every file.
    languageOptions: {
      parserOptions: {
        project: ['apps/api/tsconfig.test.json', 'apps/web/tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's describe/it/test return a promise the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after'] },
          ],
        },
      ],
    },
  },
  ...apiModuleBoundaries(),
  ...webFeatureBoundaries(),
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
