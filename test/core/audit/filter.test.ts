import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { compileFilter, makeRegex } from '../../../src/core/audit/filter.js';
import { isCfgtrailError } from '../../../src/core/errors.js';
import type { AuditFilter, IndexRecord } from '../../../src/core/types.js';
import { caught } from '../../helpers/errors.js';

let counter = 0;

/** A record with defaults; `trailers` as `Key: value` strings for brevity. */
function record(over: Partial<Omit<IndexRecord, 'trailers'>> & { trailers?: string[] } = {}): IndexRecord {
  counter++;
  const { trailers = [], ...rest } = over;
  return {
    commit: counter.toString(16).padStart(40, '0'),
    parents: [],
    changeId: `I${counter.toString(16).padStart(16, '0')}`,
    title: `change ${counter}`,
    body: '',
    author: { name: 'Jane Doe', email: 'jane@example.com' },
    date: '2026-11-26T15:19:07+01:00',
    files: [{ path: 'config.yaml', status: 'modified' }],
    timestamp: 1_795_000_000,
    fields: [],
    trailers: trailers.map((t) => {
      const i = t.indexOf(':');
      return { key: t.slice(0, i), value: t.slice(i + 1).trim() };
    }),
    ...rest,
  };
}

const R = {
  early: record({ timestamp: 1000, title: 'Raise pool size', body: 'for the Black Friday load' }),
  middle: record({
    timestamp: 2000,
    author: { name: 'Bob Smith', email: 'bob@ops.example.org' },
    trailers: ['Risk: HIGH', 'Component: database, api', 'Ticket: OPS-1234', 'Approved-By: Jane <jane@example.com>'],
    files: [
      { path: 'conf.d/cache.yaml', status: 'added' },
      { path: 'config.yaml', status: 'modified' },
    ],
    fields: ['config.yaml\tdatabase.pool.max', 'conf.d/cache.yaml\tcache.ttl'],
  }),
  late: record({
    timestamp: 3000,
    changeId: 'Iabcdef0123456789',
    title: 'Tune cache',
    body: 'first line\nsecond line mentions database',
    trailers: ['risk: low', 'component: cache'],
    files: [{ path: 'conf.d-old/x.yaml', status: 'deleted' }],
    fields: [
      'config.yaml\tdatabase.poolsize',
      'other.yaml\tspec.containers[name=nginx].image',
      'other.yaml\tmetadata.annotations."app.kubernetes.io/name"',
      'other.yaml\titems[2]',
    ],
  }),
  noChange: record({ timestamp: 4000, changeId: null, files: [], trailers: [] }),
};

const names = Object.keys(R) as (keyof typeof R)[];
const select = (f: AuditFilter) => names.filter((n) => compileFilter(f)(R[n]));

describe('compileFilter', () => {
  it.each<[string, AuditFilter, (keyof typeof R)[]]>([
    ['empty filter', {}, ['early', 'middle', 'late', 'noChange']],
    ['since inclusive', { since: 2000 }, ['middle', 'late', 'noChange']],
    ['until inclusive', { until: 2000 }, ['early', 'middle']],
    ['since and until', { since: 1500, until: 3000 }, ['middle', 'late']],
    ['author by name', { author: /Bob/ }, ['middle']],
    ['author by email domain', { author: /@example\.com>$/ }, ['early', 'late', 'noChange']],
    ['author case-sensitive', { author: /bob/ }, ['middle']],
    ['author global flag stays stateless', { author: /Jane/g }, ['early', 'late', 'noChange']],
    ['grep title', { grep: /pool size/ }, ['early']],
    ['grep body', { grep: /Black Friday/ }, ['early']],
    ['grep anchors per line', { grep: /^second line/ }, ['late']],
    ['grep trailer line', { grep: /OPS-1234/ }, ['middle']],
    ['changeId exact', { changeId: 'Iabcdef0123456789' }, ['late']],
    ['changeId no prefix', { changeId: 'Iabcdef' }, []],
    ['changeId case-sensitive', { changeId: 'IABCDEF0123456789' }, []],
    ['trailer key any case', { trailers: [{ key: 'ticket', value: 'OPS-1234' }] }, ['middle']],
    ['trailer value exact', { trailers: [{ key: 'Ticket', value: 'ops-1234' }] }, []],
    [
      'all trailers required',
      { trailers: [{ key: 'Ticket', value: 'OPS-1234' }, { key: 'Risk', value: 'low' }] },
      [],
    ],
    ['risk any case', { risk: 'high' }, ['middle']],
    ['risk low', { risk: 'Low' }, ['late']],
    ['component in a list', { component: 'api' }, ['middle']],
    ['component any case', { component: 'CACHE' }, ['late']],
    ['file exact', { file: 'config.yaml' }, ['early', 'middle']],
    ['file ./ prefix', { file: './config.yaml' }, ['early', 'middle']],
    ['file as directory', { file: 'conf.d' }, ['middle']],
    ['file as directory with slash', { file: 'conf.d/' }, ['middle']],
    ['file prefix is not a directory', { file: 'conf' }, []],
    ['field exact', { field: 'database.pool.max' }, ['middle']],
    ['field parent matches child', { field: 'database' }, ['middle', 'late']],
    ['field child matches parent', { field: 'database.pool.max.extra' }, ['middle']],
    ['field segment, not string, prefix', { field: 'database.pool' }, ['middle']],
    ['field in file', { field: 'config.yaml:database.pool' }, ['middle']],
    ['field in other file', { field: 'other.yaml:database' }, []],
    ['field in directory', { field: 'conf.d:cache' }, ['middle']],
    ['field bracket segment', { field: 'spec.containers[name=nginx]' }, ['late']],
    ['field bracket child', { field: 'spec.containers[name=nginx].image' }, ['late']],
    ['field bracket quoted value', { field: 'spec.containers[name="nginx"].image' }, ['late']],
    ['field other bracket', { field: 'spec.containers[name=redis]' }, []],
    ['field list index', { field: 'items[2]' }, ['late']],
    ['field quoted key', { field: 'metadata.annotations."app.kubernetes.io/name"' }, ['late']],
    ['field quoted key is one segment', { field: 'metadata.annotations.app' }, []],
    ['AND of conditions', { since: 1500, risk: 'high', file: 'config.yaml' }, ['middle']],
    ['AND excludes', { risk: 'high', author: /Jane/ }, []],
  ])('%s', (_name, filter, expected) => {
    expect(select(filter)).toEqual(expected);
  });
});


