import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { cfgtrail, FIXTURES } from '../helpers/cli.js';

/** One path segment as the test writes it: `{ name: 'auth' }` is a key-matched list entry. */
type Seg = string | { name: string };

interface Step {
  by: 'alice' | 'bob' | 'carol';
  /** Days before now (fractions allowed); kept hours away from the relative dates queried below. */
  daysAgo: number;
  title: string;
  body?: string;
  flags: string[];
  /** Text edits `[file, from, to]`; `to === null` deletes the file, `from === null` creates it. */
  edits: [string, string | null, string | null][];
  /** The fields this step changes, as the test itself knows them. */
  fields: [string, Seg[]][];
}

const PEOPLE = {
  alice: { name: 'Alice Admin', email: 'alice@ops.example.com' },
  bob: { name: 'Bob Builder', email: 'bob@dev.example.org' },
  carol: { name: 'Carol Chen', email: 'carol@ops.example.com' },
};
const EXTRA = 'extra:\n  enabled: true\nshards: 4\n';
const top = (file: string, keys: string[]): [string, Seg[]][] => keys.map((k) => [file, [k]]);

const STEPS: Step[] = [
  {
    by: 'alice', daysAgo: 40, title: 'Initial config', flags: ['--risk', 'low', '--component', 'myapp', '--ticket', 'OPS-1'], edits: [],
    fields: [...top('conf.d/cache.yaml', ['cache']), ...top('config.yaml', ['service', 'database', 'features', 'upstreams']), ...top('limits.json', ['requests_per_second', 'burst', 'tenants'])],
  },
  {
    by: 'bob', daysAgo: 35, title: 'Raise pool max', flags: ['--risk', 'medium', '--component', 'db', '--ticket', 'OPS-2', '--approved-by', 'Alice Admin <alice@ops.example.com>'],
    edits: [['config.yaml', 'max: 20', 'max: 25']], fields: [['config.yaml', ['database', 'pool', 'max']]],
  },
  {
    by: 'carol', daysAgo: 30, title: 'Auth timeout 3s', flags: ['--risk', 'high', '--component', 'auth', '--ticket', 'OPS-3'],
    edits: [['config.yaml', 'timeout: 2s', 'timeout: 3s']], fields: [['config.yaml', ['upstreams', { name: 'auth' }, 'timeout']]],
  },
  {
    by: 'alice', daysAgo: 27, title: 'Longer cache ttl', flags: ['--risk', 'low', '--component', 'cache'],
    edits: [['conf.d/cache.yaml', 'ttl: 300', 'ttl: 600']], fields: [['conf.d/cache.yaml', ['cache', 'ttl']]],
  },
  {
    by: 'bob', daysAgo: 24, title: 'Bigger burst', flags: ['--risk', 'medium', '--ticket', 'OPS-4', '--trailer', 'Reviewed-By: Carol'],
    edits: [['limits.json', '"burst": 50', '"burst": 80']], fields: [['limits.json', ['burst']]],
  },
  {
    by: 'carol', daysAgo: 20, title: 'Resize the pool', flags: ['--risk', 'high', '--component', 'db', '--approved-by', 'Alice', '--approved-by', 'Bob', '--ticket', 'OPS-5'],
    edits: [['config.yaml', 'min: 5', 'min: 8'], ['config.yaml', 'max: 25', 'max: 40']],
    fields: [['config.yaml', ['database', 'pool', 'min']], ['config.yaml', ['database', 'pool', 'max']]],
  },
  {
    by: 'alice', daysAgo: 17, title: 'Debug logging', body: 'Debugging the Black Friday latency', flags: ['--risk', 'low', '--component', 'myapp'],
    edits: [['config.yaml', 'log_level: info', 'log_level: debug']], fields: [['config.yaml', ['service', 'log_level']]],
  },
  {
    by: 'bob', daysAgo: 16, title: 'Billing timeout', flags: ['--risk', 'medium', '--component', 'billing'],
    edits: [['config.yaml', 'timeout: 5s', 'timeout: 6s']], fields: [['config.yaml', ['upstreams', { name: 'billing' }, 'timeout']]],
  },
  {
    by: 'carol', daysAgo: 12, title: 'Acme quota', flags: ['--risk', 'critical', '--ticket', 'OPS-7', '--component', 'limits'],
    edits: [['limits.json', '"acme": 100', '"acme": 150']], fields: [['limits.json', ['tenants', 'acme']]],
  },
  {
    by: 'alice', daysAgo: 10, title: 'Pool and auth back down', flags: ['--risk', 'high', '--component', 'db', '--component', 'auth', '--ticket', 'OPS-7', '--approved-by', 'Carol'],
    edits: [['config.yaml', 'max: 40', 'max: 35'], ['config.yaml', 'timeout: 3s', 'timeout: 2500ms']],
    fields: [['config.yaml', ['database', 'pool', 'max']], ['config.yaml', ['upstreams', { name: 'auth' }, 'timeout']]],
  },
  {
    by: 'bob', daysAgo: 8, title: 'Add extra settings', flags: ['--component', 'cache'],
    edits: [['conf.d/extra.yaml', null, EXTRA]], fields: top('conf.d/extra.yaml', ['extra', 'shards']),
  },
  {
    by: 'carol', daysAgo: 6, title: 'More workers', flags: ['--risk', 'low', '--ticket', 'OPS-9'],
    edits: [['myapp.env', 'WORKERS=4', 'WORKERS=8']], fields: [],
  },
  {
    by: 'alice', daysAgo: 4.5, title: 'Third cache server', flags: ['--risk', 'medium', '--component', 'cache'],
    edits: [['conf.d/cache.yaml', 'cache-2:6379]', 'cache-2:6379, cache-3:6379]']], fields: [['conf.d/cache.yaml', ['cache', 'servers', '2']]],
  },
  {
    by: 'bob', daysAgo: 2, title: 'Raise rate limit', body: 'Beta UI on for everyone.\nSecond line of the body.', flags: ['--risk', 'high', '--ticket', 'OPS-12', '--approved-by', 'Alice'],
    edits: [['config.yaml', 'rate_limit: 100', 'rate_limit: 200'], ['config.yaml', 'beta_ui: false', 'beta_ui: true']],
    fields: [['config.yaml', ['features', 'beta_ui']], ['config.yaml', ['features', 'rate_limit']]],
  },
  {
    by: 'carol', daysAgo: 1, title: 'Rotate db password, drop extra', flags: ['--risk', 'low', '--component', 'cache'],
    edits: [['config.yaml', 's3cr3t-pass', 'n3w-s3cr3t-pass'], ['conf.d/extra.yaml', EXTRA, null]],
    fields: [['config.yaml', ['database', 'password']], ...top('conf.d/extra.yaml', ['extra', 'shards'])],
  },
];

