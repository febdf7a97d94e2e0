import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { createProgram } from '../../src/cli/program.js';
import type { CliDeps } from '../../src/cli/context.js';
import { filterFromFlags, type LogFlags } from '../../src/core/audit/log-filter.js';
import { trailersFromFlags } from '../../src/cli/commands/snapshot.js';
import { isCfgtrailError } from '../../src/core/errors.js';
import type { AuditFilter, Trailer } from '../../src/core/types.js';
import { caught } from '../helpers/errors.js';

const NOW = Date.UTC(2026, 10, 26, 15, 0, 0);
const DAY = 86_400_000;
const secs = (ms: number) => Math.floor(ms / 1000);

describe('log flags → audit filter', () => {
  it.each<[string, LogFlags, AuditFilter]>([
    ['no flags', {}, {}],
    ['-n', { maxCount: '5' }, { limit: 5 }],
    ['-n 0', { maxCount: '0' }, { limit: 0 }],
    ['--since ISO date is local midnight', { since: '2026-11-20' }, { since: secs(new Date(2026, 10, 20).getTime()) }],
    ['--since ISO with zone', { since: '2026-11-20T10:00+01:00' }, { since: secs(Date.UTC(2026, 10, 20, 9)) }],
    ['--since relative words', { since: '3 days ago' }, { since: secs(NOW - 3 * DAY) }],
    ['--until dotted relative', { until: '2.weeks.ago' }, { until: secs(NOW - 14 * DAY) }],
    ['--since and --until', { since: '@1700000000', until: 'yesterday' }, { since: 1_700_000_000, until: secs(NOW - DAY) }],
    ['--author', { author: 'Bob' }, { author: /Bob/ }],
    ['--author -i', { author: 'bob', regexpIgnoreCase: true }, { author: /bob/i }],
    ['--grep -i', { grep: '^Raise', regexpIgnoreCase: true }, { grep: /^Raise/i }],
    ['--change-id', { changeId: 'I0123456789abcdef' }, { changeId: 'I0123456789abcdef' }],
    ['--trailer Key=value', { trailer: ['Ticket=OPS-1'] }, { trailers: [{ key: 'Ticket', value: 'OPS-1' }] }],
    ['--trailer Key: value', { trailer: ['Reviewed-By: Ann'] }, { trailers: [{ key: 'Reviewed-By', value: 'Ann' }] }],
    ['--trailer value with a colon', { trailer: ['Approved-By=Bob <bob@x.org>: lead'] }, { trailers: [{ key: 'Approved-By', value: 'Bob <bob@x.org>: lead' }] }],
    ['--trailer value with =', { trailer: ['Config: pool=40'] }, { trailers: [{ key: 'Config', value: 'pool=40' }] }],
    ['--trailer repeated', { trailer: ['Risk=high', 'Ticket=OPS-2'] }, { trailers: [{ key: 'Risk', value: 'high' }, { key: 'Ticket', value: 'OPS-2' }] }],
    ['--risk', { risk: 'high' }, { risk: 'high' }],
    ['--component', { component: 'db' }, { component: 'db' }],
    ['--file', { file: 'conf.d/cache.yaml' }, { file: 'conf.d/cache.yaml' }],
    ['--file ./dir/', { file: './conf.d/' }, { file: 'conf.d' }],
    ['--field', { field: 'config.yaml:upstreams[name=auth].timeout' }, { field: 'config.yaml:upstreams[name=auth].timeout' }],
    [
      'everything at once',
      { maxCount: '2', since: '1 week ago', author: 'Ann', grep: 'pool', changeId: 'Iaaaaaaaaaaaaaaaa', trailer: ['Ticket=T-1'], risk: 'low', component: 'api', file: 'a.yaml', field: 'x.y' },
      { limit: 2, since: secs(NOW - 7 * DAY), author: /Ann/, grep: /pool/, changeId: 'Iaaaaaaaaaaaaaaaa', trailers: [{ key: 'Ticket', value: 'T-1' }], risk: 'low', component: 'api', file: 'a.yaml', field: 'x.y' },
    ],
  ])('%s', (_name, flags, expected) => {
    expect(filterFromFlags(flags, NOW)).toEqual(expected);
  });

  it.each<[string, LogFlags, RegExp]>([
    ['-n negative', { maxCount: '-1' }, /-n needs a whole number/],
    ['-n fraction', { maxCount: '2.5' }, /-n needs a whole number/],
    ['-n word', { maxCount: 'ten' }, /-n needs a whole number/],
    ['--since garbage', { since: 'last blursday' }, /cannot read date/],
    ['--until impossible date', { until: '2026-02-30' }, /cannot read date/],
    ['--author bad regex', { author: '([' }, /--author/],
    ['--grep bad regex', { grep: '*x' }, /--grep/],
    ['--trailer without separator', { trailer: ['Ticket'] }, /Key: value/],
  ])('%s is BAD_INPUT', (_name, flags, message) => {
    const error = caught(() => filterFromFlags(flags, NOW));
    expect(isCfgtrailError(error, 'BAD_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('snapshot flags → trailers', () => {
  const base = { message: 'x' };
  it.each<[string, Parameters<typeof trailersFromFlags>[0], Trailer[]]>([
    ['none', base, []],
    ['risk', { ...base, risk: 'critical' }, [{ key: 'Risk', value: 'critical' }]],
    ['components repeat', { ...base, component: ['db', 'api'] }, [{ key: 'Component', value: 'db' }, { key: 'Component', value: 'api' }]],
    [
      'fixed order whatever the flag order',
      { ...base, trailer: ['Reviewed-By: Ann'], ticket: 'OPS-1', dependsOn: ['I1111111111111111'], approvedBy: ['Bob', 'Cy'], requestedBy: 'Dee', component: ['db'], risk: 'low' },
      [
        { key: 'Risk', value: 'low' },
        { key: 'Component', value: 'db' },
        { key: 'Requested-By', value: 'Dee' },
        { key: 'Approved-By', value: 'Bob' },
        { key: 'Approved-By', value: 'Cy' },
        { key: 'Depends-On', value: 'I1111111111111111' },
        { key: 'Ticket', value: 'OPS-1' },
        { key: 'Reviewed-By', value: 'Ann' },
      ],
    ],
    ['--trailer Key=value', { ...base, trailer: ['Window=Sat 02:00'] }, [{ key: 'Window', value: 'Sat 02:00' }]],
  ])('%s', (_name, flags, expected) => {
    expect(trailersFromFlags(flags)).toEqual(expected);
  });

  it.each<[string, Parameters<typeof trailersFromFlags>[0]]>([
    ['unknown risk', { ...base, risk: 'huge' }],
    ['Change-Id via --trailer', { ...base, trailer: ['Change-Id: I0123456789abcdef'] }],
    ['change-id via --trailer, any case', { ...base, trailer: ['change-id=I0123456789abcdef'] }],
    ['trailer without value', { ...base, trailer: ['Ticket:'] }],
    ['trailer key with a space', { ...base, trailer: ['Bad Key: x'] }],
  ])('%s is BAD_INPUT', (_name, flags) => {
    expect(() => trailersFromFlags(flags)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

/** Parses a command line with the real program, catching what the action receives instead of running it. */
async function flagsOf(argv: string[]): Promise<Record<string, unknown>> {
  const out: string[] = [];
  const deps: CliDeps = { stdout: (t) => void out.push(t), stderr: (t) => void out.push(t), cwd: '/nonexistent', env: {}, now: () => NOW, isTTY: false, argv };
  const program = createProgram(deps);
  let seen: Record<string, unknown> | null = null;
  const cmd = program.commands.find((c: Command) => c.name() === argv[0])!;
  cmd.action((...args: unknown[]) => {
    seen = args[args.length - 2] as Record<string, unknown>;
  });
  await program.parseAsync(argv, { from: 'user' });
  if (!seen) throw new Error(`no action ran: ${out.join('')}`);
  return seen;
}

describe('command lines reach the mapping with the flag names it reads', () => {
  it('log: every filter flag, short forms and repeats', async () => {
    const argv = ['log', '-n', '3', '-i', '--since', '2 days ago', '--until', '@1796000000', '--author', 'ann', '--grep', 'pool', '--change-id', 'I0123456789abcdef', '--trailer', 'Ticket=T-9', '--trailer', 'Risk: high', '--risk', 'high', '--component', 'db', '--file', 'conf.d/', '--field', 'database.pool.max'];
    const filter = filterFromFlags((await flagsOf(argv)) as LogFlags, NOW);
    expect(filter).toEqual({
      limit: 3,
      since: secs(NOW - 2 * DAY),
      until: 1_796_000_000,
      author: /ann/i,
      grep: /pool/i,
      changeId: 'I0123456789abcdef',
      trailers: [{ key: 'Ticket', value: 'T-9' }, { key: 'Risk', value: 'high' }],
      risk: 'high',
      component: 'db',
      file: 'conf.d',
      field: 'database.pool.max',
    });
  });

  it('snapshot: repeatable flags collect in order', async () => {
    const argv = ['snapshot', '-m', 'x', '--risk', 'medium', '--component', 'a', '--component', 'b', '--approved-by', 'Ann', '--depends-on', 'I1111111111111111', '--requested-by', 'Bo', '--ticket', 'T-1', '--trailer', 'K: v'];
    const trailers = trailersFromFlags((await flagsOf(argv)) as unknown as Parameters<typeof trailersFromFlags>[0]);
    expect(trailers.map((t) => `${t.key}: ${t.value}`)).toEqual([
      'Risk: medium', 'Component: a', 'Component: b', 'Requested-By: Bo', 'Approved-By: Ann', 'Depends-On: I1111111111111111', 'Ticket: T-1', 'K: v',
    ]);
  });
});