describe('makeRegex', () => {
  it('is case-sensitive like git unless asked', () => {
    expect(makeRegex('jane', 'author').test('Jane')).toBe(false);
    expect(makeRegex('jane', 'author', true).test('Jane')).toBe(true);
  });

  it.each([
    ['(unclosed', 'grep', '--grep'],
    ['[z-a]', '--author', '--author'],
  ])('refuses %s naming %s', (input, flag, shown) => {
    const error = caught(() => makeRegex(input, flag));
    expect(isCfgtrailError(error, 'BAD_INPUT')).toBe(true);
    expect((error as Error).message).toContain(`invalid regular expression for ${shown}`);
    expect((error as { data: unknown }).data).toEqual({ flag: shown, input });
  });
});

describe('compileFilter agrees with git log -P', () => {
  const commits = [
    { author: 'Jane Doe <jane@example.com>', msg: 'Raise pool size\n\nfor the Black Friday load', t: 1_790_000_000 },
    { author: 'Bob Smith <bob@ops.example.org>', msg: 'Tune cache\n\nsecond line\n\nTicket: OPS-1234\nRisk: high', t: 1_790_100_000 },
    { author: 'Ann Bobson <ann@example.com>', msg: 'Bobcat rollout', t: 1_790_200_000 },
    { author: 'jane lower <j@x.org>', msg: 'fix: second try\n\nline one\nsecond line here', t: 1_790_300_000 },
  ];

  function repo(): { dir: string; records: Map<string, IndexRecord> } {
    const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-filter-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const git = (args: string[], env: Record<string, string> = {}) =>
      execFileSync('git', args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
    git(['init', '-q']);
    const records = new Map<string, IndexRecord>();
    for (const c of commits) {
      const [, name = '', email = ''] = /^(.*) <(.*)>$/.exec(c.author) ?? [];
      const env = { GIT_AUTHOR_DATE: `@${c.t} +0000`, GIT_COMMITTER_DATE: `@${c.t} +0000` };
      git(['-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '-q', '--allow-empty', '-m', c.msg], env);
      const [title = '', ...rest] = c.msg.split('\n\n');
      const last = rest.at(-1) ?? '';
      const isTrailers = /^[A-Za-z-]+: /.test(last);
      const trailers = isTrailers ? last.split('\n') : [];
      const body = (isTrailers ? rest.slice(0, -1) : rest).join('\n\n');
      const oid = git(['rev-parse', 'HEAD']).trim();
      records.set(oid, record({ commit: oid, title, body, author: { name, email }, timestamp: c.t, trailers }));
    }
    return { dir, records };
  }

  it.each<[string[], AuditFilter]>([
    [['--author=Bob'], { author: /Bob/ }],
    [['--author=^jane'], { author: /^jane/ }],
    [['--author=example\\.com>$'], { author: /example\.com>$/ }],
    [['--grep=^second line'], { grep: /^second line/ }],
    [['--grep=line$'], { grep: /line$/ }],
    [['--grep=OPS-\\d+'], { grep: /OPS-\d+/ }],
    [['--grep=^Bob'], { grep: /^Bob/ }],
    [['--since=@1790100000', '--until=@1790200000'], { since: 1_790_100_000, until: 1_790_200_000 }],
    [['--author=Bob', '--grep=second'], { author: /Bob/, grep: /second/ }],
  ])('git log -P %j', (args, filter) => {
    const { dir, records } = repo();
    const out = execFileSync('git', ['log', '-P', ...args, '--format=%H'], { cwd: dir, encoding: 'utf8' });
    const fromGit = out.split('\n').filter(Boolean).sort();
    const ours = [...records.values()].filter(compileFilter(filter)).map((r) => r.commit).sort();
    expect(ours).toEqual(fromGit);
    // Each case must tell commits apart, or it would agree with anything.
    expect(fromGit.length).toBeGreaterThan(0);
    expect(fromGit.length).toBeLessThan(commits.length);
  });
});
