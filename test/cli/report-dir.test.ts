import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { reportDir, writeReport } from '../../src/cli/report-dir.js';
import { isCfgtrailError } from '../../src/core/errors.js';

describe('reports', () => {
  it('writeReport puts each file whole by rename (a reader holding the old one keeps it), readable as the user\'s files, no temp left', () => {
    const dir = join(tempDir(), 'reports', 'deep');
    expect(writeReport(dir, 'DRILL-1', { md: '# one\n', json: '{"a":1}\n' })).toEqual([join(dir, 'DRILL-1.md'), join(dir, 'DRILL-1.json')]);
    const before = statSync(join(dir, 'DRILL-1.md')).ino;
    writeReport(dir, 'DRILL-1', { md: '# two\n', json: '{"a":2}\n' });
    expect(statSync(join(dir, 'DRILL-1.md')).ino).not.toBe(before); // replaced, not rewritten in place
    expect(readFileSync(join(dir, 'DRILL-1.md'), 'utf8')).toBe('# two\n');
    expect(readdirSync(dir).sort()).toEqual(['DRILL-1.json', 'DRILL-1.md']);
    expect(statSync(join(dir, 'DRILL-1.json')).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it('reportDir refuses a directory that cannot be written before anything runs (UNREADABLE_FILE)', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, '');
    expect(isCfgtrailError(caught(() => reportDir(join(file, 'x'))), 'UNREADABLE_FILE')).toBe(true);
    const ro = tempDir();
    chmodSync(ro, 0o500);
    if (process.getuid?.() !== 0) expect(isCfgtrailError(caught(() => reportDir(ro)), 'UNREADABLE_FILE')).toBe(true);
  });
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return null;
}
