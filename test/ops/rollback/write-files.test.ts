import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFileActions } from '../../../src/ops/rollback/write-files.js';
import { blobOid } from '../../../src/core/store/scan.js';
import type { FileAction } from '../../../src/ops/rollback/types.js';
import { tempDir } from '../../helpers/cli.js';

describe('applyFileActions', () => {
  it('writes files whose names share their first 180 characters (temp names are cut there)', async () => {
    const root = tempDir();
    const long = 'x'.repeat(185);
    const names = [`${long}-one.yaml`, `${long}-two.yaml`, 'short.yaml'];
    for (const n of names) writeFileSync(join(root, n), 'old\n');
    const blobs = new Map(names.map((n, i) => [`oid${i}`, Buffer.from(`new ${n.slice(-8)}\n`)]));
    // `was`: the live content the plan was made against (anything else would be kept as a concurrent edit).
    const actions: FileAction[] = names.map((n, i) => ({ path: n, action: 'write', mode: '100644', oid: `oid${i}`, perm: 0o640, was: blobOid(Buffer.from('old\n')) }));
    await applyFileActions(root, actions, { readBlob: (oid) => blobs.get(oid)!, chown: false });
    for (const [i, n] of names.entries()) {
      expect(readFileSync(join(root, n), 'utf8')).toBe(blobs.get(`oid${i}`)!.toString());
      expect(statSync(join(root, n)).mode & 0o777).toBe(0o640);
    }
    expect(readdirSync(root).sort()).toEqual([...names].sort()); // no temp file left behind
  });

  it('replaces an empty directory that stands where a file goes', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'app.yaml'));
    await applyFileActions(root, [{ path: 'app.yaml', action: 'write', mode: '100644', oid: 'a', perm: 0o644 }], { readBlob: () => Buffer.from('a: 1\n'), chown: false });
    expect(readFileSync(join(root, 'app.yaml'), 'utf8')).toBe('a: 1\n');
  });
});
