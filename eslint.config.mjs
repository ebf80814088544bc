import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { noImportCycle } from './lint/no-import-cycle.mjs';

/**
 * The layers of src/ (README "Design"), low to high: a folder may import itself and the folders of
 * lower rows, never a row above nor another folder of its own row. src/index.ts (the public entry)
 * re-exports from every layer and is in none.
 */
const LAYERS = [
  ['core'],
  ['storage'],
  ['queue'],
  ['observability'],
  ['process'],
  ['resilience'],
  ['session', 'cache'],
  ['client'],
  ['tools'],
  ['compat'],
  ['gateway'],
  ['http', 'sdk-client'],
  ['cli'],
];

const layerZones = LAYERS.flatMap((row, level) =>
  row.flatMap((folder) => {
    const above = [...row.filter((other) => other !== folder), ...LAYERS.slice(level + 1).flat()];
    if (above.length === 0) return [];
    return {
      target: `./src/${folder}`,
      from: above.map((other) => `./src/${other}`),
      message: `Layers: src/${folder} may import only lower layers (${LAYERS.slice(0, level).flat().join(', ') || 'none'}); see README "Design".`,
    };
  }),
);

/** Rules on top of the order: what a layer must not know about even below it. */
const extraZones = [
  // compat/openai-responses shares OpenAI's error shape, image URLs and schema errors with
  // compat/openai (one vendor), and like it must not know the Anthropic translation.
  ...['anthropic', 'openai', 'openai-responses'].flatMap((api) => [
    {
      target: `./src/compat/${api}`,
      from: './src/client',
      except: ['./run-options.ts'],
      message: 'compat/ is pure translation: no client state (run options are fine).',
    },
    {
      target: `./src/compat/${api}`,
      from: './src/tools',
      except: ['./client-tool.ts'],
      message: 'compat/ is pure translation: no tool-run state (client tool types are fine).',
    },
    {
      target: `./src/compat/${api}`,
      from: './src/session',
      message: 'compat/ is pure translation: conversations belong to gateway/.',
    },
    {
      target: `./src/compat/${api}`,
      from: `./src/compat/${api === 'anthropic' ? 'openai' : 'anthropic'}`,
      message: 'compat/<api> folders do not know about each other (shared code goes in compat/).',
    },
  ]),
  ...['http', 'cli', 'observability'].map((folder) => ({
    target: `./src/${folder}`,
    from: './src/process',
    message: `src/${folder} must not know process details: go through client/.`,
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-check/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX, local: { rules: { 'no-import-cycle': noImportCycle } } },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...extraZones] }],
      // import-x/no-cycle skips type-only imports; this one counts them.
      'local/no-import-cycle': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
  },
);
