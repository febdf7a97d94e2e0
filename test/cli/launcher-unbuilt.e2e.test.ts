import { spawnSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, tempDir } from '../helpers/cli.js';

/** A copy of bin/ in a temp checkout with no dist/ beside it: a clone before `npm run build`. */
function unbuiltBin(): string {
  const root = tempDir();
  cpSync(dirname(BIN), join(root, 'bin'), { recursive: true });
  expect(existsSync(join(root, 'dist'))).toBe(false);
  return join(root, 'bin', 'cfgtrail.js');
}

const NOT_BUILT = { code: 8, stdout: '', stderr: 'cfgtrail: not built yet: run `npm run build` first\n' };

describe('bin/cfgtrail.js on a clone that was never built', () => {
  it('says to build first, in one line, exit 8, through node and as an executable', () => {
    const bin = unbuiltBin();
    const cwd = tempDir();
    const runs = [
      spawnSync(process.execPath, [bin, 'log'], { cwd, env: cliEnv(), encoding: 'utf8' }),
      // as a user runs it: the shell part first, for a command it keeps the environment of and one it trims
      spawnSync(bin, ['verify'], { cwd, env: cliEnv(), encoding: 'utf8' }),
      spawnSync(bin, ['-C', cwd, 'status'], { cwd, env: cliEnv(), encoding: 'utf8' }),
    ];
    for (const r of runs) expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual(NOT_BUILT);
  });
});
