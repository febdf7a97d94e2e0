import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initStore } from '../../../src/core/store/init.js';
import { openStore, type Store } from '../../../src/core/store/open.js';
import { writeSnapshot } from '../../../src/core/store/snapshot.js';
import { syncIndex } from '../../../src/core/audit/index-sync.js';
import { packStore } from '../../../src/core/git/gc.js';
import { addVerificationNote, lastGoodCommit, notesFor, readVerificationNote } from '../../../src/core/audit/verification-notes.js';
import { formatNote, parseNote, parseNoteHistory, type VerificationNote } from '../../../src/core/record/verification-note.js';
import { git, tempDir } from '../../helpers/cli.js';

const AUTHOR = { name: 'Test Operator', email: 'ops@example.com' };
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

async function storeWithCommits(n: number): Promise<{ store: Store; commits: string[] }> {
  const dir = tempDir();
  await initStore(dir);
  const commits: string[] = [];
  for (let i = 0; i < n; i++) {
    writeFileSync(join(dir, 'app.yaml'), `pool: ${i}\n`);
    const r = await writeSnapshot(openStore(dir), { title: `change ${i}`, trailers: [], author: AUTHOR, now: () => T0 + i * 1000 });
    commits.push(r.commit!);
  }
  return { store: openStore(dir), commits };
}

function note(result: VerificationNote['result'], at: string, extra: Partial<VerificationNote> = {}): VerificationNote {
  return {
    result,
    at,
    by: 'Test Operator <ops@example.com>',
    kind: 'snapshot',
    services: [
      {
        name: 'sample',
        ok: result !== 'failed',
        restart: { ok: true, command: ['supervisorctl', 'restart', 'sample'], exitCode: 0, durationMs: 812, message: 'sample: started' },
        checks: [{ check: 'http http://127.0.0.1:8080/health', ok: result !== 'failed', attempts: 2, durationMs: 260, message: 'GET http://127.0.0.1:8080/health: 200' }],
      },
    ],
    ...extra,
  };
}

const notesGit = (store: Store, args: string[]) => git(['--git-dir', store.gitdir, 'notes', '--ref=cfgtrail', ...args]);

describe('formatNote / parseNote', () => {
  it('round-trips a note, with a comment line naming the result', () => {
    const n = note('failed', '2026-11-26T12:00:00.000Z', { message: 'pool: "x" # not a comment' });
    const text = formatNote(n);
    expect(text.split('\n')[0]).toBe('# cfgtrail verification: failed');
    expect(parseNote(text)).toEqual(n);
  });

  it('returns null for notes that are not ours', () => {
    expect(parseNote('reviewed by Ann\n')).toBeNull();
    expect(parseNote('result: maybe\nat: now\n')).toBeNull();
    expect(parseNote('{ unclosed')).toBeNull();
    expect(parseNote('')).toBeNull();
  });

  it('keeps earlier results, newest last, and parseNote gives the newest', () => {
    const a = note('failed', '2026-11-26T12:00:00.000Z');
    const b = note('passed', '2026-11-26T12:05:00.000Z');
    const text = formatNote(b, [a]);
    expect(parseNoteHistory(text)).toEqual([a, b]);
    expect(parseNote(text)).toEqual(b);
  });
});

