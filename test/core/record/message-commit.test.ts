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
