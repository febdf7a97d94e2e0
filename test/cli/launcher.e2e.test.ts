import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { commandsWithoutTls, createProgram } from '../../src/cli/program.js';
import type { CliDeps } from '../../src/cli/context.js';
import { BIN, cfgtrail, cliEnv, configDir } from '../helpers/cli.js';

// A CA file that does not exist: Node warns about it on stderr at start-up,
// which shows from outside whether a process was started with the variable.
const CA = '/nonexistent/cfgtrail-test-ca.pem';
const WARNING = 'Ignoring extra certs';

/** Runs bin/cfgtrail.js the way a user does: as an executable, so its shell part runs. */
function direct(args: string[], cwd: string) {
  const r = spawnSync(BIN, args, { cwd, env: cliEnv({ NODE_EXTRA_CA_CERTS: CA }), encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/cfgtrail.js run as an executable', () => {
  it('runs offline commands without NODE_EXTRA_CA_CERTS and passes arguments intact', () => {
    const dir = configDir('example');
    const init = direct(['-C', dir, 'init'], '/');
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    writeFileSync(join(dir, 'extra.yaml'), 'a: 1\n');
    const snap = direct(['snapshot', '-m', 'two  words; $HOME "quoted"', '--trailer', 'Ticket: OPS-1'], dir);
    expect(snap.stderr).toBe('');
    expect(snap.code).toBe(0);
    const log = direct(['log', '-n', '1', '--json'], dir);
    expect(log.stderr).toBe('');
    const [entry] = JSON.parse(log.stdout) as { title: string; trailers: { key: string; value: string }[] }[];
    expect(entry!.title).toBe('two  words; $HOME "quoted"');
    expect(entry!.trailers).toContainEqual({ key: 'Ticket', value: 'OPS-1' });
    // The same output as through node, which skips the shell part.
    expect(log.stdout).toBe(cfgtrail(['log', '-n', '1', '--json'], { cwd: dir }).stdout);
    for (const args of [['status'], ['diff'], ['show', 'HEAD'], ['export', 'HEAD'], ['--no-color', 'log', '--oneline'], ['fsck', '--quiet']]) {
      const r = direct(args, dir);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });

  it('keeps NODE_EXTRA_CA_CERTS for verify, whose checks and restarts inherit it', () => {
    const dir = configDir('example');
    expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
    const check = ['sh', '-c', `test "$NODE_EXTRA_CA_CERTS" = '${CA}'`];
    const services = [{ name: 'app', files: ['*.yaml'], restart: { command: ['true'] }, health: [{ command: check }] }];
    writeFileSync(join(dir, '.cfgtrail', 'settings.yaml'), stringify({ services }));
    const r = direct(['verify', '--no-record'], dir);
    expect(r.stderr).toContain(WARNING);
    expect(r.code).toBe(0);
    expect(direct(['log'], dir).stderr).toBe('');
  });

  it('starts without NODE_EXTRA_CA_CERTS exactly the commands that declare no TLS (the list the build writes)', () => {
    const deps: CliDeps = { stdout: () => {}, stderr: () => {}, cwd: '/', env: {}, now: () => 0, isTTY: false, argv: [] };
    const line = /^ {2}([a-z|-]+)\) unset NODE_EXTRA_CA_CERTS ;;$/m.exec(readFileSync(BIN, 'utf8'));
    const listed = line![1]!.split('|');
    expect(listed).toEqual(commandsWithoutTls(deps));
    // Every listed name is a command of the program, and the program has commands beyond them.
    const all = createProgram(deps).commands.map((c) => c.name());
    expect(all).toEqual(expect.arrayContaining(listed));
    expect(all.filter((n) => !listed.includes(n))).toEqual(expect.arrayContaining(['rollback', 'verify', 'restart']));
  });
});