describe('verification notes in a real store', () => {
  it('writes notes that native git shows and lists, and reads them back', async () => {
    const { store, commits } = await storeWithCommits(2);
    const n = note('passed', '2026-11-26T12:00:00.000Z');
    await addVerificationNote(store, commits[1]!, n, { author: AUTHOR, now: () => T0 });
    expect(readVerificationNote(store, commits[1]!)).toEqual(n);
    expect(readVerificationNote(store, commits[0]!)).toBeNull();
    const shown = notesGit(store, ['show', commits[1]!]);
    expect(shown).toBe(formatNote(n));
    expect(parseNote(shown)).toEqual(n);
    expect(notesGit(store, ['list']).trim().split(' ')[1]).toBe(commits[1]);
    expect(git(['--git-dir', store.gitdir, 'log', '-1', '--format=%an <%ae> %at', 'refs/notes/cfgtrail']).trim()).toBe(
      `Test Operator <ops@example.com> ${T0 / 1000}`,
    );
    git(['--git-dir', store.gitdir, 'fsck', '--strict']);
  });

  it('drops angle brackets and newlines from the notes commit author, as a snapshot does', async () => {
    const { store, commits } = await storeWithCommits(1);
    await addVerificationNote(store, commits[0]!, note('passed', '2026-11-26T12:00:00.000Z'), { author: { name: 'Jane\nDoe <ops>', email: '<j@x>' }, now: () => T0 });
    expect(git(['--git-dir', store.gitdir, 'log', '-1', '--format=%an|%ae', 'refs/notes/cfgtrail']).trim()).toBe('JaneDoe ops|j@x');
    git(['--git-dir', store.gitdir, 'fsck', '--strict']);
    expect(readVerificationNote(store, commits[0]!)?.result).toBe('passed');
  });

  it('notes on several commits sit side by side in one tree, each notes commit on the last', async () => {
    const { store, commits } = await storeWithCommits(3);
    for (const [i, c] of commits.entries()) await addVerificationNote(store, c, note('passed', `2026-11-26T12:00:0${i}.000Z`), { author: AUTHOR, now: () => T0 + i * 1000 });
    const listed = notesGit(store, ['list']).trim().split('\n').map((l) => l.split(' ')[1]);
    expect(listed.sort()).toEqual([...commits].sort());
    for (const [i, c] of commits.entries()) expect(parseNote(notesGit(store, ['show', c]))?.at).toBe(`2026-11-26T12:00:0${i}.000Z`);
    expect(git(['--git-dir', store.gitdir, 'rev-list', '--count', 'refs/notes/cfgtrail']).trim()).toBe('3');
    git(['--git-dir', store.gitdir, 'fsck', '--strict']);
  });

  it('a second verification of the same commit keeps the first inside the note', async () => {
    const { store, commits } = await storeWithCommits(1);
    const first = note('failed', '2026-11-26T12:00:00.000Z');
    const second = note('passed', '2026-11-26T12:10:00.000Z');
    await addVerificationNote(store, commits[0]!, first);
    await addVerificationNote(store, commits[0]!, second);
    expect(readVerificationNote(store, commits[0]!)).toEqual(second);
    const shown = notesGit(store, ['show', commits[0]!]);
    expect(shown.split('\n')[0]).toBe('# cfgtrail verification: passed');
    expect(parseNoteHistory(shown)).toEqual([first, second]);
    expect(notesGit(store, ['list']).trim().split('\n')).toHaveLength(1);
  });

  it('notes survive packing the store and can be added to afterwards', async () => {
    const { store, commits } = await storeWithCommits(2);
    const first = note('passed', '2026-11-26T12:00:00.000Z');
    await addVerificationNote(store, commits[0]!, first);
    await packStore(store.gitdir);
    const packed = openStore(store.root);
    expect(readVerificationNote(packed, commits[0]!)).toEqual(first);
    const second = note('failed', '2026-11-26T12:01:00.000Z');
    await addVerificationNote(packed, commits[1]!, second);
    expect(notesFor(openStore(store.root), commits)).toEqual(new Map([[commits[0]!, first], [commits[1]!, second]]));
    expect(parseNote(notesGit(store, ['show', commits[0]!]))).toEqual(first);
    git(['--git-dir', store.gitdir, 'fsck', '--strict']);
  });

  it('refuses a commit that is not in the store', async () => {
    const { store } = await storeWithCommits(1);
    await expect(addVerificationNote(store, 'f'.repeat(40), note('passed', 'x'))).rejects.toMatchObject({ code: 'UNKNOWN_REV' });
  });

  it('reads a fanned-out notes tree written by native git, and updates a fanned-out note in place', async () => {
    const { store, commits } = await storeWithCommits(2);
    // git fans a notes tree out (ab/cdef...) once it holds a few hundred notes.
    const hash = (text: string) => git(['--git-dir', store.gitdir, 'hash-object', '-w', '--stdin'], undefined, text).trim();
    const blobs = Array.from({ length: 300 }, (_, i) => hash(`blob ${i}\n`));
    notesGit(store, ['add', '-m', 'a note of another tool', blobs[0]!]);
    git(['--git-dir', store.gitdir, 'notes', '--ref=cfgtrail', 'copy', '--stdin'], undefined, blobs.slice(1).map((b) => `${blobs[0]} ${b}\n`).join(''));
    const old = note('failed', '2026-11-26T12:00:00.000Z');
    git(['--git-dir', store.gitdir, 'notes', '--ref=cfgtrail', 'add', '-F', '-', commits[0]!], undefined, formatNote(old));
    const top = git(['--git-dir', store.gitdir, 'ls-tree', 'refs/notes/cfgtrail']);
    expect(top).toMatch(/^040000 tree [0-9a-f]{40}\t[0-9a-f]{2}$/m);
    expect(top).not.toContain(commits[0]);

    expect(readVerificationNote(store, commits[0]!)).toEqual(old);
    expect(readVerificationNote(store, commits[1]!)).toBeNull();
    const all = notesFor(store, [...commits, ...blobs]);
    expect(all.size).toBe(1); // the other tool's notes are not ours
    expect(all.get(commits[0]!)).toEqual(old);

    const fresh = note('passed', '2026-11-26T12:30:00.000Z');
    await addVerificationNote(store, commits[0]!, fresh, { author: AUTHOR, now: () => T0 });
    const shown = notesGit(store, ['show', commits[0]!]);
    expect(parseNoteHistory(shown)).toEqual([old, fresh]); // one note, not two concatenated
    expect(readVerificationNote(store, commits[0]!)).toEqual(fresh);
    expect(notesGit(store, ['list']).trim().split('\n')).toHaveLength(301);
    git(['--git-dir', store.gitdir, 'fsck', '--strict']);
  });

  it('lastGoodCommit: newest first-parent commit whose newest result passed or was marked good', async () => {
    const { store, commits } = await storeWithCommits(5);
    const index = () => syncIndex(store, { persist: false });
    expect(lastGoodCommit(store, index())).toBeNull();
    await addVerificationNote(store, commits[1]!, note('passed', '2026-11-26T12:00:00.000Z'));
    await addVerificationNote(store, commits[3]!, note('failed', '2026-11-26T12:01:00.000Z'));
    expect(lastGoodCommit(store, index())).toBe(commits[1]);
    await addVerificationNote(store, commits[2]!, note('marked-good', '2026-11-26T12:02:00.000Z', { services: [] }));
    expect(lastGoodCommit(store, index())).toBe(commits[2]);
    // A later failure of the same commit makes it no longer good.
    await addVerificationNote(store, commits[2]!, note('failed', '2026-11-26T12:03:00.000Z'));
    expect(lastGoodCommit(store, index())).toBe(commits[1]);
    // The same answer native git gives: newest commit of HEAD's first-parent line with a good newest result.
    const line = git(['--git-dir', store.gitdir, 'rev-list', '--first-parent', 'HEAD']).trim().split('\n');
    const noted = new Set(notesGit(store, ['list']).trim().split('\n').map((l) => l.split(' ')[1]));
    const good = line.find((c) => noted.has(c) && /^result: (passed|marked-good)$/m.test(notesGit(store, ['show', c])));
    expect(good).toBe(commits[1]);
    expect(lastGoodCommit(store, index())).toBe(good);
  });
});
