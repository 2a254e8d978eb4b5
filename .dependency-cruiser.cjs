/**
 * Layer rules (issue 12): each server folder imports only those to its left —
 * shared ← warehouse ← stream ← ingest ← api ← cli — and nothing imports in a circle.
 * The dashboard is a separate program: from the server it may only take types
 * (`import type`) out of shared/ and api/.
 * `npm run lint:deps` runs this; scripts/test.sh runs it before the tests.
 */
const layers = ['shared', 'warehouse', 'stream', 'ingest', 'api', 'cli'];
/** Tests sit above every layer: they may wire anything to anything (test/support, test/contracts, engines). */
const tests = '[.]test[.]ts$';

/** A rule per layer: it may not import any layer to its right (or the dashboard, bench, test). */
const layerRules = layers.map((layer, i) => {
  const above = [...layers.slice(i + 1), 'dashboard', 'bench', 'test'];
  return {
    name: `${layer}-imports-only-lower-layers`,
    comment: `${layer}/ may import only ${layers.slice(0, i + 1).join(', ')} (the flow is shared ← warehouse ← stream ← ingest ← api ← cli)`,
    severity: 'error',
    from: { path: `^${layer}/`, pathNot: tests },
    to: { path: `^(${above.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'Modules that import each other, directly or around a loop, cannot be read (or tested) one at a time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'dashboard-takes-only-types-from-the-server',
      comment: 'The dashboard is bundled for the browser: from the server it may only import types, from shared/ and api/.',
      severity: 'error',
      from: { path: '^dashboard/', pathNot: tests },
      to: {
        path: '^(shared|warehouse|stream|ingest|api|cli)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'dashboard-types-only-from-shared-and-api',
      comment: 'Reply types come from api/ (TypeBox Static) and shared/; the dashboard never reaches into the engines.',
      severity: 'error',
      from: { path: '^dashboard/', pathNot: tests },
      to: { path: '^(warehouse|stream|ingest|cli)/' },
    },
    {
      name: 'server-does-not-import-the-dashboard',
      severity: 'error',
      from: { path: '^(shared|warehouse|stream|ingest|api|cli)/' },
      to: { path: '^dashboard/' },
    },
    {
      name: 'no-orphans',
      comment: 'A module nobody imports (and that is not an entry point, a test or a config) is dead code.',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '(^|/)[.][^/]+[.](?:js|cjs|mjs|ts|json)$',
          '[.]d[.]ts$',
          '(^|/)tsconfig[.]json$',
          '[.]test[.]ts$',
          '(^|/)vite[^/]*[.]config[.]ts$',
          '(^|/)vitest[^/]*[.]config[.]ts$',
          '^(scripts|bin)/', // programs run by name (npm scripts, the stack, the CLI)
          '[.]mjs$', // stand-alone JavaScript programs (bench anchors, engine probes)
        ],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.cache)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
