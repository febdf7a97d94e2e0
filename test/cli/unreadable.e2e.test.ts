import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cliEnv, configDir, git } from '../helpers/cli.js';

// Root reads every file whatever its mode, and the tests run as root here: the
// commands below run as the unprivileged user `nobody` (setpriv, util-linux),
// over a config dir that user owns, with one file only root may read.
const NOBODY = 65534;
const canDrop = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;

function chownTree(dir: string): void {
  chownSync(dir, NOBODY, NOBODY);
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) chownTree(p);
    else chownSync(p, NOBODY, NOBODY);
  }
}

function asNobody(args: string[], cwd: string) {
  const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, BIN, ...args], {
    cwd, env: cliEnv({ HOME: cwd }), encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!canDrop)('a file the user cannot read', () => {
  it('snapshot, status and diff stop with exit 8 naming the file, record nothing, and work once it is readable', () => {
    const dir = configDir('example');
    chownTree(dir);
    expect(asNobody(['init'], dir).code).toBe(0);
    expect(asNobody(['snapshot', '-m', 'first'], dir).code).toBe(0);
    const store = join(dir, '.cfgtrail');
    const head = git(['--git-dir', store, 'rev-parse', 'HEAD']).trim();
    const secret = join(dir, 'private.yaml');
    writeFileSync(secret, 'password: hunter2\n');
    chmodSync(secret, 0o600); // owned by root
    expect(statSync(secret).uid).toBe(0);
    for (const args of [['snapshot', '-m', 'second'], ['status'], ['diff']]) {
      const r = asNobody(args, dir);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 8, stderr: `cfgtrail: cannot read '${secret}': permission denied\n` });
    }
    expect(git(['--git-dir', store, 'rev-parse', 'HEAD']).trim()).toBe(head);
    expect(git(['--git-dir', store, 'fsck', '--strict'])).toBe('');
    chmodSync(secret, 0o644);
    const ok = asNobody(['snapshot', '-m', 'second'], dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('A private.yaml');
  });
});
