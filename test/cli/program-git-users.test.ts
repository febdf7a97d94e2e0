/**
 * The command-line → options mapping for issue 10's "Git users guess right"
 * (as a table, like program.test.ts): revision operands, refused values and
 * combinations, and how usage errors are worded.
 */
import { describe, expect, it } from 'vitest';
import { CommanderError, type Command } from 'commander';
import { createProgram, usageLine } from '../../src/cli/program.js';
import type { CliDeps } from '../../src/cli/context.js';
import { filterFromFlags, type LogFlags } from '../../src/core/audit/log-filter.js';
import { isCfgtrailError } from '../../src/core/errors.js';
import { runCli } from '../../src/cli/main.js';
import { caught } from '../helpers/errors.js';

const NOW = Date.UTC(2026, 10, 26, 15, 0, 0);

function deps(argv: string[], out: string[] = []): CliDeps {
  return { stdout: (t) => void out.push(t), stderr: (t) => void out.push(t), cwd: '/nonexistent', env: {}, now: () => NOW, isTTY: false, argv };
}

/** Parses with the real program and returns what the action of argv[0] receives. */
async function actionArgs(argv: string[]): Promise<unknown[]> {
  const program = createProgram(deps(argv));
  let seen: unknown[] | null = null;
  program.commands.find((c: Command) => c.name() === argv[0])!.action((...args: unknown[]) => {
    seen = args.slice(0, -1);
  });
  await program.parseAsync(argv, { from: 'user' });
  return seen!;
}

describe('log: revision operands and flags reach the action', () => {
  it.each<[string[], string[], Record<string, unknown>]>([
    [['log'], [], {}],
    [['log', 'HEAD~2'], ['HEAD~2'], {}],
    [['log', 'I1111..I2222', '--oneline'], ['I1111..I2222'], { oneline: true }],
    [['log', '^A', 'B', '-n', '2'], ['^A', 'B'], { maxCount: '2' }],
    [['log', '--file', 'k8s/x.yaml', 'HEAD'], ['HEAD'], { file: 'k8s/x.yaml' }],
    [['log', '--', 'deployment.yaml'], ['deployment.yaml'], {}],
  ])('%j', async (argv, revs, flags) => {
    expect(await actionArgs(argv)).toEqual([revs, flags]);
  });
});

describe('refused values and combinations', () => {
  it.each<[string, LogFlags, RegExp]>([
    ['--risk extreme', { risk: 'extreme' }, /--risk must be one of low, medium, high, critical; got 'extreme'/],
    ['--risk empty', { risk: '' }, /--risk must be one of/],
    ['--since after --until', { since: '2026-11-20', until: '2026-11-19' }, /--since '2026-11-20' is later than --until '2026-11-19'/],
  ])('log %s is BAD_INPUT', (_name, flags, message) => {
    const e = caught(() => filterFromFlags(flags, NOW));
    expect(isCfgtrailError(e, 'BAD_INPUT')).toBe(true);
    expect((e as Error).message).toMatch(message);
  });

  it.each(['low', 'HIGH', 'Critical'])('log --risk %s is accepted', (risk) => {
    expect(filterFromFlags({ risk }, NOW)).toEqual({ risk });
  });

  it('--since and --until on the same day are accepted', () => {
    expect(filterFromFlags({ since: '@1700000000', until: '@1700000000' }, NOW)).toEqual({ since: 1_700_000_000, until: 1_700_000_000 });
  });

  it.each<[string[], string]>([
    [['log', '--oneline', '--json'], 'commander.conflictingOption'],
    [['log', '--json', '--oneline'], 'commander.conflictingOption'],
    [['log', '--fiel', 'x'], 'commander.unknownOption'],
    [['show', 'a', 'b'], 'commander.excessArguments'],
  ])('%j is a usage error', async (argv, code) => {
    const program = createProgram(deps(argv));
    const e = await program.parseAsync(argv, { from: 'user' }).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(CommanderError);
    expect((e as CommanderError).code).toBe(code);
  });
});

describe('usage errors: one cfgtrail: line with a hint, exit 2', () => {
  it.each<[string[], string]>([
    [['log', '--oneline', '--json'], "cfgtrail: log: option '--oneline' cannot be used with option '--json' (see 'cfgtrail log --help')\n"],
    [['log', '--fiel', 'x'], "cfgtrail: log: unknown option '--fiel' (did you mean one of --field, --file?; see 'cfgtrail log --help')\n"],
    [['lgo'], "cfgtrail: unknown command 'lgo' (did you mean log?; see 'cfgtrail --help')\n"],
    [['snapshot', '--risk'], "cfgtrail: snapshot: option '--risk <level>' argument missing (see 'cfgtrail snapshot --help')\n"],
  ])('%j', async (argv, text) => {
    const out: string[] = [];
    expect(await runCli(argv, deps(argv, out))).toBe(2);
    expect(out.join('')).toBe(text);
  });

  it.each<[string, string | null, string]>([
    ["error: unknown option '--x'\n", 'log', "cfgtrail: log: unknown option '--x' (see 'cfgtrail log --help')\n"],
    ["error: unknown option '--fiel'\n(Did you mean --file?)\n", 'log', "cfgtrail: log: unknown option '--fiel' (did you mean --file?; see 'cfgtrail log --help')\n"],
    ["error: unknown command 'x'\n", null, "cfgtrail: unknown command 'x' (see 'cfgtrail --help')\n"],
  ])('usageLine(%j)', (text, sub, expected) => {
    const program = createProgram(deps([]));
    const cmd = sub ? program.commands.find((c) => c.name() === sub)! : program;
    expect(usageLine(text, cmd)).toBe(expected);
  });
});
