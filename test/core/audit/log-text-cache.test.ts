import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLines, INDEX_DIR, readIndexTail, writeIndex } from '../../../src/core/audit/index-store.js';
import { cachedLogTexts, logTextsOf, type LogTexts, type LogTextOptions, type RenderedEntry } from '../../../src/core/audit/log-text-cache.js';
import type { EntrySpans } from '../../../src/core/audit/entry-spans.js';
import { withStoreLock } from '../../../src/core/store/lock.js';
import { tempDir } from '../../helpers/cli.js';

const oid = (n: number) => n.toString(16).padStart(40, '0');
/** An index line in recordLine's shape, with a title that may be any text. */
const line = (n: number, title = `change ${n}`) => `${oid(n)}\t${n}\t\tA <a@x>\t\tm\t${JSON.stringify({ commit: oid(n), title })}\n`;
const lines = (from: number, to: number, title?: (n: number) => string) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i, title?.(from + i))).join('');

/** A gitdir whose HEAD is `head` (a loose branch ref), as readHead reads it. */
function gitdirAt(head: number): string {
  const gitdir = tempDir();
  mkdirSync(join(gitdir, 'refs', 'heads'), { recursive: true });
  writeFileSync(join(gitdir, 'HEAD'), 'ref: refs/heads/main\n');
  moveHead(gitdir, head);
  return gitdir;
}
const moveHead = (gitdir: string, head: number) => writeFileSync(join(gitdir, 'refs', 'heads', 'main'), `${oid(head)}\n`);

/** A renderer that counts what it renders: `[title]` and a note point after it. */
function counting(key = 'k1', separator = '\n') {
  const rendered: string[] = [];
  const opts: LogTextOptions = {
    kind: 'test',
    key,
    separator,
    render: (found: EntrySpans): RenderedEntry[] => {
      const out: RenderedEntry[] = [];
      for (let i = 0; i < found.spans.length; i += 2) {
        const e = JSON.parse(found.text.slice(found.spans[i], found.spans[i + 1])) as { commit: string; title: string };
        rendered.push(e.title);
        out.push({ commit: e.commit, text: `[${e.title}]\n`, notePoint: e.title.length + 2 });
      }
      return out;
    },
  };
  return { opts, rendered };
}

/** Every entry of `t` as [commit, text, text before its note point], newest first. */
function entries(t: LogTexts): [string, string, string][] {
  return Array.from({ length: t.count }, (_, i) => [t.commit(i), t.bytes.toString('utf8', t.start(i), t.end(i)), t.bytes.toString('utf8', t.start(i), t.notePoint(i))]);
}

const cacheFile = (gitdir: string) => join(gitdir, INDEX_DIR, 'text-test');

