import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Trailer } from '../../../src/core/types.js';

/**
 * Native `git interpret-trailers --parse` with no user, system or repo config
 * (a `trailer.*` setting would change the rules), run in an empty temp dir.
 */
export function createGitOracle(): { parse: (message: string) => Trailer[]; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-trailers-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CEILING_DIRECTORIES: dir,
    LC_ALL: 'C',
  };
  const parse = (message: string): Trailer[] => {
    const out = execFileSync('git', ['interpret-trailers', '--parse'], { input: message, cwd: dir, env, encoding: 'utf8' });
    return parseGitOutput(out);
  };
  return { parse, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** git prints one `Key: value` line per trailer; keys never hold `:`. */
export function parseGitOutput(out: string): Trailer[] {
  if (out === '') return [];
  const lines = out.endsWith('\n') ? out.slice(0, -1).split('\n') : out.split('\n');
  return lines.map((line) => {
    const at = line.indexOf(': ');
    if (at < 1) throw new Error(`unexpected git output line ${JSON.stringify(line)}`);
    return { key: line.slice(0, at), value: line.slice(at + 2) };
  });
}
