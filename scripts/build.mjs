// Bundles the CLI into dist/ so a cold start loads few files and never scans
// node_modules (isomorphic-git's ESM entry alone costs ~80 ms of CommonJS scanning).
//
// Heavy libraries (src/core/lazy.ts) are require()d on first use. Each is
// bundled on its own into dist/vendor/<name>.cjs, so a command that does not
// need it neither evaluates nor even parses it (`cfgtrail log` needs none).
// ink and React stay external: only a terminal UI may load them.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const LAZY = ['yaml', 'isomorphic-git', 'diff', 'proper-lockfile'];
const banner = { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" };

// Old chunks would pile up: esbuild names them by content hash.
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

/** Points `require('yaml')` at the vendored bundle next to the output. */
const vendored = {
  name: 'vendored',
  setup(b) {
    const filter = new RegExp(`^(${LAZY.map((n) => n.replace(/[-/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => (args.kind === 'require-call' ? { path: `./vendor/${args.path}.cjs`, external: true } : undefined));
  },
};

await build({
  entryPoints: { cli: 'src/cli/main.ts', lib: 'src/core/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['ink', 'react', 'react/jsx-runtime'],
  plugins: [vendored],
  // Bundled CommonJS code and src/core/lazy.ts call require().
  banner,
  logLevel: 'warning',
});
