/**
 * Heavy libraries, loaded on first use. A one-shot CLI pays for every module
 * it evaluates: yaml, js-yaml and jsdiff together cost ~40-60 ms of
 * start-up even bundled, and `cfgtrail log` needs none of them. A plain
 * `require()` call is bundled by esbuild as a lazily evaluated module (an ESM
 * `import` would be evaluated at start-up); `dist/` gets `require` from the
 * build banner, and the test setup defines it for vitest.
 */
import type * as YamlLib from 'yaml';
import type * as JsDiff from 'diff';
import type * as JsYaml from 'js-yaml';

/** The `yaml` package. */
export function yamlLib(): typeof YamlLib {
  return require('yaml') as typeof YamlLib;
}

/** js-yaml 4, the fast reader for large YAML files (see diff/fast-yaml.ts). */
export function jsYamlLib(): typeof JsYaml {
  return require('js-yaml') as typeof JsYaml;
}

/** jsdiff (the `diff` package), for text-diff fallbacks. */
export function jsDiff(): typeof JsDiff {
  return require('diff') as typeof JsDiff;
}
