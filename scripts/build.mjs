// Bundles the CLI into dist/ so a cold start loads few files and never scans
// node_modules (an ESM entry can cost tens of ms of CommonJS scanning).
// Output: dist/cli.cjs (+ dist/cli.cache), dist/lib.js, dist/index-worker.cjs, dist/vendor/*.cjs.
//
// Heavy libraries (src/core/lazy.ts) are require()d on first use. Each is
// bundled on its own into dist/vendor/<name>.cjs, so a command that does not
// need it neither evaluates nor even parses it (`cfgtrail log` needs none).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

// The libraries src/core/lazy.ts require()s: read from it, so the two cannot disagree.
const LAZY = [...readFileSync('src/core/lazy.ts', 'utf8').matchAll(/\brequire\('([^']+)'\)/g)].map((m) => m[1]);

// A code cache must never outlive the bundle it was made for.
rmSync('dist', { recursive: true, force: true });

await Promise.all(
  LAZY.map((name) =>
    build({
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: process.cwd() },
      outfile: `dist/vendor/${name}.cjs`,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
    }),
  ),
);

// Adapters loaded only by the commands that need them (a dynamic import() of
// them): each is bundled on its own, with its libraries, like the ones above.
// otel-sdk: the OpenTelemetry SDK, only when tracing is configured
// (src/cli/tracing.ts). git-remote: isomorphic-git, only for remote, push,
// fetch and pull (src/cli/commands/remote.ts).
const LAZY_ADAPTERS = ['otel-sdk', 'git-remote'];
await Promise.all(
  LAZY_ADAPTERS.map((name) =>
    build({
      entryPoints: [`src/adapters/${name}.ts`],
      outfile: `dist/vendor/${name}.cjs`,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      // Their ES module builds, which esbuild can tree-shake: 211 KB instead of 746 KB
      // (semantic-conventions alone is 200 KB of constants as CommonJS).
      mainFields: ['module', 'main'],
      logLevel: 'warning',
    }),
  ),
);

