import { describe, expect, it } from 'vitest';
import { actionWarnings, committedState, fileActions } from '../../../src/ops/rollback/states.js';
import { blobOid, type LiveFile } from '../../../src/core/store/scan.js';
import type { TargetFile } from '../../../src/ops/rollback/types.js';

const buf = (s: string) => Buffer.from(s);
const live = (content: string, perm: number, uid = 0, gid = 0): LiveFile => ({ mode: perm & 0o111 ? '100755' : '100644', perm, uid, gid, content: buf(content), oid: blobOid(buf(content)) });
const target = (content: string, perm: number, uid?: number, gid?: number): TargetFile => ({ mode: perm & 0o111 ? '100755' : '100644', oid: blobOid(buf(content)), perm, ...(uid !== undefined ? { uid, gid } : {}) });
const all = () => true;

describe('fileActions: special bits and owners', () => {
  it('restores only 0777 of a stored 4755 unless allowed, and says what it dropped', () => {
    const wanted = new Map([['tool', target('new', 0o4755, 0, 0)]]);
    const lives = new Map([['tool', live('old', 0o755)]]);
    const [off] = fileActions(lives, wanted, all, false);
    expect(off).toMatchObject({ action: 'write', perm: 0o755, dropped: 0o4000, was: blobOid(buf('old')) });
    expect(actionWarnings([off!])).toEqual(['tool: the stored mode 4755 has setuid/setgid/sticky bits; 0755 is restored (restore_special_bits is off)']);
    const [on] = fileActions(lives, wanted, all, false, true);
    expect(on).toMatchObject({ action: 'write', perm: 0o4755 });
    expect(on).not.toHaveProperty('dropped');
    expect(actionWarnings([on!])).toEqual(['tool: mode 4755 has setuid/setgid/sticky bits']);
  });

  it('leaves a live file that already has the stored bits, and drops them when its owner changes', () => {
    const lives = new Map([['tool', live('same', 0o4755, 1000, 1000)]]);
    expect(fileActions(lives, new Map([['tool', target('same', 0o4755, 1000, 1000)]]), all, true)).toEqual([]);
    const [a] = fileActions(lives, new Map([['tool', target('same', 0o4755, 0, 0)]]), all, true);
    expect(a).toMatchObject({ action: 'chmod', perm: 0o755, uid: 0, gid: 0, ownerWas: { uid: 1000, gid: 1000 } });
    expect(actionWarnings([a!])).toContain('tool: owner changes from 1000:1000 to 0:0');
  });

  it('a new file owned by someone other than root is an owner change; a delete remembers what it deletes', () => {
    const acts = fileActions(new Map([['gone', live('bye', 0o644)]]), new Map([['new', target('hi', 0o600, 33, 33)]]), all, true);
    expect(acts).toEqual([
      { path: 'gone', action: 'delete', was: blobOid(buf('bye')) },
      expect.objectContaining({ path: 'new', action: 'write', ownerWas: null }),
    ]);
    expect(actionWarnings(acts)).toEqual(['new: owner changes from root (new file) to 33:33']);
  });
});

describe('committedState', () => {
  it('is the live state read before writing with the actions laid over it, not a rescan', () => {
    const lives = new Map([['a', live('a-head', 0o644)], ['b', live('b', 0o644)], ['c', live('c', 0o600)]]);
    const acts = fileActions(lives, new Map([['a', target('a-target', 0o640)], ['c', target('c', 0o644)]]), all, false);
    const blobs = new Map([[blobOid(buf('a-target')), buf('a-target')]]);
    const out = committedState(lives, acts, new Map([['a', { perm: 0o640, uid: 0, gid: 0 }]]), (oid) => blobs.get(oid)!);
    expect([...out.keys()]).toEqual(['a', 'c']);
    expect(out.get('a')).toMatchObject({ oid: blobOid(buf('a-target')), perm: 0o640 });
    expect(out.get('c')).toMatchObject({ oid: blobOid(buf('c')), perm: 0o644 });
  });
});
