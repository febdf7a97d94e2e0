// Bundles the CLI into dist/ so a cold start loads one file and never scans
// node_modules (isomorphic-git's ESM entry costs ~80 ms of CommonJS scanning).
// ink and React stay external: only a terminal UI may load them, never a plain command.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Old chunks would pile up: esbuild names them by content hash.
rmSync('dist', { recursive: true, force: true });

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
  // Some bundled CommonJS dependencies call require() on Node built-ins.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
