// The everyday text log prints from the rendered-entry cache
// (cfgtrail-index/text-*). Its oracle is the same query answered from the
// index (`--since` with a date before any change takes that path), and native
// git for which commits there are.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cfgtrail, cliEnv, FIXTURES, gitIn, tempDir } from '../helpers/cli.js';

const T0 = 1_790_000_000;
const FORMATS = [['log'], ['log', '--oneline'], ['log', '-n', '2'], ['log', '--oneline', '-n', '1']];

function run(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const r = cfgtrail(args, { cwd: dir, env });
  if (r.code !== 0) throw new Error(`cfgtrail ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

let n = 0;
function snapshot(dir: string, title: string): void {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/max: \d+/, `max: ${30 + ++n}`));
  run(dir, ['snapshot', '-m', title, '--risk', n % 2 ? 'high' : 'low'], { GIT_AUTHOR_DATE: `@${T0 + n * 3600} +0100` });
}

function store(): { dir: string; gitdir: string } {
  const dir = tempDir();
  cpSync(join(FIXTURES, 'example'), dir, { recursive: true });
  run(dir, ['init']);
  snapshot(dir, 'Initial');
  snapshot(dir, 'Größe ✓ "quoted" \\ back');
  snapshot(dir, 'Third');
  return { dir, gitdir: join(dir, '.cfgtrail') };
}

/** Every format, from the cache and from the index, which must agree; returns the cached texts. */
function expectSameAsIndex(dir: string): string[] {
  return FORMATS.map((args) => {
    const cached = cfgtrail(args, { cwd: dir });
    const indexed = cfgtrail([...args, '--since', '1970-01-02'], { cwd: dir });
    expect({ args, code: cached.code, stderr: cached.stderr }).toEqual({ args, code: 0, stderr: indexed.stderr });
    expect({ args, out: cached.stdout }).toEqual({ args, out: indexed.stdout });
    return cached.stdout;
  });
}

const cacheFiles = (gitdir: string) => readdirSync(join(gitdir, 'cfgtrail-index')).filter((f) => f.startsWith('text-')).sort();
const commitsIn = (out: string) => [...out.matchAll(/^commit ([0-9a-f]{40})$/gm)].map((m) => m[1]);

describe('log and log --oneline from the rendered-entry cache', () => {
  it('print what the index-answered query prints, before and after snapshots, native commits and new notes', () => {
    const { dir, gitdir } = store();
    const [medium] = expectSameAsIndex(dir);
    expect(cacheFiles(gitdir)).toEqual(['text-medium', 'text-oneline']);
    expect(commitsIn(medium!)).toEqual(gitIn(gitdir, ['rev-list', 'HEAD']).trim().split('\n'));
    expect(expectSameAsIndex(dir)).toEqual(FORMATS.map((args) => run(dir, args)));

    snapshot(dir, 'After the cache');
    expect(commitsIn(expectSameAsIndex(dir)[0]!)).toHaveLength(4);

    // A commit native git made: the index is caught up first, then the cache.
    const branch = gitIn(gitdir, ['symbolic-ref', 'HEAD']).trim();
    const env = { GIT_AUTHOR_NAME: 'Native', GIT_AUTHOR_EMAIL: 'n@x', GIT_COMMITTER_NAME: 'Native', GIT_COMMITTER_EMAIL: 'n@x' };
    const native = gitIn(gitdir, ['commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', 'Made by native git'], env).trim();
    gitIn(gitdir, ['update-ref', branch, native]);
    expect(run(dir, ['log', '--oneline', '-n', '1'])).toMatch(new RegExp(`^${native.slice(0, 7)} - +Made by native git\\n$`));
    expect(commitsIn(expectSameAsIndex(dir)[0]!)[0]).toBe(native);

    // A note on an older commit changes the text without a new commit.
    const second = gitIn(gitdir, ['rev-parse', 'HEAD~3']).trim();
    run(dir, ['mark-good', second, '-m', 'checked by hand']);
    const [withNote] = expectSameAsIndex(dir);
    const block = withNote!.slice(withNote!.indexOf(`commit ${second}`));
    expect(block.slice(0, block.indexOf('\ncommit '))).toMatch(/\n\nNotes:\n {4}\S.*\n\n M config.yaml\n$/);
  });

  it('a damaged, truncated or replaced cache file is rendered again: same output, nothing on stderr', () => {
    const { dir, gitdir } = store();
    const good = expectSameAsIndex(dir);
    const file = join(gitdir, 'cfgtrail-index', 'text-medium');
    const bytes = readFileSync(file);
    const hostile: (() => void)[] = [
      () => writeFileSync(file, Buffer.concat([bytes.subarray(0, -40), Buffer.alloc(40, 0x41)])),
      () => writeFileSync(file, bytes.subarray(0, bytes.length >> 1)),
      () => writeFileSync(file, `${'{"version":1,"count":4294967295}'}\n`),
      () => writeFileSync(file, Buffer.alloc(0)),
      () => {
        rmSync(file);
        mkdirSync(join(file, 'x'), { recursive: true });
      },
    ];
    for (const damage of hostile) {
      damage();
      expect(expectSameAsIndex(dir)).toEqual(good);
    }
    expect(readdirSync(join(gitdir, 'cfgtrail-index')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a damaged HEAD commit gives the same warning as the index-answered query', () => {
    const { dir, gitdir } = store();
    expectSameAsIndex(dir);
    const head = gitIn(gitdir, ['rev-parse', 'HEAD']).trim();
    const loose = join(gitdir, 'objects', head.slice(0, 2), head.slice(2));
    rmSync(loose, { force: true });
    writeFileSync(loose, 'not zlib');
    const r = cfgtrail(['log', '--oneline'], { cwd: dir });
    expect(r.stderr).toMatch(/^warning: the store is damaged .*run cfgtrail fsck\n$/);
    expectSameAsIndex(dir);
  });

  it('several logs at once after a change all print the same, whole text', async () => {
    const { dir, gitdir } = store();
    expectSameAsIndex(dir);
    snapshot(dir, 'Raced');
    const want = run(dir, ['log', '--since', '1970-01-02']);
    const outs = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const child = spawn(process.execPath, [BIN, 'log'], { cwd: dir, env: cliEnv() });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const [code] = (await once(child, 'exit')) as [number];
        return { code, out };
      }),
    );
    for (const o of outs) expect(o).toEqual({ code: 0, out: want });
    expect(run(dir, ['log'])).toBe(want);
    expect(readdirSync(join(gitdir, 'cfgtrail-index')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