let dir = '';
let store = '';
/** Commit ids of STEPS, in order. */
let oids: string[] = [];
const NOW = Date.now();

function applyEdits(step: Step): void {
  for (const [file, from, to] of step.edits) {
    const path = join(dir, file);
    if (from === null) writeFileSync(path, to!);
    else if (to === null) unlinkSync(path);
    else {
      const text = readFileSync(path, 'utf8');
      if (!text.includes(from)) throw new Error(`test setup: '${from}' not in ${file}`);
      writeFileSync(path, text.replace(from, to));
    }
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfgtrail-log-'));
  cpSync(join(FIXTURES, 'example'), dir, { recursive: true });
  store = join(dir, '.cfgtrail');
  expect(cfgtrail(['init'], { cwd: dir }).code).toBe(0);
  for (const step of STEPS) {
    applyEdits(step);
    const p = PEOPLE[step.by];
    const when = Math.floor(NOW / 1000 - step.daysAgo * 86400);
    const env = { GIT_AUTHOR_NAME: p.name, GIT_AUTHOR_EMAIL: p.email, GIT_AUTHOR_DATE: `@${when} +0000` };
    const args = ['snapshot', '-m', step.title, ...(step.body ? ['--body', step.body] : []), ...step.flags, '--json'];
    const r = cfgtrail(args, { cwd: dir, env });
    if (r.code !== 0) throw new Error(`snapshot '${step.title}' failed: ${r.stderr}`);
    oids.push((JSON.parse(r.stdout) as { commit: string }).commit);
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Native `git log` on the store: the witness. */
function gitLog(args: string[]): string[] {
  const out = execFileSync('git', ['--git-dir', store, 'log', '--format=%H', ...args], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', GIT_CONFIG_NOSYSTEM: '1' },
  });
  return out.split('\n').filter(Boolean);
}

function logIds(args: string[]): string[] {
  const r = cfgtrail(['log', '--json', ...args], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { commit: string }[]).map((e) => e.commit);
}

/** Expected commits (newest first) for a `--field` query, from the changes the steps made. */
function expectedForField(query: { file?: string; path: Seg[] }): string[] {
  const segMatch = (change: Seg, q: Seg) =>
    typeof change === 'string' ? change === q : typeof q === 'string' ? change.name === q : change.name === q.name;
  const touches = ([file, path]: [string, Seg[]]) => {
    if (query.file && file !== query.file && !file.startsWith(`${query.file}/`)) return false;
    const n = Math.min(path.length, query.path.length);
    return path.slice(0, n).every((seg, i) => segMatch(seg, query.path[i]!));
  };
  return STEPS.map((s, i) => (s.fields.some(touches) ? oids[i]! : null)).filter((x): x is string => x !== null).reverse();
}

describe('log filters agree with native git log', () => {
  const cases: [string, string[], string[]][] = [
    ['everything', [], []],
    ['--author name', ['--author', 'Bob'], ['--author=Bob']],
    ['--author email regex', ['--author', '@ops\\.example\\.com>$'], ['-E', '--author=@ops\\.example\\.com>$']],
    ['--author alternation', ['--author', '^(Alice|Carol) '], ['-E', '--author=^(Alice|Carol) ']],
    ['--author case-sensitive', ['--author', 'bob builder'], ['--author=bob builder']],
    ['--author -i', ['--author', 'bob builder', '-i'], ['-i', '--author=bob builder']],
    ['--grep title', ['--grep', 'pool'], ['--grep=pool']],
    ['--grep body', ['--grep', 'Black Friday'], ['--grep=Black Friday']],
    ['--grep anchored per line', ['--grep', '^Second line'], ['--grep=^Second line']],
    ['--grep -i', ['--grep', 'POOL', '-i'], ['-i', '--grep=POOL']],
    ['--since ISO', ['--since', iso(21)], [`--since=${iso(21)}`]],
    ['--until ISO', ['--until', iso(21)], [`--until=${iso(21)}`]],
    ['--since relative words', ['--since', '3 days ago'], ['--since=3 days ago']],
    ['--since dotted relative', ['--since', '2.weeks.ago'], ['--since=2.weeks.ago']],
    ['--until relative', ['--until', '2.weeks.ago'], ['--until=2.weeks.ago']],
    ['--since and --until', ['--since', '5 weeks ago', '--until', '1 week ago'], ['--since=5 weeks ago', '--until=1 week ago']],
    ['--trailer', ['--trailer', 'Ticket=OPS-7'], ['--grep=^Ticket: OPS-7$']],
    ['--trailer twice is AND', ['--trailer', 'Ticket=OPS-7', '--trailer', 'Risk=high'], ['--all-match', '--grep=^Ticket: OPS-7$', '--grep=^Risk: high$']],
    ['--trailer Key: value form', ['--trailer', 'Reviewed-By: Carol'], ['--grep=^Reviewed-By: Carol$']],
    ['--trailer Approved-By', ['--trailer', 'Approved-By=Alice'], ['--grep=^Approved-By: Alice$']],
    ['--risk', ['--risk', 'high'], ['--grep=^Risk: high$']],
    ['--component', ['--component', 'db'], ['--grep=^Component: db$']],
    ['--file', ['--file', 'limits.json'], ['--', 'limits.json']],
    ['--file directory', ['--file', 'conf.d'], ['--', 'conf.d']],
    ['--file directory with slash', ['--file', './conf.d/'], ['--', 'conf.d']],
    ['--file deleted and re-added path', ['--file', 'conf.d/extra.yaml'], ['--', 'conf.d/extra.yaml']],
    ['-n', ['-n', '4'], ['-n', '4']],
    ['-n 0', ['-n', '0'], ['-n', '0']],
    ['author AND risk AND since', ['--author', 'Alice', '--risk', 'high', '--since', '5 weeks ago'], ['--author=Alice', '--grep=^Risk: high$', '--since=5 weeks ago']],
    ['component AND file', ['--component', 'cache', '--file', 'conf.d'], ['--grep=^Component: cache$', '--', 'conf.d']],
    ['grep AND until AND -n', ['--grep', 'o', '--until', '1 week ago', '-n', '3'], ['--grep=o', '--until=1 week ago', '-n', '3']],
    ['nothing matches', ['--author', 'Carol', '--component', 'billing'], ['--author=Carol', '--grep=^Component: billing$']],
  ];
  for (const [name, ours, theirs] of cases) {
    it(name, () => {
      const expected = gitLog(theirs);
      expect(logIds(ours)).toEqual(expected);
    });
  }

  it('every case above selects something different from the whole history (the filters are not vacuous)', () => {
    expect(gitLog(['--author=Bob']).length).toBeGreaterThan(0);
    expect(gitLog(['--author=Bob']).length).toBeLessThan(STEPS.length);
    expect(gitLog(['--since=3 days ago'])).toEqual([oids[14], oids[13]]);
    expect(gitLog(['--since=2.weeks.ago']).length).toBe(STEPS.filter((s) => s.daysAgo < 14).length);
  });

  it('--change-id finds exactly that change, as git --grep on the trailer does', () => {
    const changeId = JSON.parse(cfgtrail(['show', oids[5]!, '--json'], { cwd: dir }).stdout).changeId as string;
    expect(changeId).toMatch(/^I[0-9a-f]{16}$/);
    expect(logIds(['--change-id', changeId])).toEqual([oids[5]]);
    expect(gitLog([`--grep=^Change-Id: ${changeId}$`])).toEqual([oids[5]]);
  });

  it('a bare ISO date is local midnight (TZ=UTC here)', () => {
    const day = new Date(NOW - 21 * 86400_000).toISOString().slice(0, 10);
    const midnight = Date.parse(`${day}T00:00:00Z`) / 1000;
    const expected = STEPS.map((s, i) => [NOW / 1000 - s.daysAgo * 86400, oids[i]!] as const)
      .filter(([t]) => Math.floor(t) >= midnight)
      .map(([, o]) => o)
      .reverse();
    expect(logIds(['--since', day])).toEqual(expected);
  });
});

describe('log --field agrees with the changes the test made', () => {
  const cases: [string, { file?: string; path: Seg[] }][] = [
    ['database.pool.max', { path: ['database', 'pool', 'max'] }],
    ['upstreams[name=auth].timeout', { path: ['upstreams', { name: 'auth' }, 'timeout'] }],
    ['upstreams[name=billing]', { path: ['upstreams', { name: 'billing' }] }],
    ['config.yaml:database.pool', { file: 'config.yaml', path: ['database', 'pool'] }],
    ['limits.json:tenants.acme', { file: 'limits.json', path: ['tenants', 'acme'] }],
    ['conf.d:cache.ttl', { file: 'conf.d', path: ['cache', 'ttl'] }],
    ['features', { path: ['features'] }],
    ['shards', { path: ['shards'] }],
  ];
  for (const [query, q] of cases) {
    it(query, () => {
      const expected = expectedForField(q);
      expect(expected.length).toBeGreaterThan(0);
      expect(logIds(['--field', query])).toEqual(expected);
    });
  }

  // Known bug: src/core/audit/filter.ts compares segments literally, so a plain
  // segment does not match a key-matched entry (fieldMatches in diff/field-match.ts does).
  it('upstreams.auth.timeout (plain segment names the key-matched entry)', () => {
    const expected = expectedForField({ path: ['upstreams', 'auth', 'timeout'] });
    expect(logIds(['--field', 'upstreams.auth.timeout'])).toEqual(expected);
  });

  it('--field combines with other filters (AND)', () => {
    const byField = expectedForField({ path: ['database', 'pool', 'max'] });
    const highRisk = new Set(gitLog(['--grep=^Risk: high$']));
    expect(logIds(['--field', 'database.pool.max', '--risk', 'high'])).toEqual(byField.filter((o) => highRisk.has(o)));
    expect(logIds(['--field', 'database.pool.max', '-n', '2'])).toEqual(byField.slice(0, 2));
  });
});

function iso(daysAgo: number): string {
  return new Date(NOW - daysAgo * 86400_000).toISOString().replace(/\.\d+Z$/, 'Z');
}

describe('log output', () => {
  it('--json entries have exactly the documented keys, with values git agrees with', () => {
    const r = cfgtrail(['log', '--json'], { cwd: dir });
    const entries = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(entries.map((e) => e.commit)).toEqual([...oids].reverse());
    for (const e of entries) {
      expect(Object.keys(e)).toEqual(['commit', 'parents', 'changeId', 'title', 'body', 'author', 'date', 'trailers', 'files']);
      expect(Object.keys(e.author as object)).toEqual(['name', 'email']);
      for (const t of e.trailers as object[]) expect(Object.keys(t)).toEqual(['key', 'value']);
      for (const f of e.files as object[]) expect(Object.keys(f)).toEqual(['path', 'status']);
      const [parents, name, email, date, subject] = execFileSync('git', ['--git-dir', store, 'show', '-s', '--format=%P%n%an%n%ae%n%aI%n%s', e.commit as string], { encoding: 'utf8' }).split('\n');
      expect(e.parents).toEqual(parents ? parents.split(' ') : []);
      expect(e.author).toEqual({ name, email });
      expect(e.date).toBe(date);
      expect(e.title).toBe(subject);
    }
    const step5 = entries.find((e) => e.commit === oids[5])!;
    expect(step5.trailers).toEqual([
      { key: 'Change-Id', value: step5.changeId },
      { key: 'Risk', value: 'high' },
      { key: 'Component', value: 'db' },
      { key: 'Approved-By', value: 'Alice' },
      { key: 'Approved-By', value: 'Bob' },
      { key: 'Ticket', value: 'OPS-5' },
    ]);
    const last = entries[0]!;
    expect(last.files).toEqual([
      { path: 'conf.d/extra.yaml', status: 'deleted' },
      { path: 'config.yaml', status: 'modified' },
    ]);
    const nameStatus = execFileSync('git', ['--git-dir', store, 'show', '--format=', '--name-status', oids[14]!], { encoding: 'utf8' });
    // The store's own permission file is not a config file and is not listed.
    expect(nameStatus.split('\n').filter((l) => l && !l.endsWith('.cfgtrail-meta'))).toEqual(['D\tconf.d/extra.yaml', 'M\tconfig.yaml']);
    expect(entries.find((e) => e.commit === oids[13])!.body).toBe('Beta UI on for everyone.\nSecond line of the body.');
  });

  it('--oneline: short id, short Change-Id, title, risk', () => {
    const r = cfgtrail(['log', '--oneline', '-n', '3'], { cwd: dir });
    const json = JSON.parse(cfgtrail(['log', '--json', '-n', '3'], { cwd: dir }).stdout) as { commit: string; changeId: string; title: string; trailers: { key: string; value: string }[] }[];
    const expected = json.map((e) => {
      const risk = e.trailers.find((t) => t.key === 'Risk')?.value;
      return `${e.commit.slice(0, 7)} ${e.changeId.slice(0, 9)} ${e.title}${risk ? ` (risk: ${risk})` : ''}\n`;
    });
    expect(r.stdout).toBe(expected.join(''));
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('default text shows Change-Id, Author, Date as git prints it, trailers and files', () => {
    const r = cfgtrail(['log', '-n', '1', '--author', 'Bob'], { cwd: dir });
    const id = oids[13]!;
    const gitDate = execFileSync('git', ['--git-dir', store, 'show', '-s', '--format=%ad', id], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trim();
    const changeId = JSON.parse(cfgtrail(['show', id, '--json'], { cwd: dir }).stdout).changeId as string;
    expect(r.stdout).toBe(
      [
        `commit ${id}`,
        `Change-Id: ${changeId}`,
        'Author: Bob Builder <bob@dev.example.org>',
        `Date:   ${gitDate}`,
        '',
        '    Raise rate limit',
        '    ',
        '    Beta UI on for everyone.',
        '    Second line of the body.',
        '    ',
        '    Risk: high',
        '    Approved-By: Alice',
        '    Ticket: OPS-12',
        '',
        ' M config.yaml',
        '',
      ].join('\n'),
    );
  });
});

describe('show, export and secrets', () => {
  const showCommit = (rev: string) => {
    const r = cfgtrail(['show', rev, '--json'], { cwd: dir });
    expect(r.stderr).toBe('');
    return (JSON.parse(r.stdout) as { commit: string }).commit;
  };

  it('resolves a full id, a prefix, HEAD~N, a Change-Id and a tag as git does', () => {
    execFileSync('git', ['--git-dir', store, 'tag', 'v1', 'HEAD~2']);
    execFileSync('git', ['--git-dir', store, 'tag', '-a', '-m', 'annotated', 'v2', 'HEAD~4']);
    const revParse = (rev: string) => execFileSync('git', ['--git-dir', store, 'rev-parse', `${rev}^{commit}`], { encoding: 'utf8' }).trim();
    expect(showCommit(oids[7]!)).toBe(oids[7]);
    expect(showCommit(oids[7]!.slice(0, 8))).toBe(revParse(oids[7]!.slice(0, 8)));
    for (const rev of ['HEAD', 'HEAD~3', 'HEAD^', 'v1', 'v2', 'v1~1']) expect(showCommit(rev)).toBe(revParse(rev));
    const changeId = JSON.parse(cfgtrail(['log', '--json', '--grep', '^Acme quota$'], { cwd: dir }).stdout)[0].changeId as string;
    expect(showCommit(changeId)).toBe(oids[8]);
  });

  it('export prints YAML that PyYAML reads, with each field change from → to', () => {
    const r = cfgtrail(['export', oids[9]!], { cwd: dir });
    expect(r.code).toBe(0);
    const py = 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin.read())))';
    const rec = JSON.parse(execFileSync('python3', ['-c', py], { input: r.stdout, encoding: 'utf8' })) as {
      commit: string; impact_assessment: { risk: string }; ticket: string; affected_components: { name: string }[];
      files_modified: { path: string; status: string; changes: { field: string; from: unknown; to: unknown }[] }[];
      approval: { approved_by: string[]; approved: boolean }; rollback_info: { parent: string };
    };
    expect(rec.commit).toBe(oids[9]);
    expect(rec.impact_assessment.risk).toBe('high');
    expect(rec.ticket).toBe('OPS-7');
    expect(rec.affected_components.map((c) => c.name)).toEqual(['db', 'auth']);
    expect(rec.approval).toMatchObject({ approved_by: ['Carol'], approved: true });
    expect(rec.rollback_info.parent).toBe(oids[8]);
    expect(rec.files_modified).toEqual([
      {
        path: 'config.yaml',
        status: 'modified',
        changes: [
          { field: 'database.pool.max', from: 40, to: 35 },
          { field: 'upstreams[name=auth].timeout', from: '3s', to: '2500ms' },
        ],
      },
    ]);
    // The yaml package reads the same record back.
    expect(parseYaml(r.stdout).files_modified).toEqual(rec.files_modified);
  });

  it('redacts database.password in show, export and diff unless --show-secrets', () => {
    const outputs = [
      cfgtrail(['show', oids[14]!], { cwd: dir }),
      cfgtrail(['show', oids[14]!, '--json'], { cwd: dir }),
      cfgtrail(['export', oids[14]!], { cwd: dir }),
      cfgtrail(['diff', oids[13]!, oids[14]!], { cwd: dir }),
      cfgtrail(['diff', oids[0]!], { cwd: dir }),
      cfgtrail(['diff', oids[13]!, '--json'], { cwd: dir }),
    ];
    for (const r of outputs) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/<redacted:[^>]+>/);
      expect(r.stdout).not.toMatch(/s3cr3t/);
    }
    const rows = JSON.parse(outputs[5]!.stdout) as { pathText: string; from: string; to: string }[];
    const pw = rows.find((x) => x.pathText === 'database.password')!;
    expect(pw.from).not.toBe(pw.to); // the redaction still tells old from new
    const shown = [
      cfgtrail(['show', oids[14]!, '--show-secrets'], { cwd: dir }),
      cfgtrail(['export', oids[14]!, '--show-secrets'], { cwd: dir }),
      cfgtrail(['diff', oids[13]!, oids[14]!, '--show-secrets'], { cwd: dir }),
    ];
    for (const r of shown) {
      expect(r.stdout).toContain('s3cr3t-pass');
      expect(r.stdout).toContain('n3w-s3cr3t-pass');
      expect(r.stdout).not.toMatch(/<redacted:/);
    }
  });
});
