import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatMessage, splitMessage } from '../../../src/core/record/message.js';
import { foldTrailerValue } from '../../../src/core/record/trailers.js';
import { parseGitOutput } from './git-oracle.js';
import { createRng, int, pick } from './message-gen.js';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function tempRepo(): (args: string[], input?: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'cfgtrail-record-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Ada',
    GIT_AUTHOR_EMAIL: 'ada@example.org',
    GIT_COMMITTER_NAME: 'Ada',
    GIT_COMMITTER_EMAIL: 'ada@example.org',
  };
  const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: dir, env, input, encoding: 'utf8' });
  git(['init', '-q']);
  return git;
}

describe('formatMessage in real commits', () => {
  it('git log reads the same subject and trailers back', () => {
    const git = tempRepo();
    const rng = createRng(7);
    const keys = ['Change-Id', 'Risk', 'Component', 'Ticket', 'Depends-On'];
    const words = ['pool', 'café', '日本', '🚀', 'Note: x', '#3', 'a=b'];
    for (let i = 0; i < 30; i++) {
      const rec = {
        title: `Set ${pick(rng, words)} ${pick(rng, words)}`,
        body: Array.from({ length: int(rng, 0, 2) }, () => `${pick(rng, keys)}: ${pick(rng, words)}`).join('\n'),
        trailers: Array.from({ length: int(rng, 1, 4) }, () => ({
          key: pick(rng, keys),
          value: Array.from({ length: int(rng, 1, 2) }, () => pick(rng, words)).join('\n'),
        })),
      };
      const message = formatMessage(rec);
      const sha = git(['commit-tree', EMPTY_TREE, '-F', '-'], message).trim();
      expect(git(['cat-file', 'commit', sha]).endsWith(`\n\n${message}`)).toBe(true);
      const subject = git(['log', '-1', '--format=%s', sha]).replace(/\n$/, '');
      const trailers = parseGitOutput(git(['log', '-1', '--format=%(trailers:only,unfold)', sha]).replace(/\n+$/, '\n'));
      const split = splitMessage(message);
      expect(split.title).toBe(subject);
      expect(split.trailers).toEqual(trailers);
      expect(trailers).toEqual(rec.trailers.map((t) => ({ key: t.key, value: foldTrailerValue(t.value) })));
    }
  });
});

describe('splitMessage reads commits as git log does', () => {
  // Commit messages as native git stores them; `git log --format=%(trailers)` is the oracle.
  const cases = [
    // git's t4205 "trailer parsing not fooled by --- line": no patch divider in a commit.
    'subject\n\nbody\n\ntrailer: wrong\n---\nmore body\n\ntrailer: right\n',
    // A message starting with a blank line: its first paragraph is the subject, never a trailer.
    '\nAcked-by: Johan\n',
    '\n\nRisk: low\nTicket: OPS-1\n',
    'Title\n\n---\nRisk: high\n',
    'Title\n\nbody\n---\n\nChange-Id: I0123456789abcdef\nRisk: low\n',
    'Title\n\nRisk: low\n--- \nTicket: OPS-2\n',
    'Title\n\nbody\n\nRisk: low\n',
  ];
  it.each(cases.map((m) => [JSON.stringify(m), m]))('%s', (_name, message) => {
    const git = tempRepo();
    const sha = git(['commit-tree', EMPTY_TREE, '-F', '-'], message).trim();
    const stored = git(['cat-file', 'commit', sha]);
    const body = stored.slice(stored.indexOf('\n\n') + 2);
    const out = git(['log', '-1', '--format=%(trailers:only,unfold)', sha]).replace(/\n+$/, '\n');
    const trailers = out.trim() === '' ? [] : parseGitOutput(out);
    const split = splitMessage(body);
    expect(split.trailers).toEqual(trailers);
    expect(split.title).toBe(git(['log', '-1', '--format=%s', sha]).replace(/\n$/, ''));
  });
});

