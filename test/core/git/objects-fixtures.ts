/** Builders for object-layer tests: real repositories made with native git. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: os.tmpdir(),
  GIT_AUTHOR_NAME: 'Ada Tester',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Tester',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
};

/** Runs native git in `cwd`; returns stdout as a Buffer. */
export function gitRaw(cwd: string, args: string[], input?: Buffer | string, env: Record<string, string> = {}): Buffer {
  return execFileSync('git', args, { cwd, input, env: { ...GIT_ENV, ...env }, maxBuffer: 1 << 30 });
}

export function git(cwd: string, args: string[], input?: Buffer | string, env: Record<string, string> = {}): string {
  return gitRaw(cwd, args, input, env).toString('utf8').trim();
}

/** A fresh `git init` work tree in a temp dir, removed when the test ends. */
export function tempRepo(): { dir: string; gitdir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfgtrail-objects-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'gc.auto', '0']);
  return { dir, gitdir: path.join(dir, '.git') };
}

/** Deterministic pseudo-random bytes/text. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function randomText(rand: () => number, lines: number): string {
  const words = ['replicas', 'image', 'tag', 'enabled', 'port', 'memory', 'cpu', 'limits', 'name', 'true', 'false'];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 2 + Math.floor(rand() * 6);
    const ws = Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]);
    out.push(`${'  '.repeat(i % 4)}${ws.join('_')}: ${Math.floor(rand() * 100000)}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * Makes `commits` commits: a few static files, a subdirectory, a large file
 * with small edits each time, an executable and a symlink.
 */
export function buildHistory(dir: string, commits: number, seed = 1): void {
  const rand = rng(seed);
  let big = randomText(rand, 3000).split('\n');
  fs.mkdirSync(path.join(dir, 'conf', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'README.md'), 'static readme\n');
  fs.writeFileSync(path.join(dir, 'conf', 'sub', 'static.yaml'), randomText(rand, 40));
  fs.writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  fs.symlinkSync('conf/big.yaml', path.join(dir, 'link.yaml'));
  for (let i = 0; i < commits; i++) {
    const at = Math.floor(rand() * big.length);
    big.splice(at, 1, `edited_${i}: ${Math.floor(rand() * 1e6)}`);
    if (i % 3 === 0) big.splice(at, 0, `inserted_${i}: yes`);
    fs.writeFileSync(path.join(dir, 'conf', 'big.yaml'), big.join('\n'));
    fs.writeFileSync(path.join(dir, 'conf', `small-${i % 5}.json`), JSON.stringify({ i, v: rand() }));
    git(dir, ['add', '-A']);
    const date = `${1700000000 + i * 3600} ${i % 2 ? '+0530' : '-0800'}`;
    git(dir, ['commit', '-q', '-m', `change ${i}\n\nChange-Id: c${i}`], undefined, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  }
}

/** Every object of a repo, read by native git: oid -> { type, content }. */
export function readAllWithGit(dir: string): Map<string, { type: string; content: Buffer }> {
  const list = git(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).split('\n').filter(Boolean);
  return parseCatFileBatch(gitRaw(dir, ['cat-file', '--batch'], `${list.join('\n')}\n`));
}

/** `git cat-file --batch` output (`<oid> <type> <size>\n<content>\n`…) as oid -> { type, content }. */
export function parseCatFileBatch(out: Buffer): Map<string, { type: string; content: Buffer }> {
  const objects = new Map<string, { type: string; content: Buffer }>();
  let p = 0;
  while (p < out.length) {
    const nl = out.indexOf(0x0a, p);
    const [oid, type, size] = out.toString('latin1', p, nl).split(' ');
    const start = nl + 1;
    objects.set(oid!, { type: type!, content: out.subarray(start, start + Number(size)) });
    p = start + Number(size) + 1;
  }
  return objects;
}