/** `import('../adapters/<name>.js')` becomes a require() of dist/vendor/<name>.cjs, evaluated on first call. */
const lazyAdapters = {
  name: 'lazy-adapters',
  setup(b) {
    const filter = new RegExp(`/adapters/(${LAZY_ADAPTERS.join('|')})\\.js$`);
    b.onResolve({ filter }, (args) => (args.kind === 'dynamic-import' ? { path: filter.exec(args.path)[1], namespace: 'lazy-adapter' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-adapter' }, (args) => ({ contents: `module.exports = require('./vendor/${args.path}.cjs');`, loader: 'js' }));
    b.onResolve({ filter: /^\.\/vendor\/[a-z-]+\.cjs$/ }, (args) => (LAZY_ADAPTERS.some((n) => args.path === `./vendor/${n}.cjs`) ? { path: args.path, external: true } : undefined));
  },
};

/** Points `require('yaml')` at the vendored bundle next to the output. */
const vendored = {
  name: 'vendored',
  setup(b) {
    const filter = new RegExp(`^(${LAZY.map((n) => n.replace(/[-/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => (args.kind === 'require-call' ? { path: `./vendor/${args.path}.cjs`, external: true } : undefined));
  },
};

/**
 * Node built-ins that cost 0.5-2 ms each to load and that most commands never
 * use (`cfgtrail log` starts no process and hashes nothing): importers get a
 * module of stand-ins that require() the real one on first call.
 */
const LAZY_BUILTINS = ['child_process', 'crypto', 'readline', 'fs/promises', 'net'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.map((n) => n.replace('/', '\\/')).join('|')})$`);
    b.onResolve({ filter }, (args) =>
      // The stand-ins' own require() gets the real module.
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const real = createRequire(import.meta.url)(`node:${args.path}`);
      const names = Object.keys(real).filter((k) => typeof real[k] === 'function' && /^[A-Za-z_$][\w$]*$/.test(k));
      const lines = [
        'let real;',
        `const load = () => (real ??= require(${JSON.stringify(`node:${args.path}`)}));`,
        ...names.map((k) => `export function ${k}(...a) { return new.target ? Reflect.construct(load().${k}, a) : load().${k}(...a); }`),
        'export default new Proxy({}, { get: (_, k) => load()[k] });',
      ];
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/** src/cli/tui-load.ts in the CLI bundle: a require of dist/tui-load.cjs, made only when `tui` runs. */
const tuiLoader = {
  name: 'tui-loader',
  setup(b) {
    b.onLoad({ filter: /src[\\/]cli[\\/]tui-load\.ts$/ }, () => ({
      contents: "export function loadTui() { return require('./tui-load.cjs').loadTui(); }",
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/tui-load\.cjs$/ }, (args) => ({ path: args.path, external: true }));
  },
};

// The CLI is one CommonJS file: Node runs a CommonJS entry without starting
// its ESM loader (~5 ms), and bin/cfgtrail.js can compile it with V8's code
// cache (below).
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  plugins: [vendored, lazyBuiltins, lazyAdapters, tuiLoader],
  logLevel: 'warning',
});

// The library entry (benchmarks load it), as ESM; src/core/lazy.ts calls require().
await build({
  entryPoints: { lib: 'src/core/index.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  plugins: [vendored],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

// The index rebuild's worker thread: src/core/audit/parallel-lines.ts finds it
// beside the bundle that runs (dist/cli.cjs or dist/lib.js).
await build({
  entryPoints: ['src/core/audit/index-worker.ts'],
  outfile: 'dist/index-worker.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [vendored],
  logLevel: 'warning',
});

await buildTui();
writeLauncherCommands();
await writeCodeCache();

/**
 * dist/tui.mjs: the TUI with ink and React, bundled apart from the CLI so that
 * no other command loads them (importing ink from node_modules cost 250-390 ms,
 * the bundle ~65 ms: docs/decisions.md). ESM, as ink 6 is (yoga-layout uses
 * top-level await, so it cannot be require()d). The CLI bundle runs in a
 * vm.Script, where import() is unavailable: it requires dist/tui-load.cjs, a
 * real CommonJS module whose import() loads the bundle.
 */
async function buildTui() {
  /** ink imports its devtools (and react-devtools-core, not installed) only when DEV=true. */
  const noDevtools = {
    name: 'no-devtools',
    setup(b) {
      b.onResolve({ filter: /^\.\/devtools\.js$/ }, () => ({ path: './ink-devtools-not-bundled.js', external: true }));
    },
  };
  await build({
    entryPoints: ['src/tui/render.tsx'],
    outfile: 'dist/tui.mjs',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [vendored, noDevtools],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  writeFileSync('dist/tui-load.cjs', "'use strict';\n// Loads dist/tui.mjs for dist/cli.cjs (src/cli/tui-load.ts).\nexports.loadTui = () => import('./tui.mjs');\n");
}

/**
 * The launcher's shell part starts the commands that declare no TLS
 * (src/cli/program.ts) without NODE_EXTRA_CA_CERTS. Their names come from the
 * bundle just built, so a new command cannot be missed or wrongly added; the
 * file is rewritten only when the list changed.
 */
function writeLauncherCommands() {
  const cli = createRequire(import.meta.url)(resolve('dist/cli.cjs'));
  const names = cli.commandsWithoutTls(cli.processDeps([]));
  const launcher = 'bin/cfgtrail.js';
  const text = readFileSync(launcher, 'utf8');
  const line = /^  [a-z|-]+\) unset NODE_EXTRA_CA_CERTS ;;$/m;
  if (!line.test(text)) throw new Error(`${launcher}: no "NAMES) unset NODE_EXTRA_CA_CERTS ;;" line to write the commands into`);
  const next = text.replace(line, `  ${names.join('|')}) unset NODE_EXTRA_CA_CERTS ;;`);
  if (next !== text) writeFileSync(launcher, next);
}

/**
 * V8's code cache for dist/cli.cjs: bin/cfgtrail.js runs the usual commands
 * in one process on a copy of the example (log, diff, snapshot, show,
 * rollback) and saves the bytecode of every function they compiled, so a
 * cold start compiles little. V8 rejects a cache from another Node version
 * and bin/cfgtrail.js then compiles from source; the cache is only ever made
 * here, right after the bundle it belongs to.
 */
async function writeCodeCache() {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-build-'));
  try {
    cpSync('fixtures/example', dir, { recursive: true });
    const bin = resolve('bin/cfgtrail.js');
    const env = { ...process.env, GIT_AUTHOR_NAME: 'Build', GIT_AUTHOR_EMAIL: 'build@localhost' };
    const run = (args, extra = {}) => {
      const r = spawnSync(process.execPath, [bin, ...args], { env: { ...env, ...extra }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`code cache: cfgtrail ${args.join(' ')} failed: ${r.stderr}`);
    };
    run(['-C', dir, 'init']);
    run(['-C', dir, 'snapshot', '-m', 'first']);
    writeFileSync(join(dir, 'build.yaml'), 'a: 1\n');
    run(['-C', dir, 'snapshot', '-m', 'second']);
    writeFileSync(join(dir, 'build.yaml'), 'a: 2\n');
    const workload = [['log', '--grep', 'first'], ['log', '--author', 'Build', '--oneline'], ['diff'], ['snapshot', '-m', 'third'], ['show', 'HEAD'], ['rollback', '--previous', '--yes', '--no-restart', '--no-verify']];
    run([], { CFGTRAIL_CODE_CACHE: resolve('dist/cli.cache'), CFGTRAIL_CODE_CACHE_RUNS: JSON.stringify(workload.map((a) => ['-C', dir, ...a])) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
