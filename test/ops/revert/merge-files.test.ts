import { describe, expect, it } from 'vitest';
import { mergeRevert, type MergeInput } from '../../../src/ops/revert/merge-files.js';
import type { CommitFile } from '../../../src/core/store/compare.js';
import { blobOid, type LiveFile } from '../../../src/core/store/scan.js';

/** A tiny object store: content by oid. */
const blobs = new Map<string, Buffer>();
const put = (text: string | Buffer): string => {
  const b = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const oid = blobOid(b);
  blobs.set(oid, b);
  return oid;
};
const cf = (text: string, perm = 0o644, mode = '100644'): CommitFile => ({ mode, oid: put(text), perm });
const lf = (text: string, perm = 0o644, mode = '100644'): LiveFile => {
  const content = Buffer.from(text);
  return { mode, perm, uid: 1000, gid: 1000, content, oid: put(content) };
};

function merge(base: Record<string, CommitFile>, theirs: Record<string, CommitFile>, live: Record<string, LiveFile>, pick?: MergeInput['pick']) {
  return mergeRevert({
    base: new Map(Object.entries(base)), theirs: new Map(Object.entries(theirs)), live: new Map(Object.entries(live)),
    read: (oid) => blobs.get(oid)!, schema: 'core', ...(pick ? { pick } : {}),
  });
}

const text = (r: ReturnType<typeof merge>, path: string) => r.result.get(path)?.content.toString();

describe('mergeRevert', () => {
  it('deletes a file the reverted commit added, re-creates one it deleted (with its mode)', () => {
    const r = merge({ 'new.yaml': cf('a: 1\n') }, { 'old.sh': cf('echo\n', 0o750, '100755') }, { 'new.yaml': lf('a: 1\n') });
    expect(r.result.get('new.yaml')).toBeNull();
    expect(r.result.get('old.sh')).toMatchObject({ mode: '100755', perm: 0o750, content: Buffer.from('echo\n') });
    expect(r.files).toEqual([{ path: 'new.yaml', how: 'whole' }, { path: 'old.sh', how: 'whole' }]);
    expect(r.conflicts).toEqual([]);
  });

  it('a file added by the commit and edited later is a conflict; --ours keeps it, --theirs deletes it', () => {
    const args = [{ 'new.yaml': cf('a: 1\n') }, {}, { 'new.yaml': lf('a: 2\n') }] as const;
    expect(merge(...args).conflicts).toEqual([{ path: 'new.yaml', reason: 'changed-later' }]);
    expect(merge(...args, 'ours').result.has('new.yaml')).toBe(false);
    expect(merge(...args, 'theirs').result.get('new.yaml')).toBeNull();
  });

  it('reverts a permission change unless the mode changed again later', () => {
    const r = merge({ 'k.pem': cf('key\n', 0o600) }, { 'k.pem': cf('key\n', 0o644) }, { 'k.pem': lf('key\n', 0o600) });
    expect(r.result.get('k.pem')).toMatchObject({ perm: 0o644, uid: 1000 });
    expect(r.files).toEqual([{ path: 'k.pem', how: 'mode' }]);
    const later = merge({ 'k.pem': cf('key\n', 0o600) }, { 'k.pem': cf('key\n', 0o644) }, { 'k.pem': lf('key\n', 0o640) });
    expect(later.result.size).toBe(0);
  });

  it('merges the content and keeps a later mode change', () => {
    const r = merge({ 'a.conf': cf('x\ny\nz\nw\n') }, { 'a.conf': cf('X\ny\nz\nw\n') }, { 'a.conf': lf('x\ny\nz\nW\n', 0o600) });
    expect(text(r, 'a.conf')).toBe('X\ny\nz\nW\n');
    expect(r.result.get('a.conf')?.perm).toBe(0o600);
    expect(r.files).toEqual([{ path: 'a.conf', how: 'lines' }]);
  });

  it('symlinks and binary files go whole; changed later they conflict', () => {
    const link = (to: string): CommitFile => ({ mode: '120000', oid: put(to), perm: 0o777 });
    const r = merge({ cur: link('v2') }, { cur: link('v1') }, { cur: { ...lf('v2'), mode: '120000', perm: 0o777 } });
    expect(r.result.get('cur')).toMatchObject({ mode: '120000', content: Buffer.from('v1') });
    const bin = (b: number[]) => ({ mode: '100644', oid: put(Buffer.from(b)), perm: 0o644 });
    const c = merge({ 'x.bin': bin([0, 2]) }, { 'x.bin': bin([0, 1]) }, { 'x.bin': { ...lf(''), content: Buffer.from([0, 3]), oid: put(Buffer.from([0, 3])) } });
    expect(c.conflicts).toEqual([{ path: 'x.bin', reason: 'changed-later' }]);
  });

  it('lists the fields of a YAML conflict and the lines of a text one', () => {
    const r = merge(
      { 'a.yaml': cf('a: 2\nb: 1\n'), 't.txt': cf('1\n2\n3\n') },
      { 'a.yaml': cf('a: 1\nb: 1\n'), 't.txt': cf('1\nTWO\n3\n') },
      { 'a.yaml': lf('a: 3\nb: 1\n'), 't.txt': lf('1\ntwo\n3\n') },
    );
    expect(r.conflicts).toEqual([
      { path: 'a.yaml', reason: 'fields', fields: [{ path: 'a', reason: 'changed-later' }] },
      { path: 't.txt', reason: 'lines', lines: [2] },
    ]);
    expect(r.result.size).toBe(0);
  });
});
