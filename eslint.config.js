// Lint rules: typescript-eslint's recommended set, plus the import directions of STYLE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbid = (patterns, message) => ({ group: patterns, message });
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const noAdapters = forbid(['**/adapters/**'], 'the gateway talks to adapters only over AMQP');
const noGateway = forbid(['**/gateway/**'], 'routing/ never imports gateway/ or adapters/');

/**
 * The gateway's folders and which other gateway folders each may import. Lower layers never
 * reach up: platform is the base, medcom and attachments are pure content rules, http is the
 * web layer, and the features above them use each other's stores and domain functions.
 */
const gatewayLayers = {
  platform: [],
  medcom: ['platform'],
  attachments: ['platform'],
  http: ['platform', 'clients'],
  clients: ['platform', 'http', 'audit'],
  directory: ['platform', 'http', 'audit', 'clients'],
  letters: ['platform', 'http', 'medcom', 'attachments', 'audit', 'clients'],
  misroutes: ['platform', 'http', 'attachments', 'audit', 'clients', 'letters'],
  acknowledgements: ['platform', 'http', 'medcom', 'audit', 'clients', 'letters', 'misroutes'],
  delivery: ['platform', 'http', 'audit', 'letters'],
  audit: ['platform', 'http', 'medcom', 'clients', 'letters', 'misroutes', 'delivery'],
  cli: ['platform', 'medcom', 'audit', 'clients', 'directory', 'letters', 'delivery'],
  // The browser console: pages over the same domain functions the API handlers call.
  console: ['platform', 'http', 'audit', 'clients', 'directory', 'letters', 'misroutes', 'delivery'],
};
const folders = Object.keys(gatewayLayers);

function layerRule(folder) {
  const denied = folders.filter((other) => other !== folder && !gatewayLayers[folder].includes(other));
  return {
    regex: `^\\.\\./(${denied.join('|')})/`,
    message: `gateway/${folder}/ may import only ${gatewayLayers[folder].join(', ') || 'nothing of the gateway'} (eslint.config.js)`,
  };
}

// Routes are mounted by app.ts; a feature's *-api.ts is never another folder's building block.
const noForeignApi = {
  regex: '^\\.\\./[a-z-]+/[a-z-]+-api\\.ts$',
  message: 'only app.ts mounts another folder’s routes',
};
const noRootFiles = {
  regex: '^\\.\\./(?!app-deps\\.ts$)[a-z-]+\\.ts$',
  message: 'gateway/ root files wire the process; folders do not import them',
};
// The trail and the client store sit below every feature (each writes to the trail, http
// authenticates through the store), so they import only the platform.
const baseOnly = {
  regex: '^\\.\\./(?!platform/)[a-z-]+/',
  message: 'this module sits below every feature: platform only',
};
const noExpress = forbid(['express'], 'only the HTTP layer and *-api.ts files import express');

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', 'bench-results/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['schemas/**'],
    rules: restrict(forbid(['**/routing/**', '**/gateway/**', '**/adapters/**'], 'schemas/ imports nothing of ours')),
  },
  { files: ['routing/**'], rules: restrict(noGateway, forbid(['**/adapters/**'], 'routing/ never imports adapters/')) },
  {
    files: ['adapters/**'],
    rules: restrict(forbid(['**/gateway/**', '**/routing/**'], 'adapters reach the gateway only over AMQP and HTTP')),
  },
  { files: ['gateway/*.ts'], rules: restrict(noAdapters) },
  ...folders.flatMap((folder) => [
    {
      files: [`gateway/${folder}/**/*.ts`],
      ignores: ['**/*.test.ts'],
      rules: restrict(
        noAdapters,
        layerRule(folder),
        noForeignApi,
        noRootFiles,
        ...(folder === 'http' ? [] : [noExpress]),
      ),
    },
    {
      files: [`gateway/${folder}/**/*-api.ts`],
      rules: restrict(noAdapters, layerRule(folder), noForeignApi, noRootFiles),
    },
  ]),
  { files: ['gateway/audit/audit-trail.ts', 'gateway/clients/client-store.ts'], rules: restrict(noAdapters, baseOnly) },
  {
    // The console's progressive enhancement and the /docs init script run in the browser.
    files: ['gateway/console/assets/**/*.js', 'gateway/http/docs-assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        window: 'readonly',
        HTMLFormElement: 'readonly',
        HTMLDialogElement: 'readonly',
        DOMParser: 'readonly',
        DataTransfer: 'readonly',
        FormData: 'readonly',
        XMLHttpRequest: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    files: ['test/**', '**/*.test.ts', 'gateway/cli.ts', 'gateway/cli/**', 'gateway/stack.ts', '**/bench/**'],
    rules: { 'no-console': 'off' },
  },
);
