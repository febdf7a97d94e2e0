import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';

const deps = { stdout: () => undefined, stderr: () => undefined, cwd: '/nonexistent', env: {}, now: () => 0, isTTY: false, argv: [] };

/** Each command's long option names. */
function optionsByCommand(): Map<string, string[]> {
  const program = createProgram(deps);
  const out = new Map<string, string[]>();
  const walk = (cmd: typeof program, prefix: string) => {
    for (const c of cmd.commands) {
      const name = `${prefix}${c.name()}`;
      out.set(name, c.options.map((o) => o.long ?? ''));
      walk(c, `${name} `);
    }
  };
  walk(program, '');
  return out;
}

describe('--host and --all-hosts', () => {
  it('are offered by the query commands only: no command that changes a store can be pointed at a fetched host', () => {
    const byCommand = optionsByCommand();
    // `remote add URL --host NAME` names this store's own branch on the server: not a fetched host
    const withHost = [...byCommand].filter(([n, opts]) => opts.includes('--host') && n !== 'remote add').map(([n]) => n).sort();
    const withAll = [...byCommand].filter(([, opts]) => opts.includes('--all-hosts')).map(([n]) => n).sort();
    expect(withHost).toEqual(['blame', 'deps', 'export', 'history', 'log', 'show', 'suspects']);
    expect(withAll).toEqual(['log', 'suspects']);
    expect(byCommand.get('hosts')).toEqual(['--json']);
    expect(byCommand.get('remote add')).toContain('--host');
  });
});
