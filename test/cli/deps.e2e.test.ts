import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cfgtrail, gitIn, tempDir } from '../helpers/cli.js';

function snap(dir: string, file: string, text: string, args: string[]): void {
  writeFileSync(join(dir, file), text);
  const r = cfgtrail(['snapshot', ...args], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
}

/** A store whose changes name each other in Depends-On: D → C → B, D → B; E depends on a change of another store. */
function dependencyStore(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.yaml'), 'a: 0\n');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  snap(dir, 'a.yaml', 'a: 1\n', ['-m', 'base', '--change-id', 'I1111000000000000']);
  snap(dir, 'b.yaml', 'schema: 2\n', ['-m', 'schema v2', '--change-id', 'I2222000000000000']);
  snap(dir, 'c.yaml', 'app: 3\n', ['-m', 'app uses schema v2', '--change-id', 'I3333000000000000', '--depends-on', 'I2222000000000000']);
  snap(dir, 'd.yaml', 'feature: 4\n', ['-m', 'feature', '--change-id', 'I4444000000000000', '--depends-on', 'I3333000000000000', '--depends-on', 'I2222']);
  return dir;
}

interface Graph {
  root: string;
  nodes: { changeId: string; title: string | null; status: string; inEffect: boolean; undoneBy: string | null }[];
  edges: { from: string; to: string }[];
  dependsOn: string[];
  dependents: string[];
}

describe('change dependencies', () => {
  it('deps prints the graph both ways, transitively, with each change\'s state; show lists the direct ones', () => {
    const dir = dependencyStore();
    const g = JSON.parse(cfgtrail(['deps', 'I3333', '--json'], { cwd: dir }).stdout) as Graph;
    expect(g.root).toBe('I3333000000000000');
    expect(g.dependsOn).toEqual(['I2222000000000000']);
    expect(g.dependents).toEqual(['I4444000000000000']);
    expect(g.edges).toEqual(expect.arrayContaining([
      { from: 'I3333000000000000', to: 'I2222000000000000' },
      { from: 'I4444000000000000', to: 'I3333000000000000' },
      { from: 'I4444000000000000', to: 'I2222000000000000' },
    ]));
    expect(g.nodes.map((n) => [n.changeId, n.status]).sort()).toEqual([
      ['I2222000000000000', 'in effect'], ['I3333000000000000', 'in effect'], ['I4444000000000000', 'in effect'],
    ]);
    // the change-ids carried in trailers, as native git reads them
    expect(gitIn(join(dir, '.cfgtrail'), ['log', '--format=%(trailers:key=Depends-On,valueonly,separator=%x2C)']).trim().split('\n')).toEqual([
      'I3333000000000000,I2222000000000000', 'I2222000000000000',
    ]);
    const show = cfgtrail(['show', 'I3333'], { cwd: dir }).stdout;
    expect(show).toContain('Depends on:     I2222000000000000 schema v2 (in effect)');
    expect(show).toContain('Depended on by: I4444000000000000 feature (in effect)');
    const showJson = JSON.parse(cfgtrail(['show', 'I2222', '--json'], { cwd: dir }).stdout) as { dependencies: { dependsOn: unknown[]; dependents: { changeId: string }[] } };
    expect(showJson.dependencies.dependsOn).toEqual([]);
    expect(showJson.dependencies.dependents.map((d) => d.changeId).sort()).toEqual(['I3333000000000000', 'I4444000000000000']);
    expect(cfgtrail(['show', 'I1111'], { cwd: dir }).stdout).not.toContain('Depend');

    // the text tree and DOT (checked by Graphviz's own parser when it is installed)
    expect(cfgtrail(['deps', 'I2222'], { cwd: dir }).stdout).toBe([
      'I2222000000000000 schema v2 (in effect)',
      'depends on: none',
      'depended on by:',
      '  I4444000000000000 feature (in effect)',
      '  I3333000000000000 app uses schema v2 (in effect)',
      '    I4444000000000000 feature (in effect) …',
      '',
    ].join('\n'));
    const dot = cfgtrail(['deps', 'I2222', '--format', 'dot'], { cwd: dir }).stdout;
    expect(dot).toMatch(/^digraph dependencies \{/);
    expect(dot).toContain('"I3333000000000000" -> "I2222000000000000"');
    let hasDot = true;
    try {
      execFileSync('dot', ['-V'], { stdio: 'ignore' });
    } catch {
      hasDot = false; // Graphviz is optional: the text checks above still ran
    }
    if (hasDot) expect(execFileSync('dot', ['-Tcanon'], { input: dot, encoding: 'utf8' })).toContain('I4444000000000000');
  });

  it('a rollback of a change with live dependents warns and lists them; the graph then shows it rolled back', () => {
    const dir = dependencyStore();
    // undo only b.yaml's change (schema v2): C and D stay in effect and depend on it
    const dry = cfgtrail(['revert', 'I2222', '--dry-run'], { cwd: dir });
    expect(dry.stdout + dry.stderr).toMatch(/I3333000000000000[^\n]*Depends-On: I2222000000000000/);
    expect(dry.stdout + dry.stderr).toMatch(/I4444000000000000[^\n]*Depends-On: I2222000000000000/);
    const refused = cfgtrail(['revert', 'I2222', '--yes', '--no-restart'], { cwd: dir });
    expect(refused.code).toBe(13);
    const forced = cfgtrail(['revert', 'I2222', '--yes', '--force', '--no-restart', '--no-verify'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    const g = JSON.parse(cfgtrail(['deps', 'I4444', '--json'], { cwd: dir }).stdout) as Graph;
    const b = g.nodes.find((n) => n.changeId === 'I2222000000000000')!;
    expect([b.status, b.inEffect]).toEqual(['reverted', false]);
    expect(cfgtrail(['deps', 'I4444', '--format', 'dot'], { cwd: dir }).stdout).toMatch(/"I2222000000000000" \[label="[^"]*reverted", style=dashed, color=red\]/);
  });

  it('refuses unknown ids and bad flags in one line', () => {
    const dir = dependencyStore();
    for (const [args, code] of [[['deps', 'I9999'], 4], [['deps', 'nosuch'], 4], [['deps', 'I2222', '--json', '--format', 'dot'], 2], [['deps', 'I2222', '--format', 'svg'], 2]] as [string[], number][]) {
      const r = cfgtrail(args, { cwd: dir });
      expect([args.join(' '), r.code]).toEqual([args.join(' '), code]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