describe('the rendered-text cache of the text log', () => {
  it('renders every entry once, newest first, then reads them back without rendering', async () => {
    const gitdir = gitdirAt(5);
    writeIndex(gitdir, oid(5), lines(1, 5), 5);
    const { opts, rendered } = counting();
    const first = (await cachedLogTexts(gitdir, opts))!;
    expect(rendered).toEqual(['change 5', 'change 4', 'change 3', 'change 2', 'change 1']);
    expect(first.bytes.toString()).toBe('[change 5]\n\n[change 4]\n\n[change 3]\n\n[change 2]\n\n[change 1]\n');
    const again = (await cachedLogTexts(gitdir, opts))!;
    expect(rendered).toHaveLength(5);
    expect(entries(again)).toEqual(entries(first));
    expect(entries(again)[4]).toEqual([oid(1), '[change 1]\n', '[change 1]']);
  });

  it('renders only the entries appended since, and gives what a full render gives', async () => {
    const title = (n: number) => (n % 3 === 0 ? `Größe ✓ ${n}` : `change ${n}`); // multi-byte text moves byte offsets
    const gitdir = gitdirAt(4);
    writeIndex(gitdir, oid(4), lines(1, 4, title), 4);
    const { opts, rendered } = counting();
    await cachedLogTexts(gitdir, opts);
    appendLines(gitdir, readIndexTail(gitdir)!, oid(7), lines(5, 7, title));
    moveHead(gitdir, 7);
    const caught = (await cachedLogTexts(gitdir, opts))!;
    expect(rendered.slice(4)).toEqual([title(7), title(6), title(5)]);
    rmSync(cacheFile(gitdir));
    const whole = (await cachedLogTexts(gitdir, counting().opts))!;
    expect(entries(caught)).toEqual(entries(whole));
    expect(caught.bytes.equals(whole.bytes)).toBe(true);
    expect(entries(caught).map((e) => e[2])).toEqual([7, 6, 5, 4, 3, 2, 1].map((n) => `[${title(n)}]`));
  });

  it('is rendered again when damaged, made by another renderer, or the index was rewritten', async () => {
    const gitdir = gitdirAt(3);
    writeIndex(gitdir, oid(3), lines(1, 3), 3);
    const { opts, rendered } = counting();
    const good = entries((await cachedLogTexts(gitdir, opts))!);
    const bytes = readFileSync(cacheFile(gitdir));
    const damaged = [
      Buffer.concat([bytes.subarray(0, bytes.length - 3), Buffer.from('X]\n')]), // a flipped text byte
      bytes.subarray(0, bytes.length - 5), // truncated
      Buffer.from('not a header\n'),
      Buffer.alloc(0),
    ];
    for (const d of damaged) {
      writeFileSync(cacheFile(gitdir), d);
      const before = rendered.length;
      expect(entries((await cachedLogTexts(gitdir, opts))!)).toEqual(good);
      expect(rendered.length - before).toBe(3);
    }
    // Another key (a build that prints differently): all rendered again.
    const other = counting('k2');
    await cachedLogTexts(gitdir, other.opts);
    expect(other.rendered).toHaveLength(3);
    // The index rebuilt with other lines of the same count: the cached prefix no longer continues its CRC.
    writeIndex(gitdir, oid(3), lines(1, 3, (n) => `rewritten ${n}`), 3);
    expect(entries((await cachedLogTexts(gitdir, other.opts))!).map((e) => e[1])).toEqual(['[rewritten 3]\n', '[rewritten 2]\n', '[rewritten 1]\n']);
  });

  it('a prefix that was rewritten under an appended tail is not trusted', async () => {
    const gitdir = gitdirAt(2);
    writeIndex(gitdir, oid(2), lines(1, 2), 2);
    const { opts } = counting();
    await cachedLogTexts(gitdir, opts);
    // Same size, other first title, plus one more line: appending alone cannot explain it.
    writeIndex(gitdir, oid(3), lines(1, 2, (n) => `chang! ${n}`) + line(3), 3);
    moveHead(gitdir, 3);
    expect(entries((await cachedLogTexts(gitdir, opts))!).map((e) => e[1])).toEqual(['[change 3]\n', '[chang! 2]\n', '[chang! 1]\n']);
  });

  it('answers null while the saved index is behind HEAD or missing', async () => {
    const gitdir = gitdirAt(2);
    const { opts, rendered } = counting();
    expect(await cachedLogTexts(gitdir, opts)).toBeNull();
    writeIndex(gitdir, oid(1), lines(1, 1), 1);
    expect(await cachedLogTexts(gitdir, opts)).toBeNull();
    expect(rendered).toEqual([]);
  });

  it('still answers when it cannot save: the lock held by another command, a directory in its place', async () => {
    const gitdir = gitdirAt(2);
    writeIndex(gitdir, oid(2), lines(1, 2), 2);
    const { opts } = counting();
    const held = await withStoreLock(gitdir, { timeoutMs: 0 }, async () => cachedLogTexts(gitdir, opts));
    expect(entries(held!).map((e) => e[1])).toEqual(['[change 2]\n', '[change 1]\n']);
    expect(existsSync(cacheFile(gitdir))).toBe(false);
    mkdirSync(join(cacheFile(gitdir), 'sub'), { recursive: true });
    expect(entries((await cachedLogTexts(gitdir, opts))!).map((e) => e[1])).toEqual(['[change 2]\n', '[change 1]\n']);
    expect(readdirSync(join(gitdir, INDEX_DIR)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('logTextsOf lays out entries as the cache does: separator between, none after the last', () => {
    const t = logTextsOf([{ commit: oid(2), text: 'b ✓\n', notePoint: 3 }, { commit: oid(1), text: 'a\n', notePoint: 1 }], '--');
    expect(t.bytes.toString()).toBe('b ✓\n--a\n');
    expect([t.start(1), t.notePoint(0), t.end(0), t.end(1)]).toEqual([8, 5, 6, 10]);
    expect(t.commit(1)).toBe(oid(1));
  });
});
