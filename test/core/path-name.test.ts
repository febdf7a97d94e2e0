import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';

import { escapeControls, nameFromBytes, nameToBytes, quotePath } from '../../src/core/path-name.js';
import { parseTree, serializeTree } from '../../src/core/git/tree.js';
import { git, tempDir } from '../helpers/cli.js';
import { execFileSync } from 'node:child_process';

/** Names as bytes: controls, quotes, UTF-8, invalid UTF-8 (lone bytes, overlong, surrogate, > U+10FFFF). */
const NAMES: Buffer[] = [
  'plain.yaml', 'sp ace.yaml', 'a\nb.yaml', 't\tab.yaml', '\x1b[31mred.yaml', 'q"uote.yaml', 'back\\slash.yaml',
  'café.yaml', 'del\x7f.yaml', 'bell\x07\x08\x0b\x0c\r\x01.y', '🚀.y', 'csi\u009b2J.y', 'bidi\u202eLMX.y',
].map((s) => Buffer.from(s))
  .concat([
    Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x79]), // caf\xe9.y (latin-1)
    Buffer.from([0xed, 0xa0, 0x80, 0x2e, 0x79]), // a UTF-16 surrogate in UTF-8 (invalid)
    Buffer.from([0xc0, 0xaf, 0x2e, 0x79]), // overlong '/'
    Buffer.from([0xf4, 0x90, 0x80, 0x80, 0x2e, 0x79]), // above U+10FFFF
    Buffer.from([0xe2, 0x82, 0x2e, 0x79]), // truncated sequence
    Buffer.from([0xf0, 0x90, 0x80, 0x80, 0xff]), // U+10000 then a stray byte
  ]);

describe('quotePath', () => {
  it("prints every name as `git -c core.quotePath=true ls-files` does", () => {
    const dir = tempDir();
    git(['init', '-q', dir]);
    for (const n of NAMES) writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), n]), 'x');
    git(['add', '-A'], dir);
    const native = execFileSync('git', ['-c', 'core.quotePath=true', 'ls-files', '-z'], { cwd: dir });
    const raw = execFileSync('git', ['ls-files', '-z'], { cwd: dir });
    const quoted = execFileSync('git', ['-c', 'core.quotePath=true', 'ls-files'], { cwd: dir }).toString('latin1').split('\n').filter(Boolean);
    const names = raw.toString('latin1').split('\0').filter(Boolean).map((n) => Buffer.from(n, 'latin1'));
    expect(names).toHaveLength(NAMES.length);
    expect(native.length).toBeGreaterThan(0);
    expect(names.map((n) => quotePath(nameFromBytes(n)))).toEqual(quoted);
    // and `git diff --name-only` quotes the same way
    git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x'], dir);
    for (const n of NAMES) writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), n]), 'y');
    const diff = execFileSync('git', ['-c', 'core.quotePath=true', 'diff', '--name-only'], { cwd: dir }).toString('latin1').split('\n').filter(Boolean);
    expect(diff).toEqual(quoted);
  });

  it('never lets a control byte through', () => {
    for (let c = 0; c < 0x100; c++) expect(quotePath(`x${String.fromCharCode(c)}y`)).not.toMatch(/[\x00-\x1f\x7f-\uffff]/);
  });

  it('leaves plain names alone (no work beyond one test)', () => {
    expect(quotePath('conf.d/app config.yaml')).toBe('conf.d/app config.yaml');
  });
});

describe('nameFromBytes / nameToBytes', () => {
  it('is the identity on bytes, and plain UTF-8 on valid names', () => {
    for (const n of NAMES) {
      expect(nameToBytes(nameFromBytes(n))).toEqual(n);
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(n);
      } catch {
        valid = false;
      }
      if (valid) expect(nameFromBytes(n)).toBe(n.toString('utf8'));
      else expect(nameFromBytes(n)).toMatch(/[\udc80-\udcff]/);
    }
    expect(nameFromBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('caf\udce9');
  });

  it('round-trips random bytes', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 8) & 0xff;
    for (let i = 0; i < 5000; i++) {
      const b = Buffer.from(Array.from({ length: 1 + (rand() % 12) }, () => (rand() % 3 === 0 ? rand() % 0x80 : 0x80 | rand())));
      expect(nameToBytes(nameFromBytes(b))).toEqual(b);
    }
  });

  it('keeps a real character whose low surrogate lies in the escape range', () => {
    const s = '\ud800\udc80'; // U+10080
    expect(nameToBytes(s)).toEqual(Buffer.from(s, 'utf8'));
    expect(nameFromBytes(Buffer.from(s, 'utf8'))).toBe(s);
  });
});

describe('escapeControls', () => {
  it('escapes ESC and C1 controls, keeps newlines, tabs and text', () => {
    expect(escapeControls('a\x1b[31mb\u009b\tc\nd é')).toBe('a\\x1b[31mb\\x9b\tc\nd é');
  });
});


describe('tree entries with names that are not UTF-8', () => {
  it('are written as `git mktree` writes them and read back unchanged', () => {
    const dir = tempDir();
    git(['init', '-q', '--bare', dir]);
    const oid = 'e69de29bb2d1d6434b8b29ae775ad8c2d48c5391';
    const names = NAMES.filter((n) => !n.includes(0x0a));
    const input = Buffer.concat(names.map((n) => Buffer.concat([Buffer.from(`100644 blob ${oid}\t`), n, Buffer.from([0])])));
    const treeOid = execFileSync('git', ['--git-dir', dir, 'mktree', '-z', '--missing'], { input }).toString().trim();
    const raw = execFileSync('git', ['--git-dir', dir, 'cat-file', 'tree', treeOid]);
    const entries = parseTree(raw);
    expect(entries.map((e) => nameToBytes(e.path).toString('hex')).sort()).toEqual(names.map((n) => n.toString('hex')).sort());
    expect(serializeTree(entries)).toEqual(raw);
  });
});
