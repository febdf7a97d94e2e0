import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatGitDate, formatLog, formatShowHeader } from '../../../src/cli/format/log.js';
import type { AuditEntry } from '../../../src/core/types.js';

function entry(over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    commit: '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    parents: ['0a1b2c3d4e5f60718293a4b5c6d7e8f901234567'],
    changeId: 'I4f5a6b7c8d9e0f12',
    title: 'Raise pool size for the Black Friday load',
    body: 'Body text, indented like git.',
    author: { name: 'Jane Doe', email: 'jane@example.com' },
    date: '2026-11-26T15:19:07+01:00',
    trailers: [
      { key: 'Risk', value: 'high' },
      { key: 'Change-Id', value: 'I4f5a6b7c8d9e0f12' },
      { key: 'Component', value: 'database' },
      { key: 'Approved-By', value: 'Bob <bob@example.com>' },
    ],
    files: [
      { path: 'config.yaml', status: 'modified' },
      { path: 'conf.d/cache.yaml', status: 'added' },
    ],
    ...over,
  };
}

function tempRepo(): (args: string[], env?: Record<string, string>) => string {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-logfmt-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
  git(['init', '-q']);
  git(['config', 'user.name', 'Jane Doe']);
  git(['config', 'user.email', 'jane@example.com']);
  return git;
}

describe('formatLog', () => {
  it('prints a git-like entry with the Change-Id in the header only', () => {
    const out = formatLog([entry()]);
    expect(out).toMatchInlineSnapshot(`
      "commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39
      Change-Id: I4f5a6b7c8d9e0f12
      Author: Jane Doe <jane@example.com>
      Date:   Thu Nov 26 15:19:07 2026 +0100

          Raise pool size for the Black Friday load
          
          Body text, indented like git.
          
          Risk: high
          Component: database
          Approved-By: Bob <bob@example.com>

       M config.yaml
       A conf.d/cache.yaml
      "
    `);
    expect(out.match(/Change-Id/g)).toHaveLength(1);
  });

  it('separates entries with a blank line and leaves out an empty file list', () => {
    const out = formatLog([entry(), entry({ commit: 'b'.repeat(40), changeId: null, body: '', trailers: [], files: [] })]);
    const second = out.slice(out.indexOf(`commit ${'b'.repeat(40)}`));
    expect(out).toContain(' A conf.d/cache.yaml\n\ncommit bbbb');
    expect(second).not.toContain('Change-Id');
    expect(second.endsWith(`    ${entry().title}\n`)).toBe(true);
  });

  it('prints one line per entry with --oneline', () => {
    const out = formatLog([entry(), entry({ commit: 'c'.repeat(40), changeId: null, trailers: [], title: 'Initial' })], {
      oneline: true,
    });
    expect(out).toMatchInlineSnapshot(`
      "3f2a9c1 I4f5a6b7c Raise pool size for the Black Friday load (risk: high)
      ccccccc -         Initial
      "
    `);
  });

  it('colours commit ids like git and high risk in red', () => {
    const out = formatLog([entry()], { oneline: true, color: true });
    expect(out).toBe(`\x1b[33m3f2a9c1\x1b[m I4f5a6b7c ${entry().title}\x1b[31m (risk: high)\x1b[m\n`);
    expect(formatLog([entry()], { color: true }).startsWith(`\x1b[33mcommit ${entry().commit}\x1b[m\n`)).toBe(true);
    expect(formatLog([entry()])).not.toContain('\x1b');
  });

  it('shows notes under the message', () => {
    const notes = new Map([[entry().commit, 'verified: healthy after 5m\nby drill']]);
    const out = formatLog([entry()], { notes });
    expect(out).toContain('    Approved-By: Bob <bob@example.com>\n\nNotes:\n    verified: healthy after 5m\n    by drill\n\n M config.yaml');
  });

  it('prints nothing for no entries', () => {
    expect(formatLog([])).toBe('');
    expect(formatLog([], { oneline: true })).toBe('');
  });
});

describe('formatShowHeader matches git log', () => {
  it('renders the message, author and date as git show -s does', () => {
    const git = tempRepo();
    const msg = 'Raise pool size\n\nFirst paragraph\nsecond line.\n\nAnother paragraph.\n\nRisk: high\nTicket: OPS-1234\n';
    const env = { GIT_AUTHOR_DATE: '2026-11-02T09:05:07+05:30', GIT_COMMITTER_DATE: '2026-11-02T09:05:07+05:30' };
    git(['commit', '-q', '--allow-empty', '-m', 'root'], env);
    git(['commit', '-q', '--allow-empty', '-m', msg], env);
    const oid = git(['rev-parse', 'HEAD']).trim();
    const ours = formatShowHeader(
      entry({
        commit: oid,
        parents: [git(['rev-parse', 'HEAD~1']).trim()],
        changeId: null,
        title: 'Raise pool size',
        body: 'First paragraph\nsecond line.\n\nAnother paragraph.',
        date: git(['show', '-s', '--format=%aI']).trim(),
        trailers: [
          { key: 'Risk', value: 'high' },
          { key: 'Ticket', value: 'OPS-1234' },
        ],
      }),
    );
    expect(ours).toBe(git(['show', '-s', '--format=medium', 'HEAD']));
  });

  it('prints a Merge line like git for a merge commit', () => {
    const git = tempRepo();
    git(['commit', '-q', '--allow-empty', '-m', 'root']);
    git(['checkout', '-q', '-b', 'side']);
    git(['commit', '-q', '--allow-empty', '-m', 'side']);
    git(['checkout', '-q', '-']);
    git(['commit', '-q', '--allow-empty', '-m', 'main']);
    git(['merge', '-q', '--no-ff', '-m', 'Merge side', 'side']);
    const parents = git(['show', '-s', '--format=%P']).trim().split(' ');
    const ours = formatShowHeader(
      entry({
        commit: git(['rev-parse', 'HEAD']).trim(),
        parents,
        changeId: null,
        title: 'Merge side',
        body: '',
        trailers: [],
        date: git(['show', '-s', '--format=%aI']).trim(),
      }),
    );
    expect(ours).toBe(git(['show', '-s', '--format=medium', 'HEAD']));
  });
});

describe('formatGitDate', () => {
  it.each(['2026-11-26T15:19:07+01:00', '2026-01-05T00:00:09-08:00', '2024-02-29T23:59:59+05:45', '2026-07-01T12:00:00+00:00'])(
    'formats %s like git %%ad',
    (iso) => {
      const git = tempRepo();
      git(['commit', '-q', '--allow-empty', '-m', 'x'], { GIT_AUTHOR_DATE: iso, GIT_COMMITTER_DATE: iso });
      expect(formatGitDate(iso)).toBe(git(['show', '-s', '--format=%ad']).trim());
    },
  );

  it('reads Z as +0000 and leaves other strings alone', () => {
    expect(formatGitDate('2026-11-26T15:19:07Z')).toBe('Thu Nov 26 15:19:07 2026 +0000');
    expect(formatGitDate('yesterday')).toBe('yesterday');
  });
});


